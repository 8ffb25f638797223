"""The partner-choice model of a study: its tables, fit and back-test (``bioris model``).

The study decides what the model reads, as it does for every other analysis: the panel firms
make the choices, the network layer's deal types are the ties (``alliance`` by default), a
tie lasts the study's window, actors enter at their founding (else their first dated deal)
and leave at their exit, and the big-pharma list and the regions are the study's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import polars as pl

from bioris.analytics.business_model_rules import PRODUCT_STAGES
from bioris.analytics.pipeline import highest_stage
from bioris.analytics.temporal import TiePolicy, deal_spans, pair_table
from bioris.errors import BiorisError
from bioris.model import (
    Backtest,
    ChoiceTables,
    History,
    PartnerChoiceFit,
    backtest_partner_choice,
    fit_partner_choice,
)

if TYPE_CHECKING:
    from bioris.study.core import Study

__all__ = ["backtest", "choice_tables", "fit", "history"]

_FIRST, _LAST = -9999, 9999


def choice_tables(
    study: Study,
    *,
    window: int | None = None,
    layers: Iterable[str] | None = None,
    recent_years: int = 3,
) -> ChoiceTables:
    """The study's actors, signings and stages as the model reads them
    (:class:`~bioris.model.ChoiceTables`; built once per study and options)."""
    _, types = study.tie_layers(layers, None)
    lifetime = window or study.window
    key = ("choice_tables", lifetime, tuple(sorted(types)), recent_years)
    return study.cached(key, lambda: _choice_tables(study, lifetime, types, recent_years))


def _choice_tables(
    study: Study, lifetime: int, types: Iterable[str], recent_years: int
) -> ChoiceTables:
    inputs = study.inputs
    policy = TiePolicy("fixed", lifetime)
    spans = deal_spans(inputs.alliances, _FIRST, _LAST, policy, sorted(types))
    signings = (
        pair_table(inputs.parties)
        .join(spans, on="alliance_id")
        .select(pl.col("signed").alias("year"), "source", "target", "last")
        .sort("year", "source", "target")
    )
    lives = study.lifespans.select("actor_id", "entry_year", "exit_year")
    actors = (
        inputs.actors.select("actor_id", "kind", "region", "country", "subsectors")
        .with_columns(
            pl.col("actor_id").is_in(sorted(inputs.big_pharma)).alias("big_pharma"),
            pl.col("actor_id").is_in(list(inputs.panel)).alias("panel"),
        )
        .join(lives, on="actor_id", how="left")
    )
    return ChoiceTables(actors, signings, _stages(study), recent_years)


def _stages(study: Study) -> pl.DataFrame:
    first, last = study.data_years or study.period
    if not study.pipeline.height or not study.panel:
        return pl.DataFrame(schema={"actor_id": pl.String, "year": pl.Int32, "stage": pl.Float64})
    reached = highest_stage(
        study.pipeline, firms=list(study.panel), start=first, end=last, exits=study.exits
    )
    top = len(PRODUCT_STAGES) - 1
    return reached.select(
        pl.col("firm").alias("actor_id"),
        pl.col("year").cast(pl.Int32),
        (pl.col("highest_stage_order").fill_null(0) / top).cast(pl.Float64).alias("stage"),
    )


def history(
    study: Study,
    *,
    window: int | None = None,
    layers: Iterable[str] | None = None,
    recent_years: int = 3,
) -> History:
    """The study's coded history (a fresh one on each call: simulations extend it)."""
    return History(choice_tables(study, window=window, layers=layers, recent_years=recent_years))


def _span(study: Study, start: int | None, end: int | None) -> tuple[int, int]:
    first, last = study.span(start, end)
    if first >= last:
        raise BiorisError(f"the model needs a period of at least two years, not {first}-{last}")
    return first, last


def fit(
    study: Study,
    *,
    start: int | None = None,
    end: int | None = None,
    statistics: Sequence[str] | None = None,
    alternatives: int | None = 20,
    period_years: int | None = None,
    seed: int = 0,
    recent_years: int = 3,
) -> PartnerChoiceFit:
    """Fit the partner-choice model on the study's choices of ``start .. end`` (the study
    period by default); see :func:`bioris.model.fit_partner_choice`."""
    first, last = _span(study, start, end)
    coded = history(study, recent_years=recent_years)
    return fit_partner_choice(
        coded, first, last, statistics=statistics, alternatives=alternatives,
        period_years=period_years, seed=seed,
    )  # fmt: skip


def backtest(
    study: Study,
    *,
    train_to: int,
    start: int | None = None,
    end: int | None = None,
    statistics: Sequence[str] | None = None,
    alternatives: int | None = 20,
    seed: int = 0,
    recent_years: int = 3,
) -> Backtest:
    """Fit on ``start .. train_to`` and rank the partners of the choices after it; see
    :func:`bioris.model.backtest_partner_choice`."""
    first, last = _span(study, start, end)
    if not first < train_to < last:
        raise BiorisError(f"--train-to must lie inside the period {first}-{last}, not {train_to}")
    coded = history(study, recent_years=recent_years)
    return backtest_partner_choice(
        coded, first, train_to, last, statistics=statistics, alternatives=alternatives,
        seed=seed,
    )  # fmt: skip
