"""Analytics results -> one offline HTML report (jinja2 with autoescaping, plotly)."""

from bioris.reporting.model import ReportOptions
from bioris.reporting.render import build_sections, context_for, render_html, write_report

__all__ = ["ReportOptions", "build_sections", "context_for", "render_html", "write_report"]
