"""Write a store's contents out: the canonical interchange files (CSV, XLSX, Parquet) and the
alliance network for Gephi, Pajek, UCINET and R (GEXF, GraphML, Pajek)."""

from bioris.export.canonical import EXPORT_FORMATS, export_dataset, neutralise
from bioris.export.network import NETWORK_FORMATS, export_network

__all__ = ["EXPORT_FORMATS", "NETWORK_FORMATS", "export_dataset", "export_network", "neutralise"]
