"""A study -> one offline HTML report (jinja2 with autoescaping, plotly).

:func:`write_study_report` is what :meth:`bioris.study.Study.report` and ``bioris report``
call: it builds the :class:`~bioris.reporting.model.ReportContext` from the study once, then
every section, and writes the file.
"""

from bioris.reporting.context import build_context
from bioris.reporting.model import ReportContext, ReportOptions
from bioris.reporting.render import build_sections, render_html, write_report, write_study_report

__all__ = [
    "ReportContext",
    "ReportOptions",
    "build_context",
    "build_sections",
    "render_html",
    "write_report",
    "write_study_report",
]
