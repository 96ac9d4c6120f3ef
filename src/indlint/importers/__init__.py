"""Importers that turn indicator tables in other formats into declaration forms (formats.md §1)."""
