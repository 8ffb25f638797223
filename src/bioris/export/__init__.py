"""Write a store's contents out: the canonical interchange files (CSV, XLSX, Parquet)."""

from bioris.export.canonical import EXPORT_FORMATS, export_dataset, neutralise

__all__ = ["EXPORT_FORMATS", "export_dataset", "neutralise"]
