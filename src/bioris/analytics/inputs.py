"""The tables every network analysis starts from, built once from a dataset and its study."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import polars as pl

from bioris.analytics.genealogy import actor_lifespans
from bioris.analytics.partners import big_pharma_ids
from bioris.analytics.tables import actors_frame, alliances_frame, parties_frame
from bioris.analytics.temporal import TiePolicy, parent_table, tie_table
from bioris.domain import Actor, Dataset, LineageFact, StudyDefinition

__all__ = ["NetworkInputs", "network_inputs", "network_inputs_from_tables"]

_EXITS = {"actor_id": pl.String, "exit_year": pl.Int32}


@dataclass(frozen=True, slots=True)
class NetworkInputs:
    """Actors (placed by the study), deals, parties, who-belongs-to-whom, the big-pharma
    actor ids, the study's panel, every actor's exit year and the network layer's deal types.

    ``deal_types`` ``None`` means every deal type is a tie.
    """

    actors: pl.DataFrame
    alliances: pl.DataFrame
    parties: pl.DataFrame
    parents: pl.DataFrame
    big_pharma: frozenset[str]
    panel: tuple[str, ...] = ()
    exits: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=_EXITS))
    deal_types: tuple[str, ...] | None = None

    @property
    def nbfs(self) -> list[str]:
        """Actor ids of the study's panel firms (the "NBFs" of every figure)."""
        return list(self.panel)

    def ties(
        self,
        start: int,
        end: int,
        *,
        policy: TiePolicy | None = None,
        rollup: bool = False,
        deal_types: Collection[str] | None = None,
    ) -> pl.DataFrame:
        """The tie table of the period (:func:`~bioris.analytics.tie_table`): alliances of
        ``deal_types`` (the network layer's by default), ending at the parties' exits (rolled
        up to the acquirer with ``rollup``)."""
        return tie_table(
            self.alliances, self.parties, start=start, end=end, policy=policy,
            deal_types=self.deal_types if deal_types is None else deal_types,
            parents=self.parents if rollup else None, exits=self.exits,
        )  # fmt: skip

    def groups(self, by: str = "location") -> dict[str, str]:
        """Actor -> group for brokerage: ``location`` (declared region, else country),
        ``country`` or ``kind``; unknown values become ``unknown``."""
        frame = self.actors.select("actor_id", pl.col(by).fill_null("unknown").alias("group"))
        return dict(frame.iter_rows())


def network_inputs(
    dataset: Dataset,
    big_pharma_names: Collection[str] = (),
    study: StudyDefinition | None = None,
    *,
    panel: Collection[str] | None = None,
) -> NetworkInputs:
    """Build the tables once.

    ``big_pharma_names`` is the bundled list of names; ``study`` places the actors and gives
    the network layer; ``panel`` is the study's panel (:func:`~bioris.analytics.panel.
    panel_members`; every ``nbf`` actor when not given).
    """
    names = {a.actor_id: a.name for a in dataset.actors}
    return network_inputs_from_tables(
        dataset.actors, dataset.lineage, alliances_frame(dataset.alliances, names),
        parties_frame(dataset.alliances), big_pharma_names, study, panel=panel,
    )  # fmt: skip


def network_inputs_from_tables(
    actor_records: Sequence[Actor],
    lineage: Sequence[LineageFact],
    alliances: pl.DataFrame,
    parties: pl.DataFrame,
    big_pharma_names: Collection[str] = (),
    study: StudyDefinition | None = None,
    *,
    panel: Collection[str] | None = None,
) -> NetworkInputs:
    """:func:`network_inputs` from the deal tables already built (e.g. by
    :func:`~bioris.analytics.tables.deal_frames` straight from a store's rows)."""
    actors = actors_frame(actor_records, study)
    spans = actor_lifespans(actors, lineage, alliances=alliances, parties=parties)
    if panel is None:
        panel = actors.filter(pl.col("kind") == "nbf")["actor_id"].to_list()
    return NetworkInputs(
        actors=actors,
        alliances=alliances,
        parties=parties,
        parents=parent_table(lineage),
        big_pharma=frozenset(big_pharma_ids(actor_records, big_pharma_names)),
        panel=tuple(sorted(panel)),
        exits=spans.select("actor_id", "exit_year").drop_nulls().cast(_EXITS),
        deal_types=study.deal_types() if study is not None else None,
    )
