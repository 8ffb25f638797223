"""Fit the partner-choice model: one conditional logit per period, as a tidy table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from bioris.model.choices import ChoiceEvents, ChoiceSets, choice_events, choice_sets
from bioris.model.clogit import ClogitFit, ModelError, fit_clogit, separation
from bioris.model.history import History
from bioris.model.statistics import STATISTICS, check_statistics

__all__ = ["FIT_SCHEMA", "PartnerChoiceFit", "fit_partner_choice", "periods_of"]

FIT_SCHEMA = {
    "period": pl.String, "start": pl.Int32, "end": pl.Int32, "statistic": pl.String,
    "logic": pl.String, "coefficient": pl.Float64, "se": pl.Float64, "ci_low": pl.Float64,
    "ci_high": pl.Float64, "z": pl.Float64, "p_value": pl.Float64, "n_choices": pl.Int64,
    "n_rows": pl.Int64, "mean_risk_set": pl.Float64, "alternatives": pl.Int64,
    "log_likelihood": pl.Float64, "null_log_likelihood": pl.Float64, "status": pl.String,
}  # fmt: skip
#: ``status`` of a statistic: estimated, or separating (no finite estimate; see
#: :func:`~bioris.model.clogit.separation`)
STATUS = {
    0: "estimated",
    -1: "separated: every chosen partner has its set's lowest value (coefficient -> -inf)",
    1: "separated: every chosen partner has its set's highest value (coefficient -> +inf)",
}


@dataclass(frozen=True, slots=True)
class PartnerChoiceFit:
    """The fitted model: ``table`` (:data:`FIT_SCHEMA`, one row per period and statistic),
    the fits by period, the choices left out, the settings that decide the numbers, and the
    periods without any choice (not fitted)."""

    table: pl.DataFrame
    fits: dict[str, ClogitFit]
    left_out: dict[str, int]
    statistics: tuple[str, ...]
    alternatives: int | None
    seed: int
    recent_years: int
    empty_periods: tuple[str, ...] = ()

    def coefficients(self, period: str | None = None) -> dict[str, float]:
        """Statistic -> coefficient of a period (the last one by default). A separating
        statistic has no finite estimate and is left out (predictions and simulations use
        the estimated ones; the table says which were left out)."""
        fit = self.fits[period or list(self.fits)[-1]]
        return dict(zip(fit.names, fit.coefficient.tolist(), strict=True))

    def metadata(self) -> dict[str, object]:
        """What decides the numbers, for the output's metadata."""
        return {
            "model": "conditional logit of partner choice (McFadden 1974)",
            "statistics": list(self.statistics),
            "alternatives": self.alternatives if self.alternatives is not None else "all",
            "sampling": "uniform without replacement (McFadden 1978: no correction needed)",
            "seed": self.seed,
            "recent_years": self.recent_years,
            "left_out": self.left_out,
            "periods_without_choices": list(self.empty_periods),
        }


def periods_of(start: int, end: int, width: int | None) -> list[tuple[int, int]]:
    """``start .. end`` cut into periods of ``width`` years (one period when None)."""
    if width is None:
        return [(start, end)]
    if width < 1:
        raise ModelError("a period is at least one year")
    return [(s, min(s + width - 1, end)) for s in range(start, end + 1, width)]


def fit_partner_choice(
    history: History,
    start: int,
    end: int,
    *,
    statistics: Sequence[str] | None = None,
    alternatives: int | None = 20,
    period_years: int | None = None,
    seed: int = 0,
    confidence: float = 0.95,
    events: ChoiceEvents | None = None,
) -> PartnerChoiceFit:
    """Fit the conditional logit of partner choice on the choices of ``start .. end``.

    Parameters
    ----------
    history : History
        The coded alliance history (:class:`~bioris.model.history.History`).
    start, end : int
        The years whose choices are fitted.
    statistics : sequence of str, optional
        Names from :data:`~bioris.model.statistics.STATISTICS` (default
        :data:`~bioris.model.statistics.DEFAULT_STATISTICS`).
    alternatives : int or None
        Non-chosen partners sampled per choice (None: the whole risk set).
    period_years : int, optional
        Fit one model per period of this many years, to see whether the logics shifted.
    seed : int
        Seed of the sampling of alternatives.
    confidence : float
        Level of the intervals.

    Returns
    -------
    PartnerChoiceFit

    References
    ----------
    McFadden (1974, 1978); Powell, White, Koput & Owen-Smith (2005); Stadtfeld & Block (2017).
    """
    names = check_statistics(statistics)
    events = events if events is not None else choice_events(history, start, end)
    rows, fits, empty = [], {}, []
    for first, last in periods_of(start, end, period_years):
        label = f"{first}-{last}"
        part = events.between(first, last)
        if not len(part):
            empty.append(label)
            continue
        sets = choice_sets(history, part, names, alternatives=alternatives, seed=seed + first)
        fit, separated = _fit_period(sets.x, sets.starts, names, confidence, label)
        fits[label] = fit
        rows.extend(_rows(label, first, last, names, fit, separated, sets, alternatives))
    if not fits:
        raise ModelError(f"no choices in {start}-{end}: no panel firm signed an alliance then")
    table = pl.DataFrame(rows, schema=FIT_SCHEMA)
    return PartnerChoiceFit(
        table,
        fits,
        events.left_out,
        names,
        alternatives,
        seed,
        history.recent_years,
        tuple(empty),
    )


def _fit_period(
    x: np.ndarray, starts: np.ndarray, names: tuple[str, ...], confidence: float, label: str
) -> tuple[ClogitFit, np.ndarray]:
    """The fit of the statistics that do not separate, and which ones do."""
    separated = separation(x, starts)
    kept = separated == 0
    if not kept.any():
        raise ModelError(f"{label}: every statistic separates chosen from other partners")
    try:
        fit = fit_clogit(x[:, kept], starts, [n for n, k in zip(names, kept, strict=True) if k],
                         confidence=confidence)  # fmt: skip
    except ModelError as error:
        raise ModelError(f"{label}: {error}") from None
    return fit, separated


def _rows(
    label: str, first: int, last: int, names: tuple[str, ...], fit: ClogitFit,
    separated: np.ndarray, sets: ChoiceSets, alternatives: int | None,
) -> list[dict[str, object]]:  # fmt: skip
    common = {
        "period": label, "start": first, "end": last, "n_choices": fit.n_choices,
        "n_rows": fit.n_rows, "mean_risk_set": float(sets.set_size.mean()),
        "alternatives": alternatives, "log_likelihood": fit.log_likelihood,
        "null_log_likelihood": fit.null_log_likelihood,
    }  # fmt: skip
    at = {name: k for k, name in enumerate(fit.names)}
    rows = []
    for name, direction in zip(names, separated, strict=True):
        row = {**common, "statistic": name, "logic": STATISTICS[name].logic,
               "status": STATUS[int(direction)]}  # fmt: skip
        if name in at:
            k = at[name]
            row |= {
                "coefficient": fit.coefficient[k], "se": fit.se[k], "ci_low": fit.ci_low[k],
                "ci_high": fit.ci_high[k], "z": fit.z[k], "p_value": fit.p_value[k],
            }  # fmt: skip
        rows.append(row)
    return rows
