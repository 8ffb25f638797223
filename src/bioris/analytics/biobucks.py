"""Biobucks realism: a deal's milestones discounted by the odds of reaching them.

Headline deal values ("biobucks") add up milestones that are paid only if the asset
progresses. :func:`deal_value_realism` and :func:`firm_year_biobucks` weight them by the
probability that an asset at its stage at signing reaches approval (or each milestone), using
published phase-transition success rates (:func:`load_success_rates`; the bundled table is
``bioris/data/phase_success_rates.csv``, sources in ``PHASE_SUCCESS_RATES.md``).
"""

from __future__ import annotations

from collections.abc import Collection
from itertools import pairwise
from pathlib import Path
from typing import Literal

import polars as pl

from bioris.analytics.money import receiving_deals
from bioris.errors import BiorisError

__all__ = [
    "DEVELOPMENT_STAGES",
    "deal_value_realism",
    "firm_year_biobucks",
    "load_success_rates",
    "milestone_probability",
]

#: the development ladder shared by pipeline stages and stage at signing
DEVELOPMENT_STAGES = ("discovery", "preclinical", "phase1", "phase2", "phase3", "registration",
                      "marketed")  # fmt: skip
_TRANSITIONS = tuple(pairwise(DEVELOPMENT_STAGES))

MilestoneSchedule = Literal["at_approval", "spread"]


# --- biobucks realism ----------------------------------------------------------------------


def load_success_rates(path: str | Path) -> pl.DataFrame:
    """Read a phase-transition table (``from_stage,to_stage,probability,source``) and check it.

    The bundled table is ``bioris/data/phase_success_rates.csv`` (see
    ``PHASE_SUCCESS_RATES.md`` beside it); a CSV of the same shape replaces it.
    """
    rates = pl.read_csv(path, schema_overrides={"probability": pl.Float64})
    _check_rates(rates)
    return rates


def _check_rates(rates: pl.DataFrame) -> dict[tuple[str, str], float]:
    missing = {"from_stage", "to_stage", "probability"} - set(rates.columns)
    if missing:
        raise BiorisError(f"success-rate table lacks column(s) {sorted(missing)}")
    table: dict[tuple[str, str], float] = {}
    for row in rates.iter_rows(named=True):
        key = (row["from_stage"], row["to_stage"])
        if key in table:
            raise BiorisError(f"success-rate table lists {key[0]}->{key[1]} twice")
        p = row["probability"]
        if p is None or not 0.0 < p <= 1.0:
            raise BiorisError(f"probability of {key[0]}->{key[1]} must be in (0, 1], not {p}")
        table[key] = p
    absent = [f"{a}->{b}" for a, b in _TRANSITIONS if (a, b) not in table]
    if absent:
        raise BiorisError(f"success-rate table lacks transition(s) {absent}")
    return table


