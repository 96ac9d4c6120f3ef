"""Parse target and actual strings into typed values with grammar/target.lark."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from indlint.core import resources
from indlint.core.bundle import packaged_json
from indlint.core.cache import remember
from indlint.core.deferred import deferring
from indlint.values.comparators import Comparators, grammar_text, load_comparators
from indlint.values.larktable import build_parser
from indlint.values.units import Units
from indlint.values.values import Deadline, Kind, Note, Problem, Value

# Lark's grammar-cache modules, the random ids of its Earley forest drawings (indlint parses
# with LALR) and logging's traceback formatting load only if used (core/deferred.py): a cold start
# never uses them.
with deferring("getpass", "pickle", "tempfile", "hashlib", "pkgutil", "random", "traceback",
               functions={"random": ("randint",)}):
    from lark import Token, Transformer, UnexpectedInput

#: Longer strings are not values; they are classified without parsing (bounded work).
MAX_VALUE_CHARS = 400

#: The Note a comparator sign earns, by its note in rules/lexicons/comparators.yaml.
_SIGN_NOTES = {"ascii": Note.ASCII_COMPARATOR, "odd": Note.ODD_COMPARATOR}
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SCALES = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_HAS_DIGIT = re.compile(r"\d")
# Byte-order marks, zero-width characters and control characters carry no meaning in a cell.
_INVISIBLE = re.compile(r"[\ufeff\u200b-\u200d\u2060\x00-\x08\x0b-\x1f\x7f]")
_LATIN = re.compile(r"[A-Za-z]")
#: For values that failed to parse only: left to re's own cache, compiled on first use.
_PLACEHOLDER = r"[Xx×*※]{2,}|[Xx×*]+(?=[月日号年])"


#: The failure classes grammar/problems.yaml gives examples of, in the order they are tried.
_EXAMPLE_CLASSES = (Problem.LETTERS, Problem.TRAILING_TEXT, Problem.SYMBOLS)


def problem_examples() -> dict[Problem, list[str]]:
    """Examples of strings that fail to parse, by class (lark's match_examples)."""
    path = resources.data_root("grammar") / "problems.yaml"

    def build() -> dict:
        import yaml     # only when the bundle is stale

        return yaml.safe_load(resources.read_text("grammar", "problems.yaml"))

    data = packaged_json("grammar-problems", [path], build, keys=[p.value for p in _EXAMPLE_CLASSES])
    return {p: [str(e) for e in data[p.value]] for p in _EXAMPLE_CLASSES}


def normalise(text: str) -> tuple[str, tuple[Note, ...]]:
    """Fold full-width forms and white space; return the text and the notes it earned."""
    notes: list[Note] = []
    text = _INVISIBLE.sub("", text)
    folded = unicodedata.normalize("NFKC", text.replace("㎡", "平方米"))
    if folded != text.replace("㎡", "平方米") and folded.strip() != text.strip():
        notes.append(Note.FULLWIDTH)
    compact = re.sub(r"\s+", "", folded)
    if compact != folded.strip():
        notes.append(Note.SPACES)
    return compact, tuple(notes)


def chinese_number(text: str) -> Decimal:
    """Read a Chinese numeral: 九十 → 90, 一百二十 → 120, 两千 → 2000, 百 → 100."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * _CN_SCALES[ch]
            digit = None
    return Decimal(total + section + (digit or 0))


class _ToParts(Transformer):
    """Turn a parse tree into keyword arguments for Value (plus notes)."""

    def __init__(self, comparators: Comparators):
        super().__init__()
        self._cmp = comparators

    def start(self, items):
        return items[0]

    # ---- numbers and units -------------------------------------------------
    def arabic(self, items):
        text = str(items[0])
        notes = [Note.TRAILING_ZEROS] if "." in text and text.endswith("0") else []
        return {"number": Decimal(text.replace(",", "")), "notes": notes}

    def chinese(self, items):
        return {"number": chinese_number(str(items[0])), "notes": [Note.CHINESE_NUMERAL]}

    def percent_arabic(self, items):
        return {"number": Decimal(str(items[1])), "unit": "%", "notes": [Note.CHINESE_NUMERAL]}

    def percent_chinese(self, items):
        return {"number": chinese_number(str(items[1])), "unit": "%",
                "notes": [Note.CHINESE_NUMERAL]}

    def unit(self, items):
        tok = items[0]
        if tok.type == "PAREN_UNIT":
            return {"unit": str(tok)[1:-1], "notes": [Note.PAREN_UNIT]}
        return {"unit": str(tok), "notes": []}

    def cmp(self, items):
        tok = str(items[0])
        notes = []
        if tok in self._cmp.sign_notes:
            notes.append(_SIGN_NOTES[self._cmp.sign_notes[tok]])
        elif items[0].type == "CMP_WORD":
            notes.append(Note.WORD_COMPARATOR)
        return {"comparator": self._cmp.meaning[tok], "notes": notes}

    def post_cmp(self, items):
        return {"comparator": self._cmp.meaning[str(items[0])], "notes": [Note.WORD_COMPARATOR]}

    # ---- whole values ----------------------------------------------------------
    def quantity(self, items):
        parts = _merge(items)
        for tok in items:
            if isinstance(tok, Token) and tok.type in ("APPROX", "APPROX_POST"):
                parts["notes"].append(Note.APPROX)
        if "comparator" not in parts:
            parts["notes"].append(Note.NO_COMPARATOR)
        return Kind.QUANTITY, parts

    def per_quantity(self, items):
        per = str(items[0])[1:]
        parts = _merge(items[1:])
        parts["per"] = per
        return Kind.QUANTITY, parts

    def range(self, items):
        cut = next(n for n, i in enumerate(items) if isinstance(i, Token))
        low, high = _merge(items[:cut]), _merge(items[cut + 1:])
        low["upper"] = high["number"]
        if high.get("unit"):
            low.setdefault("unit", high["unit"])
        low["notes"] += high["notes"] + [Note.RANGE]
        return Kind.RANGE, low

    def dash(self, items):
        return Kind.DASH, {"notes": []}

    def placeholder(self, items):
        return Kind.PLACEHOLDER, {"notes": [], "text": "".join(str(i) for i in items
                                                              if isinstance(i, Token))}

    def comparator_only(self, items):
        return Kind.COMPARATOR_ONLY, _merge(items)

    def words(self, items):
        return Kind.WORD, {"text": str(items[0]), "notes": []}

    # ---- deadlines ---------------------------------------------------------------
    def date_point(self, items):
        out: dict = {}
        for tok in items:
            if tok.type == "DOTTED_DATE":
                parts = [int(p) for p in re.split(r"[./-]", str(tok))]
                out.update(zip(("year", "month", "day"), parts))
                continue
            digits = int(re.sub(r"\D", "", str(tok)) or 0)
            if tok.type == "YEAR":
                out["year"] = digits
            elif tok.type == "MONTH":
                out["month"] = digits
            elif tok.type == "DAY":
                out["day"] = digits
            else:                       # 年底: the end of the year
                out.update(month=12, relation="end")
        return out

    def date_mod(self, items):
        tok = items[0]
        if tok.type == "BEFORE" and str(tok) == "内":
            return "within"
        return {"YEAR_END": "end", "MONTH_END": "end", "WHOLE_YEAR": "during"}.get(
            tok.type, "by" if str(tok) == "完成" else "before")

    def dated(self, items):
        return Kind.DEADLINE, {"deadline": _deadline(items[0], items[1:]), "notes": []}

    def period(self, items):
        cut = next(n for n, i in enumerate(items) if isinstance(i, Token))
        until = _deadline(items[cut + 1], items[cut + 2:])
        start = _deadline(items[0], items[1:cut])
        return Kind.DEADLINE, {"deadline": Deadline(start.year, start.month, start.day,
                                                    "period", until), "notes": [Note.RANGE]}

    def loose(self, items):
        return Kind.DEADLINE, {"deadline": Deadline(relation="during"), "notes": []}


def _merge(items) -> dict:
    out: dict = {"notes": []}
    for part in items:
        if isinstance(part, dict):
            notes = part.get("notes", [])
            out.update({k: v for k, v in part.items() if k != "notes"})
            out["notes"] += notes
    return out


def _deadline(point: dict, mods) -> Deadline:
    relation = point.get("relation", "by")
    month = point.get("month")
    year_only = "year" in point and month is None
    for mod in mods:
        if year_only and mod == "end":
            month = 12                 # 2025年年底 / 2026年底: the end of that year
        if year_only and mod == "within":
            mod = "during"             # 2026年内
        # "前" after "底" keeps "before"; "全年" makes the whole year the deadline.
        relation = mod if mod in ("before", "during") else relation if relation == "before" else mod
    if relation == "within":
        relation = "before"
    if year_only and month is None and relation == "by":
        relation = "during"            # 2026年度, 2026年: some time in that year
    return Deadline(point.get("year"), month, point.get("day"), relation)


def _tables() -> str | None:
    try:
        return resources.read_text("grammar", "target.tables.json")
    except OSError:
        return None


class ValueParser:
    """Parse value strings into :class:`Value`, once per distinct string."""

    def __init__(self, units: Units):
        self._units = units
        self._cmp = load_comparators()
        self._parts = _ToParts(self._cmp)
        grammar = grammar_text()
        # The analysed tables ship as JSON beside the grammar (no pickle, no cache folder).
        self._lark = build_parser(grammar, _tables())
        self._examples = problem_examples()
        self._cache: dict[str, Value] = {}
        self._combined: dict[tuple, Value] = {}

    def parse(self, raw: str | None) -> Value:
        """Parse one target or actual string; never raises."""
        raw = "" if raw is None else str(raw)
        return remember(self._cache, raw, lambda: self._parse(raw))

    def combine(self, nature: str | None, target: str | None, unit: str | None) -> Value:
        """Read a 101号-style row (指标性质 / 指标值 / 度量单位) as one value.

        The nature column supplies the comparator when it is one; the unit column
        supplies the unit when the value has none, and is recorded as a conflict
        when the value carries another unit (28.8万元 with 度量单位 %).
        """
        return remember(self._combined, (nature, target, unit),
                        lambda: self._combine(nature, target, unit))

    def _combine(self, nature: str | None, target: str | None, unit: str | None) -> Value:
        value = self.parse(target)
        nature = normalise(nature or "")[0]
        unit = normalise(unit or "")[0]
        if _HAS_DIGIT.search(unit):
            unit = ""       # a number in the unit column (44,561) is a copying slip, not a unit
        if not value.has_number and value.kind is not Kind.COMPARATOR_ONLY:
            return value
        changes: dict = {}
        if nature in self._cmp.nature and value.comparator is None:
            changes["comparator"] = self._cmp.meaning.get(nature, nature)
            changes["notes"] = tuple(n for n in value.notes if n is not Note.NO_COMPARATOR)
        if unit and not value.unit:
            changes.update(unit=self._units.normalise(unit), unit_kind=self._units.kind_of(unit),
                           unit_from_column=True)
        elif unit and self._units.normalise(unit) != value.unit:
            changes["unit_conflict"] = unit
        return _replace(value, changes)

    def _parse(self, raw: str) -> Value:
        text, notes = normalise(raw)
        if not text:
            return Value(raw, Kind.EMPTY)
        if len(text) > MAX_VALUE_CHARS:
            return Value(raw, Kind.UNPARSED, text=text[:40], problem=Problem.TOO_LONG)
        try:
            kind, parts = self._parts.transform(self._lark.parse(text))
        except UnexpectedInput as err:
            return self._unparsed(raw, text, err, notes)
        return self._finish(raw, text, kind, parts, notes)

    def _unparsed(self, raw: str, text: str, err: UnexpectedInput, notes) -> Value:
        if re.search(_PLACEHOLDER, text):
            return Value(raw, Kind.PLACEHOLDER, text=text, notes=notes)
        if not _HAS_DIGIT.search(text):
            # A phrase that began like a value (达到预期, 本年度工作顺利) is still words.
            return Value(raw, Kind.WORD, text=text, notes=notes)
        try:
            # use_accepts=False: lark 1.3 formats a debug message wrongly on the other path.
            problem = err.match_examples(self._lark.parse, self._examples, use_accepts=False)
        except Exception:           # noqa: BLE001 - classification must never stop a run
            problem = None
        return Value(raw, Kind.UNPARSED, text=text, notes=notes, problem=problem or Problem.OTHER)

    def _finish(self, raw, text, kind, parts, notes) -> Value:
        unit = parts.get("unit")
        if unit is not None:
            if unit == "百分比":
                parts["notes"].append(Note.PERCENT_WORD)
            unit = self._units.normalise(unit)
        known = unit is None or self._units.is_known(unit)
        if kind is Kind.WORD:
            kind, parts = self._classify_words(parts["text"], parts)
            if kind is Kind.UNIT_ONLY:
                unit = self._units.normalise(parts["unit"])
        elif not known and (kind is Kind.COMPARATOR_ONLY or not _HAS_DIGIT.search(text)):
            # 达到预期 (a comparator word before a phrase), 一般 (a numeral before a phrase)
            return Value(raw, Kind.WORD, text=text, notes=notes)
        elif not known:
            problem = self._unit_problem(unit)
            if problem is not None:
                return Value(raw, Kind.UNPARSED, text=text, notes=notes, problem=problem)
        return Value(raw, kind, comparator=parts.get("comparator"), number=parts.get("number"),
                     upper=parts.get("upper"), unit=unit, unit_kind=self._units.kind_of(unit),
                     deadline=parts.get("deadline"), text=parts.get("text"),
                     per=parts.get("per"), notes=tuple(dict.fromkeys([*notes, *parts["notes"]])))

    def _unit_problem(self, unit: str) -> Problem | None:
        """Why an unknown unit is not a unit: 95%左右, 9o%, 90%%% (trailing text, letters, symbols)."""
        if any(unit.startswith(u) and len(unit) > len(u) for u in ("%", "‰")):
            rest = unit[1:]
            return Problem.SYMBOLS if set(rest) <= set("%‰") else Problem.TRAILING_TEXT
        if _LATIN.search(unit) and not self._units.is_known(unit):
            return Problem.LETTERS
        return None

    def _classify_words(self, text: str, parts: dict) -> tuple[Kind, dict]:
        if text == "无":
            return Kind.NONE, parts
        if self._units.is_known(self._units.normalise(text)):
            return Kind.UNIT_ONLY, {**parts, "unit": text}
        return Kind.WORD, parts


def _replace(value: Value, changes: dict) -> Value:
    from dataclasses import replace
    return replace(value, **changes) if changes else value
