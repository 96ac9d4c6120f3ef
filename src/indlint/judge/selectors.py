"""Compile the shared, bounded ``when:`` vocabulary into predicates over row facts."""
from __future__ import annotations

from operator import attrgetter
from typing import Callable, NamedTuple

from indlint.judge.analysis import RowFacts

VALUE_TRAITS = frozenset(
    "quantity range deadline word none empty dash placeholder unit-only comparator-only unparsed "
    "missing number no-unit percent over-100 hundred-percent below-100 negative zero frequency per "
    "date-serial loose-deadline timeliness-word satisfaction-word verifiable borderline "
    "completion-word group hundred notation mechanism-state".split())
NAME_TRAITS = frozenset(
    "blank numeric rate satisfaction count timeliness quality cost management negative process "
    "measure slogan aim task outcome object own-target verdict class-name mechanism beneficiary money".split())
LEVEL_STATUS = {"l1-status": frozenset("known tolerated unknown blank".split()),
                "l2-status": frozenset("allowed tolerated mismatch blank".split())}
FORM_KINDS = frozenset({"declaration", "self-evaluation"})
UNIT_KINDS = frozenset("people person-times events objects organisations time money unit-cost "
                       "ratio physical score other".split())
COMPARATORS = frozenset({"≥", "≤", "=", ">", "<", "none"})
MAX_DEPTH = 2

Predicate = Callable[[RowFacts], bool]


class SelectorError(ValueError):
    """A ``when:`` that uses a word outside the vocabulary."""


class Selector(NamedTuple):
    """A compiled ``when:``: every key must hold."""

    spec: dict
    tests: tuple[Predicate, ...]
    facts: frozenset[str] = frozenset()     # the row facts the tests read (FACTS keys)

    def admits_form(self, kind: str) -> bool:
        """Whether rows of a form of this kind can match (a top-level ``form-kind:`` gate)."""
        wanted = self.spec.get("form-kind")
        if wanted is None:
            return True
        return kind in (wanted if isinstance(wanted, list) else [wanted])

    def __call__(self, facts: RowFacts) -> bool:
        for test in self.tests:         # a plain loop: this runs rules × rows times
            if not test(facts):
                return False
        return True


def compile_selector(spec: dict | None, depth: int = 0) -> Selector:
    """Compile a ``when:`` mapping; raise SelectorError on an unknown key or word."""
    spec = spec or {}
    if not isinstance(spec, dict):
        raise SelectorError("when: 应为映射")
    if depth > MAX_DEPTH:
        raise SelectorError(f"when: 嵌套超过 {MAX_DEPTH} 层")
    return Selector(spec, tuple(_compile_key(k, v, depth) for k, v in spec.items()),
                    frozenset(_facts_read(spec)))


def _facts_read(spec: dict) -> set[str]:
    """The FACTS a (valid) ``when:`` reads: its outcome is a function of these alone."""
    read: set[str] = set()
    for key, value in spec.items():
        if key == "not":
            read |= _facts_read(value)
        elif key == "any":
            for option in value:
                read |= _facts_read(option)
        elif key in ("has", "lacks"):
            read |= {f"field:{x}" for x in (value if isinstance(value, list) else [value])}
        else:
            read.add(_FACT_OF[key])
    return read


def _words(key: str, value, allowed: frozenset | None = None) -> frozenset[str]:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(i, (str, int, float)) for i in items):
        raise SelectorError(f"{key}: 取值应为文字或文字列表")
    words = frozenset(map(str, items))
    unknown = sorted(words - allowed) if allowed is not None else []
    if unknown:
        raise SelectorError(f"{key}: 未知取值 {', '.join(unknown)}")
    return words


def _compile_key(key: str, value, depth: int) -> Predicate:
    if key == "not":
        inner = compile_selector(value, depth + 1)
        return lambda f: not inner(f)
    if key == "any":
        if not isinstance(value, list):
            raise SelectorError("any: 应为条件的列表")
        options = tuple(compile_selector(v, depth + 1) for v in value)
        return lambda f: any(o(f) for o in options)
    factory = _KEYS.get(key) if isinstance(key, str) else None
    if factory is None:
        raise SelectorError(f"when: 未知的键 {key}")
    return factory(key, value)