def milestone_probability(
    success_rates: pl.DataFrame, *, milestone_schedule: MilestoneSchedule = "at_approval"
) -> pl.DataFrame:
    """Per development stage, the probability of approval and of earning its milestones.

    From a stage with remaining transitions :math:`r_1, ..., r_n` to approval (``marketed``),
    ``p_approval`` is :math:`\\prod_k r_k`. ``p_milestones`` depends on when milestones are
    assumed to be paid:

    * ``"at_approval"``: all at approval, so ``p_milestones = p_approval`` (conservative:
      early milestones are in fact paid more often);
    * ``"spread"``: in equal parts on completing each remaining transition, each part weighted
      by the probability of getting that far: :math:`\\frac{1}{n}\\sum_{j=1}^{n}
      \\prod_{k \\le j} r_k`. Equal parts overweight the early, likely milestones (real
      schedules are back-loaded), so a preclinical deal can score above a phase 2 one: read
      ``"spread"`` as a generous bound and ``"at_approval"`` as a conservative one.

    ``marketed`` has no transition left: both probabilities are 1 (sales milestones are not
    risk-adjusted; the table has no commercial-success rate).

    Returns
    -------
    polars.DataFrame
        ``stage, stage_order, transitions_left, p_approval, p_milestones``.

    References
    ----------
    BIO, Biomedtracker & Amplion (2016). Clinical Development Success Rates 2006-2015.
    Paul, S. M. et al. (2010). How to improve R&D productivity: the pharmaceutical industry's
    grand challenge. Nature Reviews Drug Discovery 9, 203-214.
    DiMasi, J. A., Grabowski, H. G. & Hansen, R. W. (2016). Innovation in the pharmaceutical
    industry: new estimates of R&D costs. Journal of Health Economics 47, 20-33 (phase
    transition probabilities in the same chained form).
    """
    if milestone_schedule not in ("at_approval", "spread"):
        raise BiorisError(
            f"milestone_schedule must be 'at_approval' or 'spread', not {milestone_schedule!r}"
        )
    table = _check_rates(success_rates)
    rows = []
    for order, stage in enumerate(DEVELOPMENT_STAGES):
        steps = [table[t] for t in _TRANSITIONS[order:]]
        reach, cumulative = 1.0, []
        for r in steps:
            reach *= r
            cumulative.append(reach)
        spread = sum(cumulative) / len(cumulative) if cumulative else 1.0
        p_milestones = reach if milestone_schedule == "at_approval" else spread
        rows.append((stage, order, len(steps), reach, p_milestones))
    schema = {"stage": pl.String, "stage_order": pl.Int8, "transitions_left": pl.Int8,
              "p_approval": pl.Float64, "p_milestones": pl.Float64}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def deal_value_realism(
    alliances: pl.DataFrame,
    *,
    success_rates: pl.DataFrame,
    milestone_schedule: MilestoneSchedule = "at_approval",
    platform_stage: str | None = "discovery",
) -> pl.DataFrame:
    """How much of each deal's headline ("biobucks") value is realistic, one row per deal.

    ``committed_eur`` (upfront plus equity) is certain; ``contingent_eur`` (milestones) is paid
    only if the asset progresses. It is discounted by ``p_milestones``, the probability of
    progressing from the stage at signing (:func:`milestone_probability`, under
    ``milestone_schedule``), and ``realism = (committed + risk-adjusted contingent) /
    headline``: 1 for a deal without milestones, near 0 for a discovery deal whose headline
    is all milestones.

    Parameters
    ----------
    alliances : polars.DataFrame
        :func:`~bioris.analytics.tables.alliances_frame` output.
    success_rates : polars.DataFrame
        A phase-transition table (:func:`load_success_rates`; ``bioris.data`` loads the
        bundled one).
    milestone_schedule : {"at_approval", "spread"}
        Milestones all paid at approval (default, conservative), or spread in equal parts
        over the remaining transitions.
    platform_stage : str or None
        The stage a ``platform`` deal is rated at. Default ``"discovery"``: a platform deal's
        milestones are earned by programmes that start from discovery. ``None`` leaves
        platform deals unrated. Deals of ``unknown`` stage are always unrated: their
        ``p_milestones``, risk-adjusted contingent and realism are null (unless they have
        no milestones, when nothing needs rating).

    Returns
    -------
    polars.DataFrame
        ``alliance_id, year, deal_type, stage_at_signing, rated_stage, committed_eur,
        contingent_eur, headline_eur, p_milestones, risk_adjusted_contingent_eur,
        risk_adjusted_eur, realism`` (millions of euro; realism null without a headline).

    Examples
    --------
    A deal signed at phase 2 with 10 M€ upfront and 100 M€ milestones, paid at approval:
    p = 0.307 x 0.581 x 0.853 = 0.15215, risk-adjusted contingent 15.215 M€, realism
    (10 + 15.215) / 110 = 0.229.

    References
    ----------
    BIO, Biomedtracker & Amplion (2016). Clinical Development Success Rates 2006-2015.
    Paul, S. M. et al. (2010). Nature Reviews Drug Discovery 9, 203-214.
    Hay, M. et al. (2014). Clinical development success rates for investigational drugs.
    Nature Biotechnology 32, 40-51.
    """
    probs = milestone_probability(success_rates, milestone_schedule=milestone_schedule)
    if platform_stage is not None and platform_stage not in DEVELOPMENT_STAGES:
        raise BiorisError(f"platform_stage must be one of {DEVELOPMENT_STAGES} or None")
    stage = pl.col("stage_at_signing")
    rated = (
        pl.when(stage == "platform")
        .then(pl.lit(platform_stage, dtype=pl.String))
        .when(stage.is_in(DEVELOPMENT_STAGES))
        .then(stage)
        .otherwise(None)
        .alias("rated_stage")
    )
    contingent = pl.col("contingent_eur")
    risk_adjusted = (
        pl.when(contingent == 0).then(0.0).otherwise(contingent * pl.col("p_milestones"))
    )
    return (
        alliances.select(
            "alliance_id",
            "year",
            "deal_type",
            "stage_at_signing",
            rated,
            pl.col("committed_eur").fill_null(0.0),
            pl.col("milestones_eur").fill_null(0.0).alias("contingent_eur"),
            "headline_eur",
        )
        .join(
            probs.select(pl.col("stage").alias("rated_stage"), "p_milestones"),
            on="rated_stage",
            how="left",
        )
        .with_columns(risk_adjusted.alias("risk_adjusted_contingent_eur"))
        .with_columns(
            (pl.col("committed_eur") + pl.col("risk_adjusted_contingent_eur")).alias(
                "risk_adjusted_eur"
            )
        )
        .with_columns(
            pl.when(pl.col("headline_eur") > 0)
            .then(pl.col("risk_adjusted_eur") / pl.col("headline_eur"))
            .alias("realism")
        )
        .sort("year", "alliance_id", nulls_last=True)
    )


