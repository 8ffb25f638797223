"""One firm's story over time: its deals, pipeline stages, business-model labels, money and
network position — the library behind ``bioris firms profile NAME``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from bioris.analytics import TiePolicy, centrality, network_inputs
from bioris.analytics.biobucks import firm_year_biobucks
from bioris.analytics.business_models import business_model_transitions, business_models
from bioris.analytics.money import milestone_dependence
from bioris.analytics.pipeline import fipco_migration, highest_stage
from bioris.analytics.tables import financials_frame, pipeline_frame
from bioris.data import big_pharma_names, table_rows
from bioris.domain import Actor
from bioris.workspace import open_user_store, resolve_actor

__all__ = ["FirmProfile", "firm_profile", "success_rates"]


@dataclass(frozen=True, slots=True)
class FirmProfile:
    """Everything bioris knows of one firm, as tidy tables (one per aspect)."""

    actor: Actor
    deals: pl.DataFrame  # one row per deal: date, type, partners, stage, terms, sources
    pipeline: pl.DataFrame  # one row per stage event
    years: pl.DataFrame  # one row per year: labels, highest stage, money, network position
    transitions: pl.DataFrame  # dated business-model changes
    fipco: pl.DataFrame  # evidence of migration toward FIPCO (0 or 1 row)

    def tables(self) -> dict[str, pl.DataFrame]:
        """The profile's tables by name (for JSON output or CSV files)."""
        return {
            "deals": self.deals,
            "pipeline": self.pipeline,
            "years": self.years,
            "transitions": self.transitions,
            "fipco": self.fipco,
        }


def success_rates() -> pl.DataFrame:
    """The bundled phase-transition success rates (see PHASE_SUCCESS_RATES.md)."""
    rows = table_rows("phase_success_rates.csv")
    return pl.DataFrame(rows).with_columns(pl.col("probability").cast(pl.Float64))


def firm_profile(
    store_path: Path | None, name: str, *, start: int = 1987, end: int = 2017, window: int = 5
) -> FirmProfile:
    """The profile of the firm called ``name`` (names resolve like imports do)."""
    with open_user_store(store_path, read_only=True) as store:
        firm = resolve_actor(store, name)
        dataset = store.dataset()
    net = network_inputs(dataset, big_pharma_names())
    pipeline = pipeline_frame(dataset.pipeline)
    firms = [firm]
    labels = business_models(net.alliances, net.parties, pipeline, firms=firms, start=start,
                             end=end)  # fmt: skip
    years = labels.select(
        "firm", "year", "product_model", "value_chain", "oi_mode", "portfolio_mix"
    )
    stages = highest_stage(pipeline, firms=firms, start=start, end=end)
    money = milestone_dependence(
        financials_frame(dataset.financials), net.alliances, net.parties,
        firms=firms, start=start, end=end,
    )  # fmt: skip
    biobucks = firm_year_biobucks(net.alliances, net.parties, firms=firms,
                                  success_rates=success_rates(), start=start, end=end)  # fmt: skip
    position = _position(net.ties(start, end, policy=TiePolicy("fixed", window)), firm)
    for extra in (stages, money, biobucks, position):
        keep = [c for c in extra.columns if c not in years.columns or c in ("firm", "year")]
        years = years.join(extra.select(keep), on=["firm", "year"], how="full", coalesce=True)
    return FirmProfile(
        actor=next(a for a in dataset.actors if a.actor_id == firm),
        deals=_deals(net.alliances, net.parties, net.actors, firm),
        pipeline=pipeline.filter(pl.col("firm") == firm).sort("date", "asset"),
        years=years.sort("year"),
        transitions=business_model_transitions(labels).sort("year", "dimension"),
        fipco=fipco_migration(pipeline, firms=firms),
    )


def _position(ties: pl.DataFrame, firm: str) -> pl.DataFrame:
    measures = centrality(ties, measures=("degree", "betweenness", "eigenvector"))
    ranked = measures.with_columns(
        pl.col("betweenness").rank("min", descending=True).over("year").alias("betweenness_rank")
    )
    return ranked.filter(pl.col("actor") == firm).rename({"actor": "firm"})


def _deals(
    alliances: pl.DataFrame, parties: pl.DataFrame, actors: pl.DataFrame, firm: str
) -> pl.DataFrame:
    own = parties.filter(pl.col("actor_id") == firm).select("alliance_id", "role")
    names = actors.select("actor_id", "name")
    partners = (
        parties.join(own.select("alliance_id"), on="alliance_id")
        .filter(pl.col("actor_id") != firm)
        .join(names, on="actor_id")
        .group_by("alliance_id")
        .agg(pl.col("name").sort().str.join("; ").alias("partners"))
    )
    columns = ("alliance_id", "year", "date", "deal_type", "stage_at_signing", "asset",
               "upfront_eur", "milestones_eur", "equity_eur", "source_urls")  # fmt: skip
    return (
        alliances.select(columns)
        .join(own, on="alliance_id")
        .join(partners, on="alliance_id", how="left")
        .sort("year", "date", nulls_last=True)
    )
