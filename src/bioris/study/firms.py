"""The panel's business models, one label per firm-year, and their migration toward FIPCO.

Both are computed once per period and layers, from the same labels, so that every output (the
report, ``firms profile``, the web view) shows the same label for a firm-year and the
migration table always agrees with the labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import polars as pl

from bioris.analytics.business_models import business_models as label_firms
from bioris.analytics.pipeline import fipco_migration as migration

if TYPE_CHECKING:
    from bioris.study.core import Study

__all__ = ["business_models", "fipco_migration"]


def business_models(
    study: Study,
    start: int | None = None,
    end: int | None = None,
    *,
    layers: Iterable[str] | None = None,
) -> pl.DataFrame:
    """The panel's labels per firm-year
    (:func:`~bioris.analytics.business_models.business_models`), from the deals of
    ``layers`` (the alliance layer by default), up to each firm's exit year."""
    first, last = study.span(start, end)
    types = study.deal_types(layers)

    def compute() -> pl.DataFrame:
        deals = study.inputs.alliances.filter(pl.col("deal_type").is_in(list(types)))
        return label_firms(
            deals, study.inputs.parties, study.pipeline if study.pipeline.height else None,
            firms=study.panel, start=first, end=last, exits=study.inputs.exits,
        )  # fmt: skip

    return study.cached(("business_models", first, last, types), compute)


def fipco_migration(
    study: Study,
    start: int | None = None,
    end: int | None = None,
    *,
    layers: Iterable[str] | None = None,
) -> pl.DataFrame:
    """The panel's own late-stage steps and the year each became FIPCO, read off the same
    labels as :func:`business_models` (:func:`~bioris.analytics.pipeline.fipco_migration`)."""
    labels = business_models(study, start, end, layers=layers)
    last = study.span(start, end)[1]
    return migration(study.pipeline, labels, firms=study.panel, exits=study.inputs.exits, end=last)
