"""A per-instance cached attribute without the lock that functools.cached_property takes before 3.12."""
from __future__ import annotations

from typing import Any, Callable


class lazy:  # noqa: N801 — used as a decorator, like cached_property
    """Compute an attribute on first use and keep it in the instance's __dict__.

    A non-data descriptor: once the value is stored, attribute lookup finds it in the instance
    and never calls this again. Writing to __dict__ works on frozen dataclasses too. Python
    3.11's cached_property takes an RLock on every first access, which cost about a tenth of
    the per-row time when each row's facts are computed once.
    """

    def __init__(self, func: Callable[[Any], Any]):
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self.func(obj)
        obj.__dict__[self.name] = value
        return value
