"""Print the findings added and removed between two findings JSON files (snapshot review).

    python tools/finding_diff.py OLD.json NEW.json
"""
from __future__ import annotations

import json
import sys


def keyed(path: str) -> set[tuple]:
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    return {(f["path"].rsplit("/", 1)[-1], f["form"], f["row"], f.get("indicator") or "",
             f["rule"], f["category"]) for f in doc["findings"]}


def main() -> None:
    old, new = keyed(sys.argv[1]), keyed(sys.argv[2])
    for sign, items in (("-", old - new), ("+", new - old)):
        for item in sorted(items, key=str):
            print(sign, *item)
    print(f"removed {len(old - new)}, added {len(new - old)}, kept {len(old & new)}")


if __name__ == "__main__":
    main()
