"""Writing documents: the report model (build.py) and its renderers (.docx .pdf .html .md .xlsx)."""
