"""The panel firms' event history: how long after founding they first ally with big pharma,
and how they leave (acquired or closed) or list.

Every table is of the study's panel firms with a founding year (time is counted from
founding; a firm without one has no clock, and its first deal would be a poor stand-in for
its founding when the event is a deal), observed from founding to their exit year or the end
of the study period, whichever is first. Firms are grouped ``all`` together, by ``region``
(the regions the study compares, :meth:`Study.compared_regions`; panel firms elsewhere are
``other``) or by founding ``cohort`` (bins of ``cohort_years`` years from a multiple of it:
decades by default, ``1990-1999``). A group of fewer than ``min_firms`` firms (the setting
``findings_min_firms`` by default) gets no curve, only a "not enough data" row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import polars as pl

from bioris import settings
from bioris.analytics.event_history import (
    EXIT_CAUSES,
    IPO,
    LOGRANK_SCHEMA,
    aalen_johansen,
    event_durations,
    exit_events,
    founding_cohort,
    kaplan_meier,
    logrank_tests,
    partner_deal_events,
)
from bioris.study.vocabulary import check_choice

if TYPE_CHECKING:
    from bioris.study.core import Study

__all__ = [
    "BY",
    "EXIT_ONLY_CAUSES",
    "FIRST_EVENT_CAUSES",
    "OTHER",
    "big_pharma_durations",
    "big_pharma_logrank",
    "big_pharma_survival",
    "event_firms",
    "exit_durations",
    "exit_incidence",
]

#: how the firms may be grouped
BY = ("all", "region", "cohort")
#: the group of the panel firms outside the compared regions
OTHER = "other"
#: the competing exits (a listing is not an exit: the firm stays at risk)
EXIT_ONLY_CAUSES = tuple(dict.fromkeys(EXIT_CAUSES.values()))
#: the causes of the "first of listing, acquisition or closure" analysis; a listing and an
#: exit in one year count as the listing (a firm lists before it is bought, never after)
FIRST_EVENT_CAUSES = (IPO, *EXIT_ONLY_CAUSES)


def event_firms(study: Study, *, cohort_years: int = 10) -> pl.DataFrame:
    """``actor_id, name, region, cohort, start_year, exit_year, exit_kind, ipo_year``: the
    panel firms with a founding year (``start_year``), their group by region and cohort, and
    their exit (:attr:`Study.lifespans`) and listing years."""
    regions = study.compared_regions()
    panel = study.actors.filter(
        pl.col("actor_id").is_in(list(study.panel)) & pl.col("founded").is_not_null()
    )
    spans = study.lifespans.select("actor_id", "exit_year", "exit_kind")
    compared = pl.col("location").is_in(list(regions))
    region = pl.when(compared).then(pl.col("location")).otherwise(pl.lit(OTHER))
    columns = ("exit_year", "exit_kind", "ipo_year")
    return (
        panel.join(spans, on="actor_id", how="left")
        .select(
            "actor_id",
            "name",
            region.alias("region"),
            founding_cohort("founded", cohort_years).alias("cohort"),
            pl.col("founded").alias("start_year"),
            *columns,
        )
        .sort("actor_id")
    )


def _end(study: Study, end: int | None) -> int:
    return study.span(None, end)[1]


def big_pharma_durations(
    study: Study,
    *,
    layers: Iterable[str] | None = None,
    end: int | None = None,
    cohort_years: int = 10,
) -> pl.DataFrame:
    """Per panel firm: years from founding to its first deal with a big-pharma partner
    (an actor of the bundled big-pharma list, ``study.inputs.big_pharma``) of the deal types of
    ``layers`` (the study's network layers, its alliances, by default), or censored at its
    exit year or ``end`` (the end of the study period by default).

    Returns :func:`event_firms` columns and ``stop_year, duration, observed, cause``
    (:func:`~bioris.analytics.event_history.event_durations`). An acquisition by big pharma
    is not a deal of the alliance layer: the firm is censored at its exit.
    """
    last = _end(study, end)
    types = study.deal_types(layers)

    def compute() -> pl.DataFrame:
        events = partner_deal_events(
            study.inputs.alliances, study.inputs.parties, firms=study.panel,
            partners=sorted(study.inputs.big_pharma), deal_types=types,
        )  # fmt: skip
        return event_durations(event_firms(study, cohort_years=cohort_years), events, end=last)

    return study.cached(("big_pharma_durations", types, last, cohort_years), compute)


def _grouping(study: Study, by: str, durations: pl.DataFrame) -> tuple[str | None, list[str]]:
    """The column and the groups, in order, of ``by``."""
    by = check_choice("--by", by, BY)
    if by == "all":
        return None, ["all"]
    if by == "region":
        present = set(durations["region"])
        return "region", [*study.compared_regions(), *([OTHER] if OTHER in present else [])]
    return "cohort", sorted(set(durations["cohort"]))


def _min_firms(min_firms: int | None) -> int:
    return int(settings.get("findings_min_firms")) if min_firms is None else min_firms


def big_pharma_survival(
    study: Study,
    by: str = "all",
    *,
    layers: Iterable[str] | None = None,
    end: int | None = None,
    min_firms: int | None = None,
    cohort_years: int = 10,
    confidence: float = 0.95,
) -> pl.DataFrame:
    """The share of panel firms not yet allied with big pharma, by years since founding:
    Kaplan-Meier curves with Greenwood bands (:func:`~bioris.analytics.event_history.
    kaplan_meier`) of :func:`big_pharma_durations`, ``by`` ``all``, ``region`` or
    ``cohort``.

    Returns ``group, time, survival, ci_low, ci_high, at_risk, events, censored, n_firms,
    status`` (a group of fewer than ``min_firms`` firms: one "not enough data" row).
    """
    durations = big_pharma_durations(study, layers=layers, end=end, cohort_years=cohort_years)
    column, groups = _grouping(study, by, durations)
    return kaplan_meier(durations, by=column, groups=groups, min_firms=_min_firms(min_firms),
                        confidence=confidence)  # fmt: skip


def big_pharma_logrank(
    study: Study,
    by: str = "region",
    *,
    layers: Iterable[str] | None = None,
    end: int | None = None,
    min_firms: int | None = None,
    cohort_years: int = 10,
) -> pl.DataFrame:
    """Do the groups' curves of :func:`big_pharma_survival` differ? The log-rank test
    (:func:`scipy.stats.logrank`) between every two groups with a curve: ``group_a, group_b,
    n_a, n_b, events_a, events_b, chi2, pvalue, test``."""
    durations = big_pharma_durations(study, layers=layers, end=end, cohort_years=cohort_years)
    column, groups = _grouping(study, by, durations)
    if column is None:  # one group: nothing to compare
        return pl.DataFrame(schema=LOGRANK_SCHEMA)
    return logrank_tests(durations, by=column, groups=groups, min_firms=_min_firms(min_firms))


def exit_durations(
    study: Study, *, ipo: bool = False, end: int | None = None, cohort_years: int = 10
) -> pl.DataFrame:
    """Per panel firm: years from founding to its exit, ``cause`` ``acquisition`` (a merger
    into another firm included) or ``closure``, or censored at ``end`` (the end of the study
    period by default).

    A listing is not an exit: a listed firm stays independent and at risk. With ``ipo``, the
    event is the first of listing (cause ``ipo``), acquisition or closure instead, a listing
    and an exit in one year counting as the listing. Columns as in
    :func:`big_pharma_durations`.
    """
    last = _end(study, end)

    def compute() -> pl.DataFrame:
        firms = event_firms(study, cohort_years=cohort_years)
        lifespans = study.lifespans.filter(pl.col("actor_id").is_in(firms["actor_id"]))
        events = exit_events(lifespans, firms.select("actor_id", "ipo_year") if ipo else None)
        causes = FIRST_EVENT_CAUSES if ipo else EXIT_ONLY_CAUSES
        return event_durations(firms, events, end=last, causes=causes)

    return study.cached(("exit_durations", ipo, last, cohort_years), compute)


def exit_incidence(
    study: Study,
    by: str = "all",
    *,
    ipo: bool = False,
    end: int | None = None,
    min_firms: int | None = None,
    cohort_years: int = 10,
) -> pl.DataFrame:
    """The cumulative incidence of each exit by years since founding, acquisition and
    closure competing (the Aalen-Johansen estimator, :func:`~bioris.analytics.
    event_history.aalen_johansen`) of :func:`exit_durations`; with ``ipo`` of the first of
    listing, acquisition or closure.

    Returns ``group, cause, time, cumulative_incidence, event_free, at_risk, events,
    censored, n_firms, status``.
    """
    durations = exit_durations(study, ipo=ipo, end=end, cohort_years=cohort_years)
    column, groups = _grouping(study, by, durations)
    causes = FIRST_EVENT_CAUSES if ipo else EXIT_ONLY_CAUSES
    return aalen_johansen(durations, causes=causes, by=column, groups=groups,
                          min_firms=_min_firms(min_firms))  # fmt: skip
