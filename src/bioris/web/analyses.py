"""The study's analyses as the web view serves them: measures, the preferred-partner ranking,
business models and the regions compared, each computed once by the
:class:`~bioris.study.Study` and kept.

The ranking is :func:`bioris.study.network.ranking` (the panel, ranked every year, no firm
after its exit year), computed once per window and layers over the study's period; a year
outside the period is ranked alone, as ``bioris partners --year`` does. The business models
are :meth:`~bioris.study.Study.business_models` (the panel's labels), the regional tables
:meth:`~bioris.study.Study.region_summary`.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from bioris.analytics import RANKING_RULE, preferred_partner_ranking
from bioris.study import Study
from bioris.study.network import ranking
from bioris.web.config import WebSettings
from bioris.web.network_view import MEASURE_COLUMNS, NetworkView
from bioris.web.records import FrameIndex, rows
from bioris.web.runtime import CacheBudget, LruCache

__all__ = ["BUSINESS_MODEL_LABELS", "RANK_COUNTS", "Analyses"]

BUSINESS_MODEL_LABELS = ("product_model", "value_chain", "oi_mode", "portfolio_mix")
RANK_COUNTS = ("big_pharma_partners", "distinct_partners", "target_alliances",
               "active_alliances", "repeat_partners")  # fmt: skip
# Years outside the period ranked on their own (each a few kB).
_SINGLE_YEARS = 256


class Analyses:
    """The cached analyses of one study (see the module docstring).

    Parameters
    ----------
    study : Study
        The study (read at start-up).
    network : NetworkView
        Its network: the measures job, the betweenness sampling and the graph thread.
    web_settings : WebSettings
        Cache sizes.
    budget : CacheBudget
        The memory its results may hold (with the network's), ``web_cache_mb``.
    """

    def __init__(
        self,
        study: Study,
        network: NetworkView,
        web_settings: WebSettings,
        budget: CacheBudget,
    ) -> None:
        self._study = study
        self._network = network
        self._names = study.names()
        self._rankings = LruCache(web_settings.web_cache_entries, budget=budget)
        self._single_years = LruCache(_SINGLE_YEARS, budget=budget)
        self._once = LruCache(8, budget=budget)

    # -- measures ----------------------------------------------------------------------------

    def measures_page(
        self,
        *,
        year: int | None,
        actor: str | None,
        window: int,
        layers: tuple[str, ...],
        page: int,
        size: int,
    ) -> dict[str, Any]:
        """Actor-year measures of the network of ``layers``, optionally of one year and one
        actor, paged."""
        frame = self._network.job(window, layers).frame
        if actor is not None:
            frame = frame.filter(pl.col("actor") == actor)
        if year is not None:
            frame = frame.filter(pl.col("year") == year)
        frame = frame.sort("year", "actor")
        chunk = frame.slice((page - 1) * size, size)
        items = rows(chunk, ("actor", "year", *MEASURE_COLUMNS))
        for row in items:
            row["actor_id"] = row.pop("actor")
            row["name"] = self._names.get(row["actor_id"], row["actor_id"])
        return {"items": items, "page": page, "page_size": size, "total": frame.height}

    # -- business models ---------------------------------------------------------------------

    def business_models(self) -> FrameIndex:
        """The panel firms' labels per year (``firm``, ``year`` and the four labels) over the
        period, up to each firm's exit year, by firm."""

        def compute() -> FrameIndex:
            start, end = self._network.period
            labels = self._study.business_models(start, end)
            labels = labels.select("firm", "year", *BUSINESS_MODEL_LABELS)
            return FrameIndex.of(labels.sort("firm", "year"), "firm")

        return self._network.cached(self._once, "business_models", compute)

    # -- preferred partners ------------------------------------------------------------------

    def ranking(self, window: int, layers: tuple[str, ...]) -> FrameIndex:
        """The panel ranked in every year of the study's period, by year."""

        def compute() -> FrameIndex:
            start, end = self._network.period
            ranked = ranking(self._study, start, end, window=window, layers=layers,
                             sampling=self._network.sampling)  # fmt: skip
            return FrameIndex.of(ranked, "year")

        return self._network.cached(self._rankings, (window, layers), compute)

    def _ranked(self, year: int, window: int, layers: tuple[str, ...]) -> pl.DataFrame | None:
        start, end = self._network.period
        if start <= year <= end:
            return self.ranking(window, layers).get(year)

        def compute() -> pl.DataFrame:
            return ranking(self._study, year, year, window=window, layers=layers,
                           sampling=self._network.sampling)  # fmt: skip

        return self._network.cached(self._single_years, (year, window, layers), compute)

    def partners(
        self,
        *,
        year: int,
        top: int,
        window: int,
        layers: tuple[str, ...],
        region: str | None = None,
    ) -> dict[str, Any]:
        """The ``top`` panel firms of ``year`` by the preferred-partner rule; with
        ``region`` (checked), the panel firms there, ranked among themselves."""
        ranked = self._ranked(year, window, layers)
        items: list[dict[str, Any]] = []
        if ranked is not None and ranked.height:
            if region:
                ranked = ranked.filter(pl.col("actor").is_in(list(self._study.ids_in(region))))
            chosen = preferred_partner_ranking(ranked.drop("rank"), top=top).sort("rank", "actor")
            for row in chosen.iter_rows(named=True):
                items.append(
                    {
                        "rank": row["rank"],
                        "actor_id": row["actor"],
                        "name": row["name"] or row["actor"],
                        "location": row["location"],
                        **{key: int(row[key] or 0) for key in RANK_COUNTS},
                    }
                )
        return {"year": year, "window": window, "layers": list(layers), "rule": RANKING_RULE,
                "items": items}  # fmt: skip

    # -- regions -----------------------------------------------------------------------------

    def regions(self) -> dict[str, Any]:
        """The study's regions compared (:meth:`~bioris.study.Study.region_summary` over the
        period): the compared regions, the years, and each table as rows."""

        def compute() -> dict[str, Any]:
            start, end = self._network.period
            summary = self._study.region_summary(start, end)
            tables = {
                name: rows(frame, tuple(frame.columns)) for name, frame in summary.tables().items()
            }
            return {"regions": list(summary.regions), "start": summary.start,
                    "end": summary.end, **tables}  # fmt: skip

        return self._network.cached(self._once, "regions", compute)
