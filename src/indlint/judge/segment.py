"""Segment indicator names with jieba over a compact domain dictionary (loaded lazily)."""
from __future__ import annotations

import io
import logging
import sys

from indlint.core import resources
from indlint.core.deferred import deferring
from indlint.values.lexicons import Lexicons

#: Lexicon lists whose words enter the segmentation dictionary, with a jieba POS tag.
DICTIONARY_LISTS = {"names.direction_verbs": "v", "names.activity_verbs": "v",
                    "names.object_heads": "n", "names.measure_suffixes": "n",
                    "vocabulary.group_nouns": "n"}


def _import_jieba():
    """Import jieba without pkg_resources, and with its HMM tables deferred.

    jieba's _compat imports pkg_resources only to locate its bundled dictionary, which
    indlint does not use; that import alone costs about 80 ms of every pre-commit run.
    Marking it unavailable for the duration of the import makes jieba take its plain-file
    fallback. The marker is removed again, so nothing else in the process is affected.
    jieba.finalseg (the HMM for unknown words, 7 ms of tables), tempfile and hashlib (for its
    dictionary cache; hashlib loads OpenSSL, 2 ms) are imported only when something uses them
    (core/deferred.py): indlint segments without HMM (Segmenter.words) from its own dictionary,
    built in memory, so a check never does.
    """
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None     # type: ignore[assignment]
    try:
        # tempfile and hashlib's md5 (with OpenSSL) name and write its dictionary cache.
        with deferring("jieba.finalseg", "tempfile", "hashlib", functions={"hashlib": ("md5",)}):
            import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    return jieba


class Segmenter:
    """jieba over rules/lexicons/domain-dict.txt plus the lexicons' own words.

    jieba's full dictionary costs about 0.8 s to load; the compact one a few
    milliseconds, which keeps a pre-commit run quick (issue: cold start).
    """

    def __init__(self, lexicons: Lexicons):
        jieba = _import_jieba()
        jieba.setLogLevel(logging.WARNING)
        self._tokenizer = jieba.Tokenizer(dictionary=None)
        text = resources.read_text("rules", "lexicons", "domain-dict.txt")
        extra = "".join(f"{w} 800 {tag}\n" for ref, tag in DICTIONARY_LISTS.items()
                        for w in lexicons.words(ref) if len(w) > 1)
        data = io.BytesIO((text + extra).encode("utf-8"))
        # gen_pfdict builds the prefix dictionary from a file object, with no cache
        # file written to the temporary folder (initialize() would write one).
        freq, total = self._tokenizer.gen_pfdict(data)
        self._tokenizer.FREQ, self._tokenizer.total = freq, total
        self._tokenizer.initialized = True

    def words(self, text: str) -> list[str]:
        """Split text into words (no HMM: unknown runs fall apart into characters)."""
        return self._tokenizer.lcut(text, HMM=False)

    def first_word(self, text: str) -> str:
        """Return the first word of text, '' for none."""
        words = self.words(text)
        return words[0] if words else ""
