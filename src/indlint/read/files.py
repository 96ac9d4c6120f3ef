"""Route each file to the reader of its format (spreadsheets are imported only when met)."""
from __future__ import annotations

import os

from indlint.core.model import Document
from indlint.read.yamlform import read_yaml

#: The suffixes a reader exists for: what a folder walk (and pre-commit, --force-exclude) takes.
#: A new reader (Word, PDF) adds its suffix here.
READ_SUFFIXES = (".yaml", ".yml", ".xlsx", ".csv")


def read_path(path: str) -> Document:
    """Read one form file; a file that cannot be read gives a Document with an error.

    .xlsx and .csv files go to the spreadsheet reader (imported here, so that YAML-only
    runs never import openpyxl); every other file is read as YAML.
    """
    suffix = os.path.splitext(path)[1].lower()
    if suffix in (".xlsx", ".csv"):
        from indlint.read import spreadsheet

        return spreadsheet.read_xlsx(path) if suffix == ".xlsx" else spreadsheet.read_csv(path)
    return read_yaml(path)
