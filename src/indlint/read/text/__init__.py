"""Import 申报表 / 自评表 tables from text exported from PDF or Word, one module per layout."""
from indlint.read.text.corrections import load_corrections


from indlint.read.text.document import ImportResult, import_text, to_yaml

__all__ = ["ImportResult", "import_text", "load_corrections", "to_yaml"]
