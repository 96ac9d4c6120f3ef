"""The text a person sees in a spreadsheet cell: numbers and dates by their Excel number format."""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

#: Built-in number formats of the Chinese (zh-CN) locale that openpyxl reads as "General".
_ZH_BUILTIN = {14: "yyyy/m/d", 27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"',
               30: "m-d-yy", 31: 'yyyy"年"m"月"d"日"', 32: 'h"时"mm"分"',
               33: 'h"时"mm"分"ss"秒"', 36: 'yyyy"年"m"月"', 50: 'yyyy"年"m"月"',
               51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"', 54: 'm"月"d"日"',
               57: 'yyyy"年"m"月"', 58: 'm"月"d"日"'}


def display(cell, epoch=None) -> str:
    """Return the text a person sees in a cell (numbers and dates by their number format)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    fmt = cell.number_format or "General"
    style = getattr(cell, "_style", None)
    fmt_id = getattr(style, "numFmtId", None)
    if fmt_id in _ZH_BUILTIN:
        fmt = _ZH_BUILTIN[fmt_id]
        if isinstance(value, (int, float)) and fmt_id != 14:     # 14 openpyxl converts itself
            from openpyxl.utils.datetime import from_excel
            try:
                value = from_excel(value, epoch) if epoch else from_excel(value)
            except (ValueError, OverflowError, TypeError):
                pass
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return _date_text(value, fmt)
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return number_text(value, fmt)
    return str(value).strip()


def number_text(value, fmt: str = "General") -> str:
    """Format a number by an Excel number format: 28 → '28', 0.95 with '0%' → '95%'."""
    sections = _split_sections(fmt)
    section = sections[0]
    if value < 0 and len(sections) > 1 and sections[1]:
        section, value = sections[1], -value
    elif value == 0 and len(sections) > 2 and sections[2]:
        section = sections[2]
    tokens = _tokens(re.sub(r"\[[^\]]*\]", "", section))
    code = "".join(t for kind, t in tokens if kind == "code").lower()
    if re.search(r"[ymdhse/]", code.replace("general", "")):
        return _general(value)          # scientific, fractions, or a date format on a number
    if not re.search(r"[0#?]", code):   # General, @, or literals only
        return _with_literals(tokens, _general(value)) if "general" in code else _general(value)
    number = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    number *= Decimal(100) ** code.count("%")
    integer_part, _, fraction_part = re.sub(r"[^0#?.,]", "", code).partition(".")
    scale = len(integer_part) - len(integer_part.rstrip(","))       # trailing commas: /1000
    number /= Decimal(1000) ** scale
    decimals = len(re.sub(r"[^0#?]", "", fraction_part))
    try:
        rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return _general(value)
    grouping = "," if "," in integer_part.rstrip(",") else ""
    text = format(abs(rounded), f"{grouping}.{decimals}f")
    if "#" in fraction_part and decimals:
        # Optional digits (#) after the point drop trailing zeros.
        keep = len(fraction_part.rstrip("#").replace(",", ""))
        whole, _, frac = text.partition(".")
        frac = frac[:keep] + frac[keep:].rstrip("0")
        text = whole + ("." + frac if frac else "")
    if rounded < 0:
        text = "-" + text
    return _with_literals(tokens, text)


def _general(value) -> str:
    if isinstance(value, int):
        return str(value)
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return format(number, ".15g")


def _split_sections(fmt: str) -> list[str]:
    sections, current, quoted, escaped = [], "", False, False
    for ch in fmt:
        if escaped:
            current, escaped = current + ch, False
        elif ch == "\\":
            current, escaped = current + ch, True
        elif ch == '"':
            current, quoted = current + ch, not quoted
        elif ch == ";" and not quoted:
            sections.append(current)
            current = ""
        else:
            current += ch
    sections.append(current)
    return sections


def _tokens(section: str) -> list[tuple[str, str]]:
    """Split a format section into ('lit', text) and ('code', text) tokens."""
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            tokens.append(("lit", section[i + 1:end]))
            i = end + 1
        elif ch == "\\" and i + 1 < len(section):
            tokens.append(("lit", section[i + 1]))
            i += 2
        elif ch in "_*" and i + 1 < len(section):
            tokens.append(("lit", " " if ch == "_" else ""))     # padding and fill characters
            i += 2
        elif ch in "0#?.,%" or section[i:i + 7].lower() == "general" or ch == "@":
            j = i + 7 if section[i:i + 7].lower() == "general" else i + 1
            tokens.append(("code", section[i:j]))
            i = j
        elif (ch.isascii() and ch.isalpha()) or ch == "/":
            tokens.append(("code", ch))
            i += 1
        else:
            tokens.append(("lit", ch))
            i += 1
    return tokens


def _with_literals(tokens: list[tuple[str, str]], number: str) -> str:
    """Put the formatted number where the format's digits stand, among its literals."""
    out, placed = [], False
    for kind, text in tokens:
        if kind == "lit":
            out.append(text)
        elif text == "%":
            if not placed:
                out.append(number)
                placed = True
            out.append("%")
        elif not placed:
            out.append(number)
            placed = True
    if not placed:
        out.append(number)
    return "".join(out).strip()


