"""The tables every network analysis starts from, built once from a dataset."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import polars as pl

from bioris.analytics.partners import big_pharma_ids
from bioris.analytics.tables import actors_frame, alliances_frame, parties_frame
from bioris.analytics.temporal import TiePolicy, parent_table, tie_table
from bioris.domain import Dataset

__all__ = ["NetworkInputs", "network_inputs"]


@dataclass(frozen=True, slots=True)
class NetworkInputs:
    """Actors, deals, parties, who-belongs-to-whom, and the big-pharma actor ids."""

    actors: pl.DataFrame
    alliances: pl.DataFrame
    parties: pl.DataFrame
    parents: pl.DataFrame
    big_pharma: frozenset[str]

    @property
    def nbfs(self) -> list[str]:
        """Actor ids of the new biotechnology firms."""
        return self.actors.filter(pl.col("kind") == "nbf")["actor_id"].to_list()

    def ties(
        self,
        start: int,
        end: int,
        *,
        policy: TiePolicy | None = None,
        rollup: bool = False,
        deal_types: Collection[str] | None = None,
    ) -> pl.DataFrame:
        """The tie table of the period (:func:`~bioris.analytics.tie_table`)."""
        return tie_table(
            self.alliances, self.parties, start=start, end=end, policy=policy,
            deal_types=deal_types, parents=self.parents if rollup else None,
        )  # fmt: skip

    def groups(self, by: str = "location") -> dict[str, str]:
        """Actor -> group for brokerage: ``location`` (bioRegion, else country), ``country``
        or ``kind``; unknown values become ``unknown``."""
        if by == "location":
            expr = pl.coalesce("bioregion", "country", pl.lit("unknown"))
        else:
            expr = pl.col(by).fill_null("unknown")
        frame = self.actors.select("actor_id", expr.alias("group"))
        return dict(frame.iter_rows())


def network_inputs(dataset: Dataset, big_pharma_names: Collection[str] = ()) -> NetworkInputs:
    """Build the tables once; ``big_pharma_names`` is the bundled list of names."""
    names = {a.actor_id: a.name for a in dataset.actors}
    return NetworkInputs(
        actors=actors_frame(dataset.actors),
        alliances=alliances_frame(dataset.alliances, names),
        parties=parties_frame(dataset.alliances),
        parents=parent_table(dataset.lineage),
        big_pharma=frozenset(big_pharma_ids(dataset.actors, big_pharma_names)),
    )