def firm_year_biobucks(
    alliances: pl.DataFrame,
    parties: pl.DataFrame,
    *,
    firms: Collection[str],
    success_rates: pl.DataFrame,
    start: int,
    end: int,
    milestone_schedule: MilestoneSchedule = "at_approval",
    platform_stage: str | None = "discovery",
) -> pl.DataFrame:
    """Committed, contingent and risk-adjusted value of the deals that pay a firm, per year.

    The deals are those signed in the year where the firm receives (:data:`DEAL_TERMS_RULE`),
    valued by :func:`deal_value_realism`.

    Parameters
    ----------
    alliances, parties : polars.DataFrame
        :func:`~bioris.analytics.tables.alliances_frame` and
        :func:`~bioris.analytics.tables.parties_frame` output.
    firms : collection of str
        The firms' actor ids.
    success_rates, milestone_schedule, platform_stage
        As in :func:`deal_value_realism`.
    start, end : int
        Signing years, both included.

    Returns
    -------
    polars.DataFrame
        ``firm, year, deals, committed_eur, contingent_eur, headline_eur,
        risk_adjusted_contingent_eur, unrated_contingent_eur, realism`` (millions of euro).
        ``unrated_contingent_eur`` holds the milestones of deals of unknown stage, which
        ``risk_adjusted_contingent_eur`` leaves out; ``realism`` = (committed + risk-adjusted
        contingent) / (headline - unrated contingent), so unrated milestones are left out of
        both sides.

    References
    ----------
    BIO, Biomedtracker & Amplion (2016). Clinical Development Success Rates 2006-2015.
    Paul, S. M. et al. (2010). Nature Reviews Drug Discovery 9, 203-214.
    """
    valued = deal_value_realism(
        alliances, success_rates=success_rates, milestone_schedule=milestone_schedule,
        platform_stage=platform_stage,
    )  # fmt: skip
    unrated = pl.col("risk_adjusted_contingent_eur").is_null()
    rated_headline = pl.col("headline_eur") - pl.col("unrated_contingent_eur")
    return (
        receiving_deals(parties, firms)
        .join(valued, on="alliance_id")
        .filter(pl.col("year").is_between(start, end))
        .group_by("firm", pl.col("year").cast(pl.Int32))
        .agg(
            pl.len().cast(pl.UInt32).alias("deals"),
            pl.col("committed_eur").sum(),
            pl.col("contingent_eur").sum(),
            pl.col("headline_eur").fill_null(0.0).sum(),
            pl.col("risk_adjusted_contingent_eur").fill_null(0.0).sum(),
            pl.col("contingent_eur").filter(unrated).sum().alias("unrated_contingent_eur"),
        )
        .with_columns(
            pl.when(rated_headline > 0)
            .then(
                (pl.col("committed_eur") + pl.col("risk_adjusted_contingent_eur")) / rated_headline
            )
            .alias("realism")
        )
        .sort("firm", "year")
    )
