"""A study's findings as tested hypotheses: one row per claim, with its test and its verdict.

Studies of a regional biotech innovation system make claims about their panel of new biotech
firms: they ally with big pharma, a few of them are the preferred partners, they work in early
stages, they run portfolios of business models, they live on deal income, their regions
specialise, a few grow into integrated companies, they practise open innovation. Each
``*_claim`` function states one such claim as a hypothesis about a study's own panel, regions
and period (:class:`FindingContext`), computes its indicator from the tidy tables the study
already produces, runs the test named in the row and gives a verdict by the rule of
``docs/findings.md`` (thresholds in :class:`FindingRules`). Every random process takes
``FindingRules.seed``. A claim resting on fewer than ``min_firms`` firms or ``min_deals``
deals (or firm-years) says ``not enough data``, with no value and no p-value.

Each claim returns a :class:`ClaimResult`: its row of :data:`FINDINGS_SCHEMA` and the evidence
tables (named by the CSV file a report writes them to, ``source_table`` in the row).

References
----------
Clopper, C. J., & Pearson, E. S. (1934). Biometrika 26(4), 404-413 (exact binomial interval).
Efron, B. (1979). Bootstrap methods: another look at the jackknife. Ann. Statist. 7(1), 1-26.
Fisher, R. A. (1922). J. R. Stat. Soc. 85(1), 87-94 (exact test of a 2 x 2 table).
Gassmann, O., & Enkel, E. (2004). Towards a theory of open innovation: three core process
archetypes. R&D Management Conference (inbound, outbound, coupled).
Holm, S. (1979). Scand. J. Statist. 6(2), 65-70. Kaplan, E. L., & Meier, P. (1958). JASA
53(282), 457-481. Maslov, S., & Sneppen, K. (2002). Science 296, 910-913 (degree-preserving
rewiring). Phipson, B., & Smyth, G. K. (2010). Stat. Appl. Genet. Mol. Biol. 9(1), 39
(permutation p-values). Powell, W. W., White, D. R., Koput, K. W., & Owen-Smith, J. (2005).
Network dynamics and field evolution. Am. J. Sociol. 110(4), 1132-1205.
"""

from bioris.analytics.findings.common import (
    FINDINGS_SCHEMA,
    NOT_ENOUGH,
    NOT_SUPPORTED,
    SUPPORTED,
    ClaimResult,
    FindingContext,
    FindingRules,
    deal_sides,
    findings_table,
)
from bioris.analytics.findings.firm_claims import (
    deal_income_claim,
    early_stage_claim,
    fipco_claim,
    portfolio_claim,
)
from bioris.analytics.findings.network_claims import big_pharma_claim, preferred_partner_claim
from bioris.analytics.findings.regional_claims import (
    OI_DIRECTIONS,
    open_innovation_claim,
    specialisation_claim,
)

# private helpers that tests/analytics/test_findings.py checks directly
from bioris.analytics.findings.regional_claims import _holm as _holm
from bioris.analytics.findings.regional_claims import _periods as _periods

__all__ = [
    "FINDINGS_SCHEMA",
    "NOT_ENOUGH",
    "NOT_SUPPORTED",
    "OI_DIRECTIONS",
    "SUPPORTED",
    "ClaimResult",
    "FindingContext",
    "FindingRules",
    "big_pharma_claim",
    "deal_income_claim",
    "deal_sides",
    "early_stage_claim",
    "findings_table",
    "fipco_claim",
    "open_innovation_claim",
    "portfolio_claim",
    "preferred_partner_claim",
    "specialisation_claim",
]
