"""The study's findings: its claims as tested hypotheses over its own panel, regions and period.

:func:`findings` gathers the tables the study already derives (panel years, deals and
parties, big pharma, business-model labels, FIPCO migration, pipeline stages, financials, the
regions' specialisation, the preferred-partner ranking) and hands them to the pure claims of
:mod:`bioris.analytics.findings`; ``docs/findings.md`` states every hypothesis, test and
verdict rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from bioris import settings
from bioris.analytics.findings import (
    FindingContext,
    FindingRules,
    big_pharma_claim,
    deal_income_claim,
    deal_sides,
    early_stage_claim,
    findings_table,
    fipco_claim,
    open_innovation_claim,
    portfolio_claim,
    preferred_partner_claim,
    specialisation_claim,
)
from bioris.analytics.money import milestone_dependence
from bioris.analytics.pipeline import highest_stage
from bioris.study.firms import business_models, fipco_migration
from bioris.study.network import ranking
from bioris.study.regions import region_summary

if TYPE_CHECKING:
    from bioris.study.core import Study

__all__ = ["Findings", "findings"]


@dataclass(frozen=True, slots=True)
class Findings:
    """The findings table (one row per claim, :data:`~bioris.analytics.findings.
    FINDINGS_SCHEMA`) and the evidence tables behind it, keyed by the CSV file name that the
    rows' ``source_table`` names."""

    table: pl.DataFrame
    evidence: dict[str, pl.DataFrame]
    rules: FindingRules

    def tables(self) -> dict[str, pl.DataFrame]:
        """Every table by CSV file name, the findings table first (``findings.csv``)."""
        return {"findings.csv": self.table, **self.evidence}


def findings(
    study: Study,
    start: int | None = None,
    end: int | None = None,
    *,
    seed: int = 0,
    min_firms: int | None = None,
    min_deals: int | None = None,
    permutations: int = 10_000,
    resamples: int = 2_000,
) -> Findings:
    """The study's eight claims tested over ``start``-``end`` (its period by default).

    Parameters
    ----------
    study : Study
    start, end : int, optional
        The years (the study period by default).
    seed : int
        Seeds every random process (rewiring, permutations, bootstrap).
    min_firms, min_deals : int, optional
        A claim resting on fewer firms, or fewer deals (or firm-years), says "not enough
        data"; the settings ``findings_min_firms`` and ``findings_min_deals`` by default.
    permutations, resamples : int
        Random networks / permutations of the permutation tests, and bootstrap resamples.

    Returns
    -------
    Findings
    """
    first, last = study.span(start, end)
    rules = FindingRules(
        seed=seed,
        min_firms=int(settings.get("findings_min_firms") if min_firms is None else min_firms),
        min_deals=int(settings.get("findings_min_deals") if min_deals is None else min_deals),
        permutations=permutations,
        resamples=resamples,
    )
    return study.cached(
        ("findings", first, last, rules), lambda: _compute(study, first, last, rules)
    )


def _compute(study: Study, first: int, last: int, rules: FindingRules) -> Findings:
    ctx = FindingContext(
        study=study.definition.name,
        regions=study.compared_regions(),
        start=first,
        end=last,
        names=study.names(),
    )
    inputs = study.inputs
    firm_years = study.panel_years(first, last)
    sides = deal_sides(
        inputs.alliances,
        inputs.parties,
        firm_years,
        big_pharma=inputs.big_pharma,
        parents=inputs.parents,
    )
    network_types = study.deal_types()
    highest = highest_stage(
        study.pipeline, firms=study.panel, start=first, end=last, exits=inputs.exits
    )
    dependence = milestone_dependence(
        study.financials, inputs.alliances, inputs.parties, firms=study.panel, start=first, end=last
    )
    pipeline_firms = set(study.pipeline["firm"]) & set(study.panel)
    results = [
        big_pharma_claim(
            sides,
            firm_years,
            study.lifespans,
            inputs.big_pharma,
            ctx,
            rules,
            parents=inputs.parents,
        ),
        preferred_partner_claim(
            sides,
            ranking(study, first, last),
            study.panel,
            ctx,
            rules,
            deal_types=network_types,
            firm_years=firm_years,
        ),
        early_stage_claim(sides, highest, firm_years, ctx, rules, deal_types=network_types),
        portfolio_claim(business_models(study, first, last), ctx, rules),
        deal_income_claim(dependence, highest, study.lifespans, firm_years, ctx, rules),
        specialisation_claim(
            region_summary(study, first, last).specialisation,
            ctx,
            rules,
            members=_members(study, firm_years),
        ),
        fipco_claim(
            fipco_migration(study, first, last),
            study.lifespans,
            firm_years,
            pipeline_firms,
            ctx,
            rules,
        ),
        open_innovation_claim(sides, ctx, rules),
    ]
    table, evidence = findings_table(results)
    names = study.actors.select(pl.col("actor_id").alias("firm"), "name")
    return Findings(table, {k: _named(v, names) for k, v in evidence.items()}, rules)


def _members(study: Study, firm_years: pl.DataFrame) -> pl.DataFrame:
    """``region, category, firm``: the subsectors of the panel firms active in the period."""
    active = firm_years["actor_id"].unique().implode()
    return (
        study.classified.filter(pl.col("actor_id").is_in(active))
        .join(study.actors.select("actor_id", pl.col("location").alias("region")), on="actor_id")
        .select("region", "category", pl.col("actor_id").alias("firm"))
    )


def _named(frame: pl.DataFrame, names: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the firm's ``name`` after its ``firm`` id, and lists joined by ``; ``
    (so that every evidence table writes as CSV)."""
    lists = [c for c, t in frame.schema.items() if isinstance(t, pl.List)]
    frame = frame.with_columns(pl.col(c).cast(pl.List(pl.String)).list.join("; ") for c in lists)
    if "firm" not in frame.columns or "name" in frame.columns:
        return frame
    at = frame.columns.index("firm") + 1
    columns = [*frame.columns[:at], "name", *frame.columns[at:]]
    return frame.join(names, on="firm", how="left").select(columns)
