"""Decide a form file's text encoding, and say whether the choice is certain (fix writes only then).

Certain: a byte-order mark, valid UTF-8, or exactly one legacy encoding (GB18030, Big5) whose
decoded text holds the form's key words and no replacement character. When both legacy
decodings pass, the one whose text holds more of the form's Chinese words is read and the
choice is marked inferred (check adds an ``input.inferred`` note; fix refuses).
"""
from __future__ import annotations

from typing import NamedTuple

#: Legacy encodings tried, in the order that breaks a tie (GBK files keep working as before).
LEGACY = ("gb18030", "big5")
ENGLISH_KEYS = ("indicators", "l1:", "l2:", "target", "project", "forms:")
#: The form's Chinese words (aliases and level names); traditional forms are derived below.
CHINESE_WORDS = ("项目名称", "年度总体目标", "绩效指标", "一级指标", "二级指标", "三级指标",
                 "指标名称", "年度指标值", "指标值", "目标值", "实际完成值", "产出指标",
                 "效益指标", "满意度指标", "成本指标", "数量指标", "质量指标", "时效指标",
                 "社会效益", "经济效益", "生态效益", "可持续影响", "服务对象", "主管部门",
                 "实施单位", "度量单位", "计量单位", "指标性质", "得分", "分值")
_TRADITIONAL = str.maketrans("项称总绩级标产满数质时际实门单计资偏设据释应会济态续响务对",
                             "項稱總績級標產滿數質時際實門單計資偏設據釋應會濟態續響務對")
WORDS = tuple(dict.fromkeys(CHINESE_WORDS + tuple(w.translate(_TRADITIONAL) for w in CHINESE_WORDS)))


class Decoded(NamedTuple):
    """A file's text, its encoding, and how sure the choice is."""

    text: str
    encoding: str           # utf-8, utf-8-sig, utf-16-le, utf-16-be (with BOM), gb18030, big5
    certain: bool
    inferred: str | None = None     # a note for check when the choice was a guess

    def encode(self, text: str) -> bytes:
        """Text back to bytes in this encoding, BOM included."""
        if self.encoding == "utf-8-sig":
            return b"\xef\xbb\xbf" + text.encode("utf-8")
        if self.encoding == "utf-16-le":
            return b"\xff\xfe" + text.encode("utf-16-le")
        if self.encoding == "utf-16-be":
            return b"\xfe\xff" + text.encode("utf-16-be")
        return text.encode(self.encoding)


def legacy(data: bytes) -> Decoded | None:
    """The legacy decoding of bytes that are not UTF-8, or None when none decodes at all."""
    passing, fallback = [], None
    for encoding in LEGACY:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        fallback = fallback or Decoded(text, encoding, False)
        if "\ufffd" not in text and any(w in text for w in ENGLISH_KEYS + WORDS):
            passing.append((sum(text.count(w) for w in WORDS), encoding, text))
    if len(passing) == 1:
        return Decoded(passing[0][2], passing[0][1], True)
    if len(passing) == 2:
        (score_a, enc_a, text_a), (score_b, enc_b, text_b) = passing
        if (score_a == 0) != (score_b == 0):      # only one reading holds the form's words
            best = passing[0] if score_a else passing[1]
            return Decoded(best[2], best[1], True)
        best = passing[0] if score_a >= score_b else passing[1]
        other = passing[1] if best is passing[0] else passing[0]
        return Decoded(best[2], best[1], False,
                       f"文件编码无法确定：按 {best[1].upper()} 读取（也可能是 {other[1].upper()}），"
                       f"如内容乱码请另存为 UTF-8")
    return fallback
