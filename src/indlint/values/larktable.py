"""The target grammar's LALR tables shipped as JSON (grammar/target.tables.json): a fast start, no pickle.

Building the parser from grammar/target.lark costs about 37 ms; loading the analysed tables
costs about 7 ms. Lark's own ``cache=`` stores them with pickle, which runs code on load, so
the tables are serialised here with Lark's ``memo_serialize`` into plain JSON (tuples and
non-text keys tagged), shipped inside the package, and used only when their recorded hash of
the grammar and Lark version match; otherwise the parser is built from the grammar.
Regenerate with ``python -m indlint.values.larktable > grammar/target.tables.json`` (the
grammar with its comparator terminals filled in from the vocabulary, values/comparators.py).
"""
from __future__ import annotations

import json

from indlint.core.bundle import digest

OPTIONS = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": False}


def grammar_key(grammar: str) -> str:
    """What the tables were built from: the grammar text, the options and Lark's version."""
    import lark

    return digest(f"{grammar}\0{sorted(OPTIONS.items())}\0{lark.__version__}".encode())


def build_parser(grammar: str, tables: str | None):
    """A Lark parser: from the shipped tables when they match the grammar, else from the grammar."""
    from lark import Lark

    if tables:
        try:
            doc = json.loads(tables, object_hook=_untag)
            if isinstance(doc, dict) and doc.get("key") == grammar_key(grammar):
                return Lark._load_from_dict(doc["data"], doc["memo"])
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            pass        # damaged or stale tables: the grammar is the source of truth
    return Lark(grammar, **OPTIONS)


def serialise(grammar: str) -> str:
    """The JSON tables of a grammar."""
    from lark import Lark
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    data, memo = Lark(grammar, **OPTIONS).memo_serialize([TerminalDef, Rule])
    return json.dumps({"key": grammar_key(grammar), "data": _tag(data), "memo": _tag(memo)},
                      ensure_ascii=False, sort_keys=True) + "\n"


def _tag(value):
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and not {"@t", "@d"} & set(value):
            return {k: _tag(v) for k, v in value.items()}
        return {"@d": [[_tag(k), _tag(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"@t": [_tag(v) for v in value]}
    if isinstance(value, list):
        return [_tag(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _untag(node: dict):
    if len(node) == 1 and "@t" in node:
        return tuple(node["@t"])
    if len(node) == 1 and "@d" in node:
        return {tuple(k) if isinstance(k, list) else k: v for k, v in node["@d"]}
    return node


if __name__ == "__main__":      # pragma: no cover - the maintainer's regeneration step
    import sys

    from indlint.values.comparators import grammar_text

    sys.stdout.write(serialise(grammar_text()))
