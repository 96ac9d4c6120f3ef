"""Route each file to the reader of its format (the readers of Office, PDF and text are imported only when met)."""
from __future__ import annotations

import os

from indlint.core.model import Document
from indlint.read.yamlform import read_yaml

#: Suffixes of the files indlint reads as forms, by reader.
READERS = {".yaml": "yaml", ".yml": "yaml", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls",
           ".csv": "csv", ".docx": "docx", ".pdf": "pdf", ".txt": "txt"}
#: Form files indlint cannot read, and what to do instead (formats.md: named and explained).
UNREADABLE = {".doc": "是旧版 Word 97-2003 文档（.doc），indlint 无法读取；请在 Word 或 WPS 中另存为 .docx",
              ".wps": "是 WPS 文字文档（.wps），indlint 无法读取；请在 WPS 中另存为 .docx",
              ".et": "是 WPS 表格文档（.et），indlint 无法读取；请在 WPS 中另存为 .xlsx"}
#: Every suffix of a form file (read, or named as unreadable): what a folder walk (and
#: pre-commit, --force-exclude) takes. A new reader adds its suffix to READERS.
READ_SUFFIXES = tuple(READERS) + tuple(UNREADABLE)

_OLE2 = b"\xd0\xcf\x11\xe0"


def read_path(path: str) -> Document:
    """Read one form file; a file that cannot be read gives a Document with an error.

    The suffix chooses the reader; an Office file whose content is the other Excel format
    (an .xls that is really .xlsx, or the reverse) goes to the reader of its content.
    """
    suffix = os.path.splitext(path)[1].lower()
    if suffix in UNREADABLE:
        return Document(path, error=UNREADABLE[suffix])
    kind = READERS.get(suffix, "yaml")
    if kind in ("xls", "xlsx"):
        kind = _excel_kind(path, kind)
    if kind == "xlsx":
        from indlint.read import spreadsheet
        return spreadsheet.read_xlsx(path)
    if kind == "csv":
        from indlint.read import spreadsheet
        return spreadsheet.read_csv(path)
    if kind == "xls":
        from indlint.read.xls import read_xls
        return read_xls(path)
    if kind == "docx":
        from indlint.read.word import read_docx
        return read_docx(path)
    if kind == "pdf":
        from indlint.read.pdf import read_pdf
        return read_pdf(path)
    if kind == "txt":
        from indlint.read.textform import read_txt
        return read_txt(path)
    return read_yaml(path)


def _excel_kind(path: str, kind: str) -> str:
    """The Excel reader the file's first bytes call for (xls: OLE2; xlsx: zip)."""
    head = _head(path, 1 << 16)
    if head.startswith(_OLE2) and kind == "xlsx":
        # An encrypted .xlsx is an OLE2 file too: the xlsx reader names it as encrypted.
        return "xlsx" if "EncryptionInfo".encode("utf-16-le") in head else "xls"
    if head.startswith(b"PK") and kind == "xls":
        return "xlsx"
    return kind


def _head(path: str, size: int) -> bytes:
    """The first bytes of a regular file (b"" for anything else: the reader reports it)."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        return os.read(fd, size)
    except OSError:
        return b""
    finally:
        os.close(fd)
