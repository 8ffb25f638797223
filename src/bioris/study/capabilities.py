"""The study's capabilities: one method per analysis, each computed in its own module.

Each method imports its module when called, so that opening a study (and every CLI command)
loads only what it uses.

:class:`Capabilities` is mixed into :class:`~bioris.study.Study`: the methods hand the study to
the module that computes the result (records, network, firms, profile, regions, events,
evolution, findings), so that the CLI, the web view and the report ask the study the same
questions in the same words.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from bioris.analytics.evolution import PreferentialAttachment
    from bioris.study.core import Study
    from bioris.study.evolution import PanelHoles
    from bioris.study.findings import Findings
    from bioris.study.network import Sensitivity
    from bioris.study.network_job import NetworkJob
    from bioris.study.profile import FirmProfile
    from bioris.study.regions import RegionSummary

__all__ = ["Capabilities"]


class Capabilities:
    """The analyses of a :class:`~bioris.study.Study` (see the module docstring)."""

    # -- capabilities (each in its own module) ------------------------------------------------

    def alliances(self: Study, **filters: Any) -> pl.DataFrame:
        """Deals as canonical rows with ``parties`` (names) and ``layer``; see
        :func:`bioris.study.records.alliances`."""
        from bioris.study import records

        return records.alliances(self, **filters)

    def actor_list(self: Study, **filters: Any) -> pl.DataFrame:
        """Actors, placed; see :func:`bioris.study.records.actor_list`."""
        from bioris.study import records

        return records.actor_list(self, **filters)

    def ties(
        self, start: int | None = None, end: int | None = None, **options: Any
    ) -> pl.DataFrame:
        """The yearly tie table; see :func:`bioris.study.network.ties`."""
        from bioris.study import network

        return network.ties(self, start, end, **options)

    def network_job(self: Study, **options: Any) -> NetworkJob:
        """Every actor-year network measure with the job's metadata (sampling, timings, where
        it ran); see :func:`bioris.study.network_job.network_job`."""
        from bioris.study.network_job import network_job

        return network_job(self, **options)

    def network_metrics(self: Study, **options: Any) -> pl.DataFrame:
        """Actor-year or year network measures; see :func:`bioris.study.network.metrics`."""
        from bioris.study import network

        return network.metrics(self, **options)

    def preferred_partners(self: Study, year: int | None = None, **options: Any) -> pl.DataFrame:
        """The panel ranked as most preferred partners; see
        :func:`bioris.study.network.preferred_partners`."""
        from bioris.study import network

        return network.preferred_partners(self, year, **options)

    def partner_sensitivity(self: Study, year: int | None = None, **options: Any) -> Sensitivity:
        """The ranking under other tie lifetimes and layers, with Kendall's tau; see
        :func:`bioris.study.network.partner_sensitivity`."""
        from bioris.study import network

        return network.partner_sensitivity(self, year, **options)

    def business_models(
        self: Study, start: int | None = None, end: int | None = None
    ) -> pl.DataFrame:
        """The panel's business-model labels per firm-year; see
        :func:`bioris.study.firms.business_models`."""
        from bioris.study import firms

        return firms.business_models(self, start, end)

    def fipco_migration(
        self: Study, start: int | None = None, end: int | None = None
    ) -> pl.DataFrame:
        """The panel's steps toward FIPCO, consistent with the labels."""
        from bioris.study import firms

        return firms.fipco_migration(self, start, end)

    def firm_profile(self: Study, name: str, **options: Any) -> FirmProfile:
        """One firm's story; see :func:`bioris.study.profile.firm_profile`."""
        from bioris.study import profile

        return profile.firm_profile(self, name, **options)

    def region_summary(
        self: Study, start: int | None = None, end: int | None = None
    ) -> RegionSummary:
        """The study's regions compared; see :func:`bioris.study.regions.region_summary`."""
        from bioris.study import regions

        return regions.region_summary(self, start, end)

    def big_pharma_survival(self: Study, by: str = "all", **options: Any) -> pl.DataFrame:
        """Time from founding to the first big-pharma alliance (Kaplan-Meier, Greenwood
        bands) overall, by region or by cohort; see :mod:`bioris.study.events`."""
        from bioris.study import events

        return events.big_pharma_survival(self, by, **options)

    def big_pharma_logrank(self: Study, by: str = "region", **options: Any) -> pl.DataFrame:
        """Log-rank tests of :meth:`big_pharma_survival` between groups."""
        from bioris.study import events

        return events.big_pharma_logrank(self, by, **options)

    def exit_incidence(self: Study, by: str = "all", **options: Any) -> pl.DataFrame:
        """Exits as competing risks (acquisition, closure; IPO with ``ipo=True``): cumulative
        incidence (Aalen-Johansen) with numbers at risk; see :mod:`bioris.study.events`."""
        from bioris.study import events

        return events.exit_incidence(self, by, **options)

    def network_evolution(self: Study, start: int | None = None, end: int | None = None,
                          **options: Any) -> pl.DataFrame:  # fmt: skip
        """Density, components and giant-component share per year, of the whole network and
        of the panel's ego networks; see :func:`bioris.study.evolution.evolution`."""
        from bioris.study import evolution

        return evolution.evolution(self, start, end, **options)

    def degree_distributions(self: Study, start: int | None = None, end: int | None = None,
                             **options: Any) -> pl.DataFrame:  # fmt: skip
        """Degree distributions per period (with the complementary CDF, for log-log plots)."""
        from bioris.study import evolution

        return evolution.degree_distributions(self, start, end, **options)

    def preferential_attachment(self: Study, start: int | None = None, end: int | None = None,
                                **options: Any) -> PreferentialAttachment:  # fmt: skip
        """The attachment kernel and its fitted exponent (Powell et al. 2005; Jeong, Neda &
        Barabasi 2003); see :func:`bioris.study.evolution.attachment`."""
        from bioris.study import evolution

        return evolution.attachment(self, start, end, **options)

    def panel_structural_holes(self: Study, start: int | None = None, end: int | None = None,
                               **options: Any) -> PanelHoles:  # fmt: skip
        """Burt's constraint and effective size of the panel firms per year (Burt 1992)."""
        from bioris.study import evolution

        return evolution.structural_holes(self, start, end, **options)

    def findings(self: Study, start: int | None = None, end: int | None = None,
                 **options: Any) -> Findings:  # fmt: skip
        """The study's claims as tested hypotheses (the findings table and the evidence behind
        each row); see :func:`bioris.study.findings.findings` and docs/findings.md."""
        from bioris.study.findings import findings as study_findings

        return study_findings(self, start, end, **options)

    def report(self: Study, out: str | Path, **options: Any) -> Path:
        """Write the HTML report; see :func:`bioris.reporting.write_study_report`."""
        # the one capability built on top of the study: imported here, so that the web view
        # (which never uses the report) never loads it
        from bioris.reporting import write_study_report

        return write_study_report(self, out, **options)

    def export(self: Study, out_dir: str | Path, fmt: str, **options: Any) -> list[Path]:
        """Export the store or its network; see :func:`bioris.study.records.export`."""
        from bioris.study import records

        return records.export(self, out_dir, fmt, **options)
