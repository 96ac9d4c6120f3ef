"""Read: one module per source format, each turning a file into Documents of forms and rows.

files.py routes a path by its suffix. yamlform.py reads declaration YAML. Tabular sources
read into the one cell-table model (table.py: Cell with row / column spans, CellTable with
source, sheet / page / table index and position labels such as 申报表!D14, 表2 第5行 第3列,
第2页 表1 第5行); header.py recognises the header and forms.py turns a table into a form, for
every cell source alike (spreadsheet.py today: xlsx via xlsxguard.py and cellformat.py, csv).
text/ imports text exported from PDF or Word, one module per layout (tab.py, lines.py,
flow.py) over shared pieces (common.py, block.py); its column titles come from the same
vocabulary as header.py.
"""
