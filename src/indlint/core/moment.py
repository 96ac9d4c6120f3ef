"""The run's moment: SOURCE_DATE_EPOCH when set (reproducible output), else now, in UTC."""
from __future__ import annotations

import os
from datetime import datetime, timezone


def run_moment() -> datetime:
    """SOURCE_DATE_EPOCH as a UTC datetime when it is a valid integer, else the current time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else \
            datetime.now(timezone.utc)
    except (ValueError, OverflowError, OSError):
        return datetime.now(timezone.utc)
