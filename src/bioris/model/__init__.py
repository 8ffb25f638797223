"""Why partners choose each other: a partner-choice model of alliance formation.

Each new alliance tie of a panel firm is a choice among the actors active that year
(:mod:`bioris.model.choices`); statistics of a candidate partner stand for the logics of
attachment of Powell et al. (2005) (:mod:`bioris.model.statistics`); a conditional logit
(:mod:`bioris.model.clogit`) weighs them (:func:`fit_partner_choice`), a back-test ranks
later choices with the fitted model (:func:`backtest_partner_choice`), and a simulation grows
the network forward under scenarios (:mod:`bioris.model.simulation`).
"""

from bioris.model.backtest import BACKTEST_SCHEMA, Backtest, backtest_partner_choice
from bioris.model.choices import ChoiceEvents, ChoiceSets, choice_events, choice_sets
from bioris.model.clogit import ClogitFit, ModelError, fit_clogit
from bioris.model.estimate import FIT_SCHEMA, PartnerChoiceFit, fit_partner_choice
from bioris.model.history import ChoiceTables, History, YearState
from bioris.model.statistics import DEFAULT_STATISTICS, STATISTICS, Statistic

__all__ = [
    "BACKTEST_SCHEMA",
    "DEFAULT_STATISTICS",
    "FIT_SCHEMA",
    "STATISTICS",
    "Backtest",
    "ChoiceEvents",
    "ChoiceSets",
    "ChoiceTables",
    "ClogitFit",
    "History",
    "ModelError",
    "PartnerChoiceFit",
    "Statistic",
    "YearState",
    "backtest_partner_choice",
    "choice_events",
    "choice_sets",
    "fit_clogit",
    "fit_partner_choice",
]
