"""The study's alliance network: tie tables, network measures, most preferred partners and
how stable their ranking is under other tie lifetimes and layers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from bioris import settings
from bioris.analytics import (
    RANKING_RULE,
    BetweennessSampling,
    JobOptions,
    TiePolicy,
    centrality,
    partner_profile,
    preferred_partner_ranking,
    year_metrics,
)
from bioris.analytics.structure import PathSampling, run_structure, structure_frame, structure_tasks
from bioris.errors import BiorisError
from bioris.study.execution import OnProgress
from bioris.study.network_job import (
    WEIGHTS,
    betweenness_sampling,
    network_job,
    run_years,
    weighted_ties,
    write_table,
)

if TYPE_CHECKING:
    from bioris.study.core import Study

__all__ = [
    "RANKING_RULE",
    "SENSITIVITY_LIFETIMES",
    "WEIGHTS",
    "Sensitivity",
    "metrics",
    "partner_sensitivity",
    "preferred_partners",
    "ranking",
    "ties",
]

#: average path lengths are exact in (largest components of) up to this many actors, else
#: estimated from ``path_length_sources`` sampled sources (unless ``--sample exact``)
PATH_EXACT_MAX_ACTORS = 1000
#: the tie lifetimes (years) the sensitivity of the ranking is read under
SENSITIVITY_LIFETIMES = (3, 5, 7)
_FINANCING = "financing"
_RANK_MEASURES = ("degree", "betweenness", "eigenvector")


def ties(
    study: Study,
    start: int | None = None,
    end: int | None = None,
    *,
    window: int | None = None,
    layers: Iterable[str] | None = None,
    deal_types: Iterable[str] | None = None,
    rollup: bool = False,
) -> pl.DataFrame:
    """The yearly ties of the study's network.

    Parameters
    ----------
    study : Study
    start, end : int, optional
        The years (the study period by default).
    window : int, optional
        Years an alliance stays active after signing (the study's window by default).
    layers : iterable of str, optional
        Layers of the study (``alliance`` by default; ``financing``, ``ma`` ...).
    deal_types : iterable of str, optional
        Keep only these deal types of those layers; without ``layers``, their own layers
        (:meth:`~bioris.study.Study.tie_layers`).
    rollup : bool
        Count subsidiaries as their parent of the year, and the ties of an acquired actor
        as its acquirer's from the acquisition on (else they end at its exit).

    Returns
    -------
    polars.DataFrame
        :func:`~bioris.analytics.tie_table` output.
    """
    first, last = study.span(start, end)
    _, types = study.tie_layers(layers, deal_types)
    policy = TiePolicy("fixed", window or study.window)
    return study.inputs.ties(first, last, policy=policy, rollup=rollup, deal_types=sorted(types))


def metrics(
    study: Study,
    *,
    start: int | None = None,
    end: int | None = None,
    window: int | None = None,
    level: str = "actor",
    out: Path | None = None,
    sample: int | str = "auto",
    seed: int = 0,
    weight: str = "alliances",
    layers: Iterable[str] | None = None,
    deal_types: Iterable[str] | None = None,
    rollup: bool = False,
    jobs: int | None = None,
    scheduler: str | None = None,
    on_progress: OnProgress | None = None,
) -> pl.DataFrame:
    """Actor-year (``level="actor"``) or year (``level="year"``) network measures, with
    brokerage by location; written to ``out`` (Parquet or CSV by suffix, with the job's
    metadata) when given.

    ``weight`` (alliances, committed_eur or headline_eur) weights strength and structural
    holes; ``sample`` is the betweenness rule (``auto``, ``exact`` or a number of sources,
    :func:`~bioris.study.network_job.betweenness_sampling`; at the year level, unless
    ``exact``, average path lengths, of the network and of its small-world references, are
    exact up to :data:`PATH_EXACT_MAX_ACTORS` actors and above estimated from batches of
    ``path_length_sources`` sampled sources until their relative standard error is at most
    ``path_length_relative_se``); ``jobs`` and
    ``scheduler`` say where the years run (:func:`~bioris.study.network_job.network_job`,
    which also returns the actor level's per-year metadata and timings); ``on_progress`` is
    told of each year and measure.
    """
    if level not in {"actor", "year"}:
        raise BiorisError(f"--level: {level!r} is not one of: actor, year")
    if level == "actor":
        job = network_job(
            study, start=start, end=end, window=window, sample=sample, seed=seed,
            weight=weight, layers=layers, deal_types=deal_types, rollup=rollup, jobs=jobs,
            scheduler=scheduler, on_progress=on_progress,
        )  # fmt: skip
        if out is not None:
            write_table(job.frame, out, job.metadata())
        return job.frame
    table = weighted_ties(study, start, end, window=window, layers=layers,
                          deal_types=deal_types, rollup=rollup, weight=weight)  # fmt: skip
    sampling, rule = betweenness_sampling(sample, seed)
    # a mean over sources x actors pairs, estimated to a stated standard error: path lengths
    # (of the network and of its small-world references) are exact up to
    # PATH_EXACT_MAX_ACTORS actors
    paths = (
        PathSampling(int(settings.get("path_length_sources")), seed,
                     exact_max_actors=PATH_EXACT_MAX_ACTORS,
                     relative_se=float(settings.get("path_length_relative_se")))
        if sampling is not None
        else None
    )  # fmt: skip
    options = JobOptions(
        betweenness_sampling=sampling, path_sampling=paths, seed=seed, weight=weight,
        min_nodes=int(settings.get("network_min_nodes")),
    )  # fmt: skip
    tasks = structure_tasks(table, random_graphs=options.random_graphs, seed=seed,
                            path_sampling=paths, min_nodes=options.min_nodes)  # fmt: skip
    results, execution = run_years(tasks, run_structure, jobs, scheduler, on_progress)
    frame = year_metrics(table, study.actors, options=options, structure=structure_frame(results))
    if out is not None:
        lengths = (f"exact up to {PATH_EXACT_MAX_ACTORS:,} actors, else from batches of "
                   f"{paths.sources:,} sampled sources until the relative standard error is "
                   f"at most {paths.relative_se:.1%}")  # fmt: skip
        meta = {"betweenness_rule": rule, "path_lengths": lengths if paths else "exact",
                "execution": {"mode": execution.mode, "workers": execution.workers,
                              "note": execution.why}}  # fmt: skip
        write_table(frame, out, meta)
    return frame


def ranking(
    study: Study,
    start: int | None = None,
    end: int | None = None,
    *,
    window: int | None = None,
    layers: Iterable[str] | None = None,
    firms: Iterable[str] | None = None,
    sampling: BetweennessSampling | None = None,
) -> pl.DataFrame:
    """The panel's yearly partner profile ranked by :data:`RANKING_RULE`, every firm, every
    year of ``start..end``; a firm has no row after its exit year.

    Returns
    -------
    polars.DataFrame
        ``year, rank, actor`` and the profile's counts
        (:func:`~bioris.analytics.partner_profile`), with ``name`` and ``location``.
    """
    first, last = study.span(start, end)
    lifetime = window or study.window
    chosen, types = study.tie_layers(layers)
    members = tuple(sorted(firms if firms is not None else study.panel))
    sampling = sampling or study.betweenness_sampling

    def compute() -> pl.DataFrame:
        table = ties(study, first, last, window=lifetime, layers=chosen)
        ranks = centrality(table, measures=_RANK_MEASURES, betweenness_sampling=sampling)
        deals = study.inputs.alliances.filter(pl.col("deal_type").is_in(list(types)))
        profile = partner_profile(
            deals, study.inputs.parties, list(members), start=first, end=last,
            policy=TiePolicy("fixed", lifetime), big_pharma=study.inputs.big_pharma,
            parents=study.inputs.parents, centrality=ranks, exits=study.inputs.exits,
        )  # fmt: skip
        ranked = preferred_partner_ranking(profile, top=None)
        names = study.actors.select(pl.col("actor_id").alias("actor"), "name", "location")
        return ranked.join(names, on="actor", how="left").sort("year", "rank", "actor")

    key = ("ranking", first, last, lifetime, chosen, members, sampling)
    return study.cached(key, compute)


def preferred_partners(
    study: Study,
    year: int | None = None,
    *,
    top: int = 10,
    window: int | None = None,
    region: str | None = None,
    layers: Iterable[str] | None = None,
) -> pl.DataFrame:
    """The panel firms ranked as most preferred partners in ``year`` (the last year of the
    period by default), by :data:`RANKING_RULE`; with ``region``, the panel firms there,
    ranked among themselves. Alliances count as active for ``window`` years from signing.
    """
    year = study.period[1] if year is None else year
    firms = list(study.panel)
    if region:
        local = set(study.ids_in(region))
        firms = [f for f in firms if f in local]
    ranked = ranking(study, year, year, window=window, layers=layers, firms=firms)
    return preferred_partner_ranking(ranked.drop("rank"), top=top).sort("rank", "actor")


@dataclass(frozen=True, slots=True)
class Sensitivity:
    """The ranking of one year under other tie lifetimes and layers.

    ``rankings``: ``scenario, lifetime_years, layers, rank, actor, name`` for the ``top``
    firms of each scenario. ``agreement``: per scenario, Kendall's tau-b between its ranks and
    the baseline's over every panel firm ranked in either (a firm missing from one ranks
    last there), its p-value, the firms compared and how many of the baseline's top are in
    the scenario's top.
    """

    year: int
    baseline: str
    rankings: pl.DataFrame
    agreement: pl.DataFrame


def _scenarios(
    study: Study, base: tuple[str, ...], lifetimes: Sequence[int]
) -> list[tuple[str, int, tuple[str, ...]]]:
    with_financing = base
    if _FINANCING in study.definition.layer_names and _FINANCING not in base:
        with_financing = (*base, _FINANCING)
    out = []
    for layers in dict.fromkeys((base, with_financing)):
        for lifetime in lifetimes:
            out.append((_label(lifetime, layers), lifetime, layers))
    return out


def _label(lifetime: int, layers: tuple[str, ...]) -> str:
    return f"{lifetime}-year ties, {' + '.join(layers)}"


def partner_sensitivity(
    study: Study,
    year: int | None = None,
    *,
    top: int = 10,
    lifetimes: Sequence[int] = SENSITIVITY_LIFETIMES,
    window: int | None = None,
    layers: Iterable[str] | None = None,
    region: str | None = None,
) -> Sensitivity:
    """How the ranking of ``year`` changes with the tie lifetime (3, 5 and 7 years) and with
    financing ties (equity rounds) added to the ranking's layers.

    The baseline is the ranking asked for: ``window`` (the study's by default), ``layers``
    (the study's network layers) and, with ``region``, the panel firms there ranked among
    themselves (as :func:`preferred_partners`). Kendall's tau-b (Kendall 1938,
    ``scipy.stats.kendalltau``) compares the ranks of every firm ranked under either
    scenario (a firm missing from one ranks last there); 1 is the same order. Each ranking is
    computed once and kept (:meth:`~bioris.study.Study.cached`).

    References
    ----------
    Kendall, M. G. (1938). A new measure of rank correlation. Biometrika 30(1-2), 81-93.
    """
    year = study.period[1] if year is None else year
    lifetime = window or study.window
    base, _ = study.tie_layers(layers)
    firms = list(study.panel)
    if region:
        local = set(study.ids_in(region))
        firms = [f for f in firms if f in local]
    frames = []
    for label, years, chosen in _scenarios(study, base, sorted({*lifetimes, lifetime})):
        ranked = ranking(study, year, year, window=years, layers=chosen, firms=firms)
        frames.append(
            ranked.select(
                pl.lit(label).alias("scenario"),
                pl.lit(years).alias("lifetime_years"),
                pl.lit(" + ".join(chosen)).alias("layers"),
                "rank",
                "actor",
                "name",
            )
        )
    allranks = pl.concat(frames)
    baseline = _label(lifetime, base)
    agreement = _agreement(allranks, baseline, top)
    shown = allranks.filter(pl.col("rank") <= top).sort("scenario", "rank", "actor")
    return Sensitivity(year, baseline, shown, agreement)


def _agreement(allranks: pl.DataFrame, baseline: str, top: int) -> pl.DataFrame:
    from scipy.stats import kendalltau  # scipy.stats takes 0.4 s to import: only when asked

    base = allranks.filter(pl.col("scenario") == baseline)
    base_ranks = dict(base.select("actor", "rank").iter_rows())
    base_top = set(base.filter(pl.col("rank") <= top)["actor"])
    rows = []
    for (scenario,), part in allranks.partition_by("scenario", as_dict=True).items():
        ranks = dict(part.select("actor", "rank").iter_rows())
        firms = sorted(set(ranks) | set(base_ranks))
        worst_a, worst_b = len(base_ranks) + 1, len(ranks) + 1
        a = [base_ranks.get(f, worst_a) for f in firms]
        b = [ranks.get(f, worst_b) for f in firms]
        tau, p = kendalltau(a, b) if len(firms) > 1 else (float("nan"), float("nan"))
        overlap = len(base_top & set(part.filter(pl.col("rank") <= top)["actor"]))
        rows.append((scenario, float(tau), float(p), len(firms), overlap))
    schema = {"scenario": pl.String, "kendall_tau": pl.Float64, "p_value": pl.Float64,
              "firms": pl.Int64, f"shared_top_{top}": pl.Int64}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row").sort("scenario")
