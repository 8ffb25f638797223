"""One firm's story over time: its deals, pipeline stages, business-model labels, money and
network position, the library behind ``bioris firms profile NAME``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from bioris.analytics import centrality
from bioris.analytics.biobucks import firm_year_biobucks
from bioris.analytics.business_models import business_model_transitions
from bioris.analytics.business_models import business_models as label_firms
from bioris.analytics.money import milestone_dependence
from bioris.analytics.pipeline import fipco_migration, highest_stage
from bioris.domain import Actor
from bioris.study.firms import business_models
from bioris.study.network import ties

if TYPE_CHECKING:
    from bioris.study.core import Study

__all__ = ["FirmProfile", "firm_profile"]


@dataclass(frozen=True, slots=True)
class FirmProfile:
    """Everything bioris knows of one firm, as tidy tables (one per aspect).

    ``in_panel`` says whether the firm is one of the study's panel firms, ``exit_year`` and
    ``exit_kind`` when its independent life ended (its years stop there).
    """

    actor: Actor
    location: str
    in_panel: bool
    exit_year: int | None
    exit_kind: str | None
    deals: pl.DataFrame  # one row per deal: date, type, layer, partners, stage, terms, sources
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


def firm_profile(
    study: Study,
    name: str,
    *,
    start: int | None = None,
    end: int | None = None,
    window: int | None = None,
) -> FirmProfile:
    """The profile of the firm called ``name`` (names resolve like imports do) over the study
    period (or ``start``-``end``), its network position under ``window``-year ties."""
    first, last = study.span(start, end)
    firm = study.resolve_actor(name)
    firms = [firm]
    exits = study.inputs.exits
    if firm in study.panel:
        labels = business_models(study, first, last).filter(pl.col("firm") == firm)
    else:  # the same rule on the same deals, for a firm outside the panel
        deals = study.inputs.alliances.filter(pl.col("deal_type").is_in(study.deal_types()))
        labels = label_firms(
            deals, study.inputs.parties, study.pipeline if study.pipeline.height else None,
            firms=firms, start=first, end=last, exits=exits,
        )  # fmt: skip
    years = labels.select("firm", "year", "product_model", "value_chain", "oi_mode",
                          "portfolio_mix")  # fmt: skip
    stages = highest_stage(study.pipeline, firms=firms, start=first, end=last, exits=exits)
    money = milestone_dependence(
        study.financials, study.inputs.alliances, study.inputs.parties,
        firms=firms, start=first, end=last,
    )  # fmt: skip
    biobucks = firm_year_biobucks(
        study.inputs.alliances, study.inputs.parties, firms=firms,
        success_rates=study.success_rates, start=first, end=last,
    )  # fmt: skip
    position = _position(ties(study, first, last, window=window), firm, study)
    for extra in (stages, money, biobucks, position):
        keep = [c for c in extra.columns if c not in years.columns or c in ("firm", "year")]
        years = years.join(extra.select(keep), on=["firm", "year"], how="full", coalesce=True)
    life = study.lifespans.filter(pl.col("actor_id") == firm).row(0, named=True)
    if life["exit_year"] is not None:
        years = years.filter(pl.col("year") <= life["exit_year"])
    placed = study.actors.filter(pl.col("actor_id") == firm).row(0, named=True)
    return FirmProfile(
        actor=next(a for a in study.dataset.actors if a.actor_id == firm),
        location=placed["location"],
        in_panel=firm in study.panel,
        exit_year=life["exit_year"],
        exit_kind=life["exit_kind"],
        deals=_deals(study, firm),
        pipeline=study.pipeline.filter(pl.col("firm") == firm).sort("date", "asset"),
        years=years.sort("year"),
        transitions=business_model_transitions(labels).sort("year", "dimension"),
        fipco=fipco_migration(study.pipeline, labels, firms=firms, exits=exits, end=last),
    )


def _position(table: pl.DataFrame, firm: str, study: Study) -> pl.DataFrame:
    """The firm's degree, betweenness (and rank) and eigenvector in the years it is tied;
    betweenness as the rankings compute it (:attr:`Study.betweenness_sampling`)."""
    tied = table.filter((pl.col("source") == firm) | (pl.col("target") == firm))["year"]
    table = table.filter(pl.col("year").is_in(tied.unique().implode()))
    measures = centrality(
        table,
        measures=("degree", "betweenness", "eigenvector"),
        betweenness_sampling=study.betweenness_sampling,
    )
    ranked = measures.with_columns(
        pl.col("betweenness").rank("min", descending=True).over("year").alias("betweenness_rank")
    )
    return ranked.filter(pl.col("actor") == firm).rename({"actor": "firm"})


def _deals(study: Study, firm: str) -> pl.DataFrame:
    parties = study.inputs.parties
    own = parties.filter(pl.col("actor_id") == firm).select("alliance_id", "role")
    names = study.actors.select("actor_id", "name")
    partners = (
        parties.join(own.select("alliance_id"), on="alliance_id")
        .filter(pl.col("actor_id") != firm)
        .join(names, on="actor_id")
        .group_by("alliance_id")
        .agg(pl.col("name").sort().str.join("; ").alias("partners"))
    )
    columns = ("alliance_id", "year", "date", "deal_type", "layer", "stage_at_signing", "asset",
               "upfront_eur", "milestones_eur", "equity_eur", "source_urls")  # fmt: skip
    return (
        study.alliance_table.select(columns)
        .join(own, on="alliance_id")
        .join(partners, on="alliance_id", how="left")
        .sort("year", "date", nulls_last=True)
    )