def _traits_test(get, allowed, negate=False):
    def factory(key, value):
        words = _words(key, value, allowed)
        if negate:
            return lambda f: not (get(f) & words)
        return lambda f: bool(get(f) & words)
    return factory


def _comparator(f: RowFacts) -> frozenset[str]:
    return frozenset({f.target.comparator or "none"})


def _nature(f: RowFacts) -> frozenset[str]:
    n = f.nature
    return frozenset({n, "comparator"} if n in COMPARATORS else {n})


def _fields_test(negate: bool):
    def factory(key, value):
        fields = _words(key, value)
        if negate:
            return lambda f: all(not f.row.get(x).strip() for x in fields)
        return lambda f: all(f.row.get(x).strip() for x in fields)
    return factory


def _exact(get):
    def factory(key, value):
        words = _words(key, value)
        return lambda f: get(f) in words
    return factory


#: Selector key → the row fact it reads (has / lacks read ``field:NAME``, see facts_key).
_FACT_OF = {"form-kind": "form-kind", "l1-status": "l1-status", "l2-status": "l2-status",
            "l1": "l1", "l2": "l2", "name-is": "name-traits", "name-not": "name-traits",
            "target-is": "target-traits", "target-not": "target-traits",
            "actual-is": "actual-traits", "actual-not": "actual-traits",
            "comparator": "comparator", "nature": "nature", "counts": "counts"}
#: Where each fact is read on a RowFacts (operator.attrgetter: read in C, several at once).
_FACT_PATHS = {
    "form-kind": "form.kind",
    "l1-status": "levels.l1_status",
    "l2-status": "levels.l2_status",
    "l1": "levels.l1",
    "l2": "levels.l2",
    "name-traits": "name.traits",
    "target-traits": "target_traits",
    "actual-traits": "actual_traits",
    "comparator": "target.comparator",
    "nature": "nature",
    "counts": "name.counts",
}


def facts_key(facts) -> Callable[[RowFacts], tuple]:
    """One function giving a row's values of several facts as a tuple (a plan's route key)."""
    paths = tuple(_FACT_PATHS[f] for f in facts if not f.startswith("field:"))
    fields = tuple(f[6:] for f in facts if f.startswith("field:"))
    read = attrgetter(*paths) if len(paths) > 1 else (
        (lambda f, get=attrgetter(paths[0]): (get(f),)) if paths else (lambda f: ()))
    if not fields:
        return read
    return lambda f: (read(f), tuple([bool(f.row.get(name).strip()) for name in fields]))


_KEYS = {
    "form-kind": lambda k, v: (lambda w: lambda f: f.form.kind in w)(_words(k, v, FORM_KINDS)),
    "l1-status": lambda k, v: (lambda w: lambda f: f.levels.l1_status in w)(
        _words(k, v, LEVEL_STATUS[k])),
    "l2-status": lambda k, v: (lambda w: lambda f: f.levels.l2_status in w)(
        _words(k, v, LEVEL_STATUS[k])),
    "l1": _exact(lambda f: f.levels.l1),
    "l2": _exact(lambda f: f.levels.l2),
    "name-is": _traits_test(lambda f: f.name.traits, NAME_TRAITS),
    "name-not": _traits_test(lambda f: f.name.traits, NAME_TRAITS, negate=True),
    "target-is": _traits_test(lambda f: f.target_traits, VALUE_TRAITS),
    "target-not": _traits_test(lambda f: f.target_traits, VALUE_TRAITS, negate=True),
    "actual-is": _traits_test(lambda f: f.actual_traits, VALUE_TRAITS),
    "actual-not": _traits_test(lambda f: f.actual_traits, VALUE_TRAITS, negate=True),
    "comparator": _traits_test(_comparator, COMPARATORS),
    "nature": _traits_test(_nature, None),
    "counts": _traits_test(lambda f: frozenset({f.name.counts.value} if f.name.counts else ()),
                           UNIT_KINDS),
    "has": _fields_test(negate=False),
    "lacks": _fields_test(negate=True),
}
