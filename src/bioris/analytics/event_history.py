"""Event history of firms: how long after its founding a firm reaches an event (its first deal
with a big-pharma partner, a stock-market listing, an acquisition, a closure), with the firms
still waiting at the end of the observation counted as censored, not dropped.

:func:`event_durations` turns firms and dated events into one duration per firm (observed or
censored); :func:`kaplan_meier` estimates the survival curve ("not yet reached the event")
per group with Greenwood confidence bands, :func:`logrank_tests` compares groups, and
:func:`aalen_johansen` estimates the cumulative incidence of competing causes (the firm is
acquired *or* closes, whichever comes first). Every curve comes with the numbers at risk, and
a group of fewer than ``min_firms`` firms gets no curve, only a row saying "not enough data".

Durations are whole years (an event in the founding year is at time 0); the estimators take
any non-negative times.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl
from scipy import stats

from bioris.errors import BiorisError

__all__ = [
    "BIG_PHARMA_DEAL",
    "CUMULATIVE_INCIDENCE_SCHEMA",
    "DURATION_SCHEMA",
    "ENOUGH_DATA",
    "EXIT_CAUSES",
    "IPO",
    "LOGRANK_SCHEMA",
    "NOT_ENOUGH_DATA",
    "SURVIVAL_SCHEMA",
    "aalen_johansen",
    "event_durations",
    "exit_events",
    "founding_cohort",
    "kaplan_meier",
    "logrank_tests",
    "partner_deal_events",
]

#: the status of a group with a curve, and of a group too small to get one
ENOUGH_DATA = "ok"
NOT_ENOUGH_DATA = "not enough data"
#: the cause of the first deal with a big-pharma partner (:func:`partner_deal_events`)
BIG_PHARMA_DEAL = "big_pharma_deal"
#: exit kind (:data:`bioris.domain.exits.EXIT_KINDS`) -> competing cause: a merger into
#: another firm ends the firm's independent life as an acquisition does
EXIT_CAUSES: Mapping[str, str] = {
    "acquired": "acquisition",
    "merged": "acquisition",
    "closed": "closure",
}
#: the cause of a stock-market listing (:func:`exit_events`)
IPO = "ipo"

DURATION_SCHEMA = {
    "actor_id": pl.String,
    "start_year": pl.Int32,
    "stop_year": pl.Int32,
    "duration": pl.Int32,
    "observed": pl.Boolean,
    "cause": pl.String,
}
SURVIVAL_SCHEMA = {
    "group": pl.String,
    "time": pl.Float64,
    "survival": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "at_risk": pl.Int64,
    "events": pl.Int64,
    "censored": pl.Int64,
    "n_firms": pl.Int64,
    "status": pl.String,
}
CUMULATIVE_INCIDENCE_SCHEMA = {
    "group": pl.String,
    "cause": pl.String,
    "time": pl.Float64,
    "cumulative_incidence": pl.Float64,
    "event_free": pl.Float64,
    "at_risk": pl.Int64,
    "events": pl.Int64,
    "censored": pl.Int64,
    "n_firms": pl.Int64,
    "status": pl.String,
}
LOGRANK_SCHEMA = {
    "group_a": pl.String,
    "group_b": pl.String,
    "n_a": pl.Int64,
    "n_b": pl.Int64,
    "events_a": pl.Int64,
    "events_b": pl.Int64,
    "chi2": pl.Float64,
    "pvalue": pl.Float64,
    "test": pl.String,
}
LOGRANK_TEST = "log-rank (scipy.stats.logrank), two-sided"
_EVENTS = {"actor_id": pl.String, "year": pl.Int32, "cause": pl.String}


# -- durations --------------------------------------------------------------------------------


def event_durations(
    subjects: pl.DataFrame,
    events: pl.DataFrame,
    *,
    end: int,
    causes: Sequence[str] = (),
) -> pl.DataFrame:
    """One duration per subject: years from its start to its first event, or to its
    censoring.

    Parameters
    ----------
    subjects : polars.DataFrame
        ``actor_id, start_year, exit_year`` (``exit_year`` null: still independent), and any
        other columns (a group), which are kept. A subject without a ``start_year``, or
        starting after ``end``, is not at risk and is dropped.
    events : polars.DataFrame
        ``actor_id, year, cause``: the dated events (undated ones are ignored).
    end : int
        The last year observed: a subject without an event by then is censored at ``end``.
    causes : sequence of str
        The order in which events of one year are taken when a subject has several (the
        first listed wins); other causes come after them, by name.

    Returns
    -------
    polars.DataFrame
        The subjects' columns and ``stop_year, duration, observed, cause``. A subject's
        observation stops at its exit year or at ``end``, whichever is first; its first event
        in that window is ``observed`` (``cause`` its cause, ``stop_year`` its year), else it
        is censored at the stop (``cause`` null). An event in the exit year counts: a firm can
        sign a deal, list or be acquired in the year it is acquired. ``duration`` is
        ``stop_year - start_year``, at least 0: an event dated before the start (a
        predecessor's deal, a dating error) counts at time 0.
    """
    missing = {"actor_id", "start_year", "exit_year"} - set(subjects.columns)
    if missing:
        raise BiorisError(f"event_durations: subjects lack columns {sorted(missing)}")
    order = {c: i for i, c in enumerate(causes)}
    at_risk = subjects.filter(
        pl.col("start_year").is_not_null() & (pl.col("start_year") <= end)
    ).with_columns(
        pl.min_horizontal(pl.col("exit_year").fill_null(end), pl.lit(end))
        .cast(pl.Int32)
        .alias("_censor")
    )
    # the first event of a subject: the earliest, ties taken in the order of ``causes``
    rank = pl.col("cause").replace_strict(order, default=len(order), return_dtype=pl.Int32)
    first = (
        events.select(_EVENTS.keys())
        .cast(_EVENTS)  # type: ignore[arg-type]
        .drop_nulls(["actor_id", "year"])
        .join(at_risk.select("actor_id", "_censor"), on="actor_id")
        .filter(pl.col("year") <= pl.col("_censor"))
        .with_columns(rank.alias("_rank"))
        .sort("actor_id", "year", "_rank", "cause")
        .group_by("actor_id", maintain_order=True)
        .first()
        .select("actor_id", pl.col("year").alias("_event"), "cause")
    )
    joined = at_risk.drop("cause", strict=False).join(first, on="actor_id", how="left")
    stop = pl.coalesce("_event", "_censor")
    return joined.with_columns(
        stop.cast(pl.Int32).alias("stop_year"),
        pl.max_horizontal(stop - pl.col("start_year"), pl.lit(0)).cast(pl.Int32).alias("duration"),
        pl.col("_event").is_not_null().alias("observed"),
    ).drop("_censor", "_event")


def partner_deal_events(
    alliances: pl.DataFrame,
    parties: pl.DataFrame,
    *,
    firms: Sequence[str],
    partners: Sequence[str],
    deal_types: Sequence[str] | None = None,
    cause: str = BIG_PHARMA_DEAL,
) -> pl.DataFrame:
    """``actor_id, year, cause``: each dated deal of ``deal_types`` (every type when
    ``None``) between one of ``firms`` and one of ``partners`` (the big-pharma actor ids), for
    :func:`event_durations`. A firm that is itself on the partner list gets no event from
    its own side of a deal."""
    deals = alliances.filter(pl.col("year").is_not_null())
    if deal_types is not None:
        deals = deals.filter(pl.col("deal_type").is_in(list(deal_types)))
    members = parties.join(deals.select("alliance_id", "year"), on="alliance_id")
    with_partner = members.filter(pl.col("actor_id").is_in(list(partners))).select(
        "alliance_id", pl.col("actor_id").alias("_partner")
    )
    return (
        members.filter(pl.col("actor_id").is_in(list(firms)))
        .join(with_partner, on="alliance_id")
        .filter(pl.col("actor_id") != pl.col("_partner"))
        .select("actor_id", "year", pl.lit(cause).alias("cause"))
        .unique()
        .cast(_EVENTS)  # type: ignore[arg-type]
        .sort("actor_id", "year")
    )


def exit_events(lifespans: pl.DataFrame, ipo_years: pl.DataFrame | None = None) -> pl.DataFrame:
    """``actor_id, year, cause``: each firm's exit as a competing cause (:data:`EXIT_CAUSES`:
    ``acquisition`` for an acquisition or a merger into another firm, ``closure``), from
    :func:`~bioris.analytics.genealogy.actor_lifespans` output; with ``ipo_years``
    (``actor_id, ipo_year``) each firm's listing too, as cause ``ipo``.

    A listing is not an exit (a listed firm stays independent): pass ``ipo_years`` only for
    the "first of listing, acquisition or closure" analysis.
    """
    exits = lifespans.filter(pl.col("exit_year").is_not_null()).select(
        "actor_id",
        pl.col("exit_year").alias("year"),
        pl.col("exit_kind").replace_strict(EXIT_CAUSES, default="acquisition").alias("cause"),
    )
    frames = [exits.cast(_EVENTS)]  # type: ignore[arg-type]
    if ipo_years is not None:
        listed = ipo_years.filter(pl.col("ipo_year").is_not_null()).select(
            "actor_id", pl.col("ipo_year").alias("year"), pl.lit(IPO).alias("cause")
        )
        frames.append(listed.cast(_EVENTS))  # type: ignore[arg-type]
    return pl.concat(frames).sort("actor_id", "year", "cause")


def founding_cohort(founded: str | pl.Expr = "founded", width: int = 10) -> pl.Expr:
    """The founding cohort as a label: years binned by ``width`` from multiples of
    ``width`` (``1994`` -> ``"1990-1999"`` with the default decades)."""
    if width < 1:
        raise BiorisError(f"a cohort spans at least one year, not {width}")
    year = pl.col(founded) if isinstance(founded, str) else founded
    first = (year // width) * width
    return pl.format("{}-{}", first, first + width - 1)


# -- estimators -------------------------------------------------------------------------------


def _groups(
    durations: pl.DataFrame, by: str | None, groups: Sequence[str] | None
) -> list[tuple[str, pl.DataFrame]]:
    """(group, its rows) in the order asked for; without ``by`` one group, ``all``."""
    if by is None:
        return [("all", durations)]
    names = list(groups) if groups is not None else sorted(set(durations[by].drop_nulls()))
    return [(name, durations.filter(pl.col(by) == name)) for name in names]


def _risk_table(rows: pl.DataFrame, causes: Sequence[str] = ()) -> pl.DataFrame:
    """``time, at_risk, events, censored`` (and ``events_<cause>``) at each distinct time,
    with a row at time 0 when nothing happens then. ``rows`` has ``duration`` and
    ``cause`` (null: censored)."""
    counts = [(pl.col("cause") == c).sum().cast(pl.Int64).alias(f"events_{c}") for c in causes]
    table = (
        rows.group_by(pl.col("duration").cast(pl.Float64).alias("time"))
        .agg(
            pl.col("cause").is_not_null().sum().cast(pl.Int64).alias("events"),
            pl.col("cause").is_null().sum().cast(pl.Int64).alias("censored"),
            *counts,
        )
        .sort("time")
    )
    if table["time"][0] > 0:
        zero = {c: 0 for c in table.columns} | {"time": 0.0}
        table = pl.concat([pl.DataFrame([zero], schema=table.schema), table])
    gone = (pl.col("events") + pl.col("censored")).cum_sum().shift(1, fill_value=0)
    return table.with_columns((rows.height - gone).cast(pl.Int64).alias("at_risk"))


def _check(durations: pl.DataFrame, columns: set[str], what: str) -> None:
    missing = columns - set(durations.columns)
    if missing:
        raise BiorisError(f"{what}: the durations lack columns {sorted(missing)}")
    if durations.height and (durations["duration"] < 0).any():
        raise BiorisError(f"{what}: a duration is negative")


def _not_enough(group: str, n: int, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    row = {"group": group, "n_firms": n, "status": NOT_ENOUGH_DATA}
    return pl.DataFrame([row], schema=schema)  # type: ignore[arg-type]


def kaplan_meier(
    durations: pl.DataFrame,
    *,
    by: str | None = None,
    groups: Sequence[str] | None = None,
    min_firms: int = 5,
    confidence: float = 0.95,
) -> pl.DataFrame:
    """The Kaplan-Meier survival curve ("not yet reached the event") per group, with
    Greenwood confidence bands.

    Parameters
    ----------
    durations : polars.DataFrame
        One row per firm: ``duration`` (non-negative) and ``observed`` (the event happened
        at ``duration``; else the firm is censored there), e.g. :func:`event_durations`.
    by : str, optional
        The column that groups the firms; one group, ``all``, when not given.
    groups : sequence of str, optional
        The groups to report, in this order (a group without firms gets a "not enough data"
        row); by default the values of ``by``, sorted.
    min_firms : int
        A group of fewer firms gets no curve (the study's ``findings_min_firms``).
    confidence : float
        The level of the confidence band.

    Returns
    -------
    polars.DataFrame
        :data:`SURVIVAL_SCHEMA`: ``group, time, survival, ci_low, ci_high, at_risk, events,
        censored, n_firms, status``; one row per group and distinct time (a first row at time
        0 when nothing happens then, so that the first ``at_risk`` is the group's size), in
        the order of ``groups``. ``survival`` is the estimate just after ``time``; ``events``
        and ``censored`` count the firms that had the event or were censored at ``time``;
        ``at_risk`` those still waiting just before it (a firm censored at an event time is
        at risk then). A group of fewer than ``min_firms`` firms is one row with ``status``
        ``"not enough data"``, its ``n_firms`` and nulls. The band is pointwise, on the
        log(-log) scale (never outside [0, 1]); it is the point where the survival is 1 and
        null where it is 0 (undefined there).

    Notes
    -----
    The estimate and the band are scipy's (:func:`scipy.stats.ecdf` on
    :class:`scipy.stats.CensoredData`, ``sf.confidence_interval(method="log-log")``): the
    product-limit estimator of Kaplan & Meier (1958), Greenwood's (1926) variance,
    transformed as Kalbfleisch & Prentice (2002, eq. 1.10) do.

    References
    ----------
    Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from incomplete observations.
    Journal of the American Statistical Association, 53(282), 457-481.
    Greenwood, M. (1926). The natural duration of cancer. Reports on Public Health and Medical
    Subjects, 33, 1-26. London: His Majesty's Stationery Office.
    Kalbfleisch, J. D., & Prentice, R. L. (2002). The Statistical Analysis of Failure Time
    Data (2nd ed.). Wiley.

    Examples
    --------
    >>> import polars as pl
    >>> d = pl.DataFrame({"duration": [1, 2, 2, 3], "observed": [True, True, False, True]})
    >>> kaplan_meier(d, min_firms=1)["survival"].round(3).to_list()
    [1.0, 0.75, 0.5, 0.0]
    """
    _check(durations, {"duration", "observed"} | ({by} if by else set()), "kaplan_meier")
    frames = []
    for group, rows in _groups(durations, by, groups):
        if rows.height < max(min_firms, 1):
            frames.append(_not_enough(group, rows.height, SURVIVAL_SCHEMA))
            continue
        event = pl.when(pl.col("observed")).then(pl.lit("event"))
        table = _risk_table(rows.select("duration", event.alias("cause")))
        frames.append(_survival_curve(rows, table, confidence).with_columns(
            pl.lit(group).alias("group"), pl.lit(rows.height).alias("n_firms"),
            pl.lit(ENOUGH_DATA).alias("status"),
        ))  # fmt: skip
    if not frames:
        return pl.DataFrame(schema=SURVIVAL_SCHEMA)
    return pl.concat([f.select(SURVIVAL_SCHEMA.keys()).cast(SURVIVAL_SCHEMA) for f in frames])  # type: ignore[arg-type]


def _survival_curve(rows: pl.DataFrame, table: pl.DataFrame, confidence: float) -> pl.DataFrame:
    """scipy's Kaplan-Meier estimate and log-log band at the times of ``table``."""
    time = rows["duration"].cast(pl.Float64).to_numpy()
    observed = rows["observed"].to_numpy().astype(bool)
    fit = stats.ecdf(stats.CensoredData(uncensored=time[observed], right=time[~observed]))
    times = table["time"].to_numpy()
    survival = fit.sf.evaluate(times)
    with warnings.catch_warnings():
        # scipy warns where the band is undefined (survival 1 or 0); those are handled below
        warnings.filterwarnings("ignore", message="The confidence interval is undefined")
        band = fit.sf.confidence_interval(confidence_level=confidence, method="log-log")
        low, high = band.low.evaluate(times), band.high.evaluate(times)
    whole = survival >= 1.0
    low, high = np.where(whole, 1.0, low), np.where(whole, 1.0, high)
    return table.with_columns(
        pl.Series("survival", survival),
        pl.Series("ci_low", low, nan_to_null=True),
        pl.Series("ci_high", high, nan_to_null=True),
    )


def aalen_johansen(
    durations: pl.DataFrame,
    *,
    causes: Sequence[str],
    by: str | None = None,
    groups: Sequence[str] | None = None,
    min_firms: int = 5,
) -> pl.DataFrame:
    """The cumulative incidence of each competing cause, by the Aalen-Johansen estimator.

    With competing causes (a firm is acquired or it closes, whichever comes first), one
    minus a Kaplan-Meier curve that censors the other causes overstates each cause; the
    cumulative incidence function (CIF) of cause *k* is the probability of having had the
    event of cause *k* by time *t*:

    .. math:: F_k(t) = \\sum_{t_j \\le t} S(t_{j-1}) \\, d_{kj} / n_j

    where :math:`S` is the Kaplan-Meier probability of no event of any cause, :math:`n_j`
    the firms at risk at :math:`t_j` and :math:`d_{kj}` their events of cause *k*. Events of
    several causes at one time are handled together (no tie-breaking is needed); a firm
    censored at an event time is at risk then.

    Parameters
    ----------
    durations : polars.DataFrame
        One row per firm: ``duration`` (non-negative) and ``cause`` (the cause of its event
        at ``duration``, null when censored there), e.g. :func:`event_durations`.
    causes : sequence of str
        The causes to report, in order; events of other causes still end the firms' time at
        risk (they compete).
    by, groups, min_firms
        As in :func:`kaplan_meier`.

    Returns
    -------
    polars.DataFrame
        :data:`CUMULATIVE_INCIDENCE_SCHEMA`: ``group, cause, time, cumulative_incidence,
        event_free, at_risk, events, censored, n_firms, status``; one row per group, distinct
        time (and time 0) and cause. ``event_free`` is :math:`S(t)`, so that the causes'
        incidences and ``event_free`` add up to 1 at every time when ``causes`` lists every
        cause of the data; ``events`` counts this cause's events at ``time``, ``at_risk``
        and ``censored`` as in :func:`kaplan_meier`. A group of fewer than ``min_firms``
        firms is one row (``cause`` null) with ``status`` ``"not enough data"``.

    Notes
    -----
    The estimator is written here (scipy has none); the tests check it against a hand-worked
    example, against :class:`lifelines.AalenJohansenFitter` and against one minus scipy's
    Kaplan-Meier when there is one cause. No confidence band is given.

    References
    ----------
    Aalen, O. O., & Johansen, S. (1978). An empirical transition matrix for non-homogeneous
    Markov chains based on censored observations. Scandinavian Journal of Statistics, 5(3),
    141-150.
    Putter, H., Fiocco, M., & Geskus, R. B. (2007). Tutorial in biostatistics: competing risks
    and multi-state models. Statistics in Medicine, 26(11), 2389-2430.

    Examples
    --------
    >>> import polars as pl
    >>> d = pl.DataFrame({"duration": [1, 2, 3, 4], "cause": ["a", "b", None, "a"]})
    >>> f = aalen_johansen(d, causes=["a", "b"], min_firms=1)
    >>> f.filter(pl.col("time") == 4)["cumulative_incidence"].to_list()
    [0.75, 0.25]
    """
    _check(durations, {"duration", "cause"} | ({by} if by else set()), "aalen_johansen")
    frames = []
    for group, rows in _groups(durations, by, groups):
        if rows.height < max(min_firms, 1):
            frames.append(_not_enough(group, rows.height, CUMULATIVE_INCIDENCE_SCHEMA))
            continue
        table = _risk_table(rows.select("duration", "cause"), causes)
        frames.append(_incidence(table, causes).with_columns(
            pl.lit(group).alias("group"), pl.lit(rows.height).alias("n_firms"),
            pl.lit(ENOUGH_DATA).alias("status"),
        ))  # fmt: skip
    if not frames:
        return pl.DataFrame(schema=CUMULATIVE_INCIDENCE_SCHEMA)
    schema = CUMULATIVE_INCIDENCE_SCHEMA
    return pl.concat([f.select(schema.keys()).cast(schema) for f in frames])  # type: ignore[arg-type]


def _incidence(table: pl.DataFrame, causes: Sequence[str]) -> pl.DataFrame:
    """The Aalen-Johansen step: long rows (time x cause) from a risk table."""
    at_risk = table["at_risk"].to_numpy().astype(float)
    hazard = table["events"].to_numpy() / at_risk  # all causes together
    event_free = np.cumprod(1.0 - hazard)
    before = np.concatenate(([1.0], event_free[:-1]))  # S(t-): just before each time
    frames = []
    for cause in causes:
        events = table[f"events_{cause}"]
        cif = np.cumsum(before * events.to_numpy() / at_risk)
        frames.append(table.select(
            pl.lit(cause).alias("cause"), "time", pl.Series("cumulative_incidence", cif),
            pl.Series("event_free", event_free), "at_risk", events.alias("events"), "censored",
        ))  # fmt: skip
    long = pl.concat(frames)
    return long.sort("time", pl.col("cause").replace_strict({c: i for i, c in enumerate(causes)}))


def logrank_tests(
    durations: pl.DataFrame,
    *,
    by: str,
    groups: Sequence[str] | None = None,
    min_firms: int = 5,
) -> pl.DataFrame:
    """The log-rank test between every two groups with at least ``min_firms`` firms.

    Parameters
    ----------
    durations : polars.DataFrame
        ``duration, observed`` and the group column ``by`` (see :func:`kaplan_meier`).
    by : str
        The column that groups the firms.
    groups : sequence of str, optional
        The groups to compare, in this order (by default the values of ``by``, sorted).
    min_firms : int
        Groups with fewer firms are left out (they have no curve).

    Returns
    -------
    polars.DataFrame
        :data:`LOGRANK_SCHEMA`: ``group_a, group_b, n_a, n_b, events_a, events_b, chi2,
        pvalue, test``, one row per pair in the order of ``groups``. ``chi2`` is the log-rank
        statistic (one degree of freedom: the square of scipy's standardised statistic),
        ``pvalue`` two-sided; both are null when neither group has an event. The p-values of
        several pairs are not adjusted for multiplicity.

    Notes
    -----
    :func:`scipy.stats.logrank` (Mantel 1966; Peto & Peto 1972).

    References
    ----------
    Mantel, N. (1966). Evaluation of survival data and two new rank order statistics arising in
    its consideration. Cancer Chemotherapy Reports, 50(3), 163-170.
    Peto, R., & Peto, J. (1972). Asymptotically efficient rank invariant test procedures.
    Journal of the Royal Statistical Society A, 135(2), 185-207.
    """
    _check(durations, {"duration", "observed", by}, "logrank_tests")
    usable = [(g, rows) for g, rows in _groups(durations, by, groups)
              if rows.height >= max(min_firms, 1)]  # fmt: skip
    out = []
    for (a, rows_a), (b, rows_b) in itertools.combinations(usable, 2):
        events_a, events_b = int(rows_a["observed"].sum()), int(rows_b["observed"].sum())
        chi2 = pvalue = None
        if events_a + events_b:
            result = stats.logrank(_censored(rows_a), _censored(rows_b))
            chi2, pvalue = float(result.statistic) ** 2, float(result.pvalue)
        out.append((a, b, rows_a.height, rows_b.height, events_a, events_b, chi2, pvalue,
                    LOGRANK_TEST))  # fmt: skip
    return pl.DataFrame(out, schema=LOGRANK_SCHEMA, orient="row")


def _censored(rows: pl.DataFrame) -> stats.CensoredData:
    time = rows["duration"].cast(pl.Float64).to_numpy()
    observed = rows["observed"].to_numpy().astype(bool)
    return stats.CensoredData(uncensored=time[observed], right=time[~observed])