_DATE_TOKEN = re.compile(r'"[^"]*"|\\.|yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|'
                         r"am/pm|a/p|上午/下午|\[[^\]]*\]|.", re.IGNORECASE)


def _date_text(value, fmt: str) -> str:
    """Format a date, time or datetime by an Excel date format (ISO when it cannot)."""
    section = _split_sections(fmt or "")[0]
    if section.lower() in ("", "general", "@") or not re.search(r"[ymdhs]", section, re.I):
        return _iso(value)
    parts = [t for t in _DATE_TOKEN.findall(section) if not t.startswith("[")]
    out, ampm = [], any(t.lower() in ("am/pm", "a/p", "上午/下午") for t in parts)
    date = value if isinstance(value, (dt.date, dt.datetime)) else None
    time = value if isinstance(value, dt.time) else (value if isinstance(value, dt.datetime) else None)
    for i, tok in enumerate(parts):
        low = tok.lower()
        prev = next((p.lower() for p in reversed(parts[:i]) if p.lower()[0] in "ymdhs"), "")
        nxt = next((p.lower() for p in parts[i + 1:] if p.lower()[0] in "ymdhs"), "")
        minute = low in ("m", "mm") and (prev.startswith("h") or nxt.startswith("s"))
        if tok.startswith('"'):
            out.append(tok[1:-1])
        elif tok.startswith("\\"):
            out.append(tok[1:])
        elif low in ("yyyy", "yy") and date:
            out.append(f"{date.year:04d}" if low == "yyyy" else f"{date.year % 100:02d}")
        elif minute and time:
            out.append(f"{time.minute:02d}" if low == "mm" else str(time.minute))
        elif low in ("m", "mm") and date:
            out.append(f"{date.month:02d}" if low == "mm" else str(date.month))
        elif low in ("mmm", "mmmm") and date:
            out.append(date.strftime("%b" if low == "mmm" else "%B"))
        elif low in ("d", "dd") and date:
            out.append(f"{date.day:02d}" if low == "dd" else str(date.day))
        elif low in ("ddd", "dddd") and date:
            out.append(date.strftime("%a" if low == "ddd" else "%A"))
        elif low in ("h", "hh") and time:
            hour = (time.hour % 12 or 12) if ampm else time.hour
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
        elif low in ("s", "ss") and time:
            out.append(f"{time.second:02d}" if low == "ss" else str(time.second))
        elif low in ("am/pm", "a/p", "上午/下午") and time:
            am = time.hour < 12
            marks = {"am/pm": ("AM", "PM"), "a/p": ("A", "P")}.get(low, ("上午", "下午"))
            out.append(marks[0] if am else marks[1])
        elif low[0] in "ymdhs":
            return _iso(value)
        else:
            out.append(tok)
    return "".join(out).strip()


def _iso(value) -> str:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    return value.isoformat()
