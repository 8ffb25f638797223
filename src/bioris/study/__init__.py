"""The study: one application object over a store and its study definition.

:class:`Study` holds the store, the study definition (regions, panel, layers, period, window)
and the tables derived from both, with one method per capability (alliances, network metrics,
preferred partners, firm profile, region summary, report, export). The CLI, the report and the
web view all go through it, so they count the same things the same way.
"""

from bioris.study.core import Study
from bioris.study.network import Sensitivity
from bioris.study.profile import FirmProfile
from bioris.study.regions import RegionSummary
from bioris.study.vocabulary import VocabularyError

__all__ = ["FirmProfile", "RegionSummary", "Sensitivity", "Study", "VocabularyError"]
