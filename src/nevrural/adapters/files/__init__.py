"""File import and export: reading users' CSV and XLSX tables."""

__all__: list[str] = []
