"""The rules of the business-model typology: label vocabularies, deal tables, thresholds.

Everything :func:`~bioris.analytics.business_models.business_models` decides is written down
here, so the typology can be read, cited and changed in one place: :data:`RULES` names every
rule by id, :data:`DEAL_ROLE_OI` and :data:`DEAL_ROLE_VALUE_CHAIN` say what each deal type
means for the firm in each role, and :class:`BusinessModelRules` holds every threshold, window
and keyword, and :func:`label_expressions` writes each rule as a polars condition, in order of
precedence. ``docs/business_models.md`` documents the same (a test keeps the two in step).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from bioris.errors import BiorisError

__all__ = [
    "DEAL_ROLE_OI",
    "DEAL_ROLE_VALUE_CHAIN",
    "DIMENSIONS",
    "LABELS",
    "OI_PROCESSES",
    "PIPELINE_STAGE_ORDER",
    "PRODUCT_STAGES",
    "RULES",
    "BusinessModelRules",
    "label_expressions",
]

#: label vocabulary of each dimension, in output order
LABELS: dict[str, tuple[str, ...]] = {
    "product_model": ("product", "platform", "hybrid", "none"),
    "value_chain": ("FIPCO", "FIDDO", "NRDO", "RIPCO", "none"),
    "oi_mode": ("acquiring", "sourcing", "selling", "revealing", "mixed", "none"),
    "portfolio_mix": ("closed", "open", "mixed", "none"),
}
DIMENSIONS: tuple[str, ...] = tuple(LABELS)

#: Dahlander & Gann's (2010) four open-innovation processes: (direction, pecuniary?)
OI_PROCESSES: dict[str, tuple[str, str]] = {
    "acquiring": ("inbound", "pecuniary"),
    "sourcing": ("inbound", "non-pecuniary"),
    "selling": ("outbound", "pecuniary"),
    "revealing": ("outbound", "non-pecuniary"),
}

#: (deal type, the firm's role in the deal) -> open-innovation process, or a category that is
#: not an open-innovation process: ``financing`` (money for shares or a grant, no transfer of
#: technology). Roles are read from the firm's own party row, so a firm that is the licensee of
#: a deal recorded as ``licensing_out`` from its partner's side is acquiring. No deal type of
#: the vocabulary records free revealing (publications, open source, pooled or donated IP):
#: ``revealing`` stays empty unless ``BusinessModelRules.oi_overrides`` maps a deal to it.
DEAL_ROLE_OI: dict[tuple[str, str], str] = {
    ("licensing_in", "licensee"): "acquiring",
    ("licensing_out", "licensee"): "acquiring",
    ("option", "licensee"): "acquiring",
    ("commercialisation", "licensee"): "acquiring",
    ("platform_service", "client"): "acquiring",
    ("acquisition", "acquirer"): "acquiring",
    ("research_collaboration", "collaborator"): "sourcing",
    ("co_development", "collaborator"): "sourcing",
    ("joint_venture", "collaborator"): "sourcing",
    ("licensing_out", "licensor"): "selling",
    ("licensing_in", "licensor"): "selling",
    ("option", "licensor"): "selling",
    ("commercialisation", "licensor"): "selling",
    ("platform_service", "provider"): "selling",
    ("acquisition", "target"): "selling",
    ("equity_investment", "investee"): "financing",
    ("equity_investment", "investor"): "financing",
    ("grant", "grantee"): "financing",
    ("grant", "grantor"): "financing",
}

#: (deal type, the firm's role) -> what the deal says about the firm's place in the value
#: chain: ``research_out`` (it sells or shares research: the RIPCO signal), ``asset_in`` (it
#: takes in an asset to develop: the NRDO signal), ``marketing_in`` (it takes marketing rights:
#: a FIPCO marketing signal). Other pairs say nothing about the value chain.
DEAL_ROLE_VALUE_CHAIN: dict[tuple[str, str], str] = {
    ("licensing_out", "licensor"): "research_out",
    ("licensing_in", "licensor"): "research_out",
    ("option", "licensor"): "research_out",
    ("research_collaboration", "collaborator"): "research_out",
    ("platform_service", "provider"): "research_out",
    ("licensing_in", "licensee"): "asset_in",
    ("licensing_out", "licensee"): "asset_in",
    ("option", "licensee"): "asset_in",
    ("commercialisation", "licensee"): "marketing_in",
}

#: deal stages that name an asset (``platform`` and ``unknown`` do not)
PRODUCT_STAGES = (
    "discovery", "preclinical", "phase1", "phase2", "phase3", "registration", "marketed",
)  # fmt: skip
#: pipeline stage -> position on the development ladder (``tables.pipeline_frame``)
PIPELINE_STAGE_ORDER: dict[str, int] = {s: i for i, s in enumerate(PRODUCT_STAGES)}
_DEAL_STAGES = (*PRODUCT_STAGES, "platform", "unknown")
_DEAL_TYPES = tuple(sorted({t for t, _ in DEAL_ROLE_OI}))

#: every rule id -> its one-line definition (the ``*_rule`` columns hold these ids)
RULES: dict[str, str] = {
    # product model (Fisken & Rutherford 2002), deals signed in the look-back window
    "PM0-none-no-classified-deals": (
        "no deal of product_model_deal_types signed in the window is a platform or product deal"
    ),
    "PM1-platform-share": (
        "platform deals / (platform + product deals) in the window >= platform_min_share"
    ),
    "PM2-product-share": (
        "product deals / (platform + product deals) in the window >= product_min_share"
    ),
    "PM3-hybrid-mix": (
        "platform and product deals in the window, neither share reaching its threshold"
    ),
    # value chain, precedence FIPCO > FIDDO > NRDO > RIPCO
    "VC4-fipco-own-late-stage-and-marketing": (
        "own marketing (an own-operated asset now marketed, or marketing rights taken in the "
        "window) and an own-operated event at one of fipco_late_stages to date"
    ),
    "VC3-fiddo-research-and-own-phase2-3": (
        "research deals in the window (platform deals, or research_out deals signed at "
        "research_stages) and an own-operated asset now at one of fiddo_own_stages"
    ),
    "VC2-nrdo-in-licensed-development": (
        "an asset taken in (asset_in deal) to date, and development: an own-operated asset now "
        "at one of nrdo_clinical_stages or an asset taken in at such a stage in the window"
    ),
    "VC3b-fiddo-own-phase2-3-not-in-licensed": (
        "an own-operated asset now at one of fiddo_own_stages and no asset_in deal to date "
        "(the asset is presumed discovered in-house)"
    ),
    "VC1-ripco-licensing-out-no-own-development": (
        "research_out deals in the window and no own-operated asset now beyond ripco_max_own_stage"
    ),
    "VC0-none-no-evidence": "none of the value-chain rules applies",
    # open-innovation mode (Dahlander & Gann 2010), deals signed in the look-back window
    "OI0-none-no-oi-deals": "no acquiring, sourcing, selling or revealing deal in the window",
    "OI1-dominant-process": (
        "one process has the most deals in the window and a share >= oi_dominant_min_share"
    ),
    "OI2-mixed": "open-innovation deals in the window, no single process dominant",
    # portfolio mix (Sabatier, Mangematin & Rousselle 2010), latest event of each asset
    "PF0-none-no-assets": "no asset in the portfolio with a known operator",
    "PF1-closed-proprietary-share": (
        "proprietary / (proprietary + partnered) assets >= closed_min_share"
    ),
    "PF2-open-partnered-share": "partnered / (proprietary + partnered) assets >= open_min_share",
    "PF3-mixed": "proprietary and partnered assets, neither share reaching its threshold",
}


def _check_share(name: str, value: float) -> None:
    if not 0.0 < value <= 1.0:
        raise BiorisError(f"{name} must be in (0, 1]; got {value}")


def _check_stages(name: str, stages: tuple[str, ...], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(stages) - set(allowed))
    if unknown:
        raise BiorisError(f"{name} has unknown stage(s) {unknown}; allowed: {list(allowed)}")


@dataclass(frozen=True, slots=True)
class BusinessModelRules:
    """Every threshold, window and keyword of the typology (see ``docs/business_models.md``).

    Attributes
    ----------
    window_years : int or None
        Look-back window over deals, signing year included: a deal signed in ``y`` counts for
        ``y .. y + window_years - 1``; ``None`` counts every deal signed up to the year.
    product_model_deal_types : tuple of str
        Deal types that can make a firm a product or platform company; financing
        (equity, grants) and acquisitions say nothing about what the firm sells.
    platform_keywords : tuple of str
        Whole words (case ignored) that make a deal's ``asset`` text a technology platform.
    platform_min_share, product_min_share : float
        Shares of platform / product deals that label a firm platform / product.
    research_stages : tuple of str
        Stages at signing at which a ``research_out`` deal is evidence of own research.
    ripco_max_own_stage : str
        A RIPCO operates no asset of its own beyond this stage.
    nrdo_clinical_stages : tuple of str
        Stages of own development that, with an in-licensed asset, make an NRDO.
    fiddo_own_stages : tuple of str
        Stages of own development that, with own research, make a FIDDO.
    fipco_late_stages : tuple of str
        Own-operated late-stage events, one of which a FIPCO needs; ``marketed`` is in by
        default because a firm that launches a product itself held its registration.
    oi_dominant_min_share : float
        Share of the window's open-innovation deals a process needs to be the firm's mode.
    oi_overrides : tuple of (deal type, role, process)
        Changes to :data:`DEAL_ROLE_OI`, e.g. ``(("research_collaboration", "collaborator",
        "revealing"),)``.
    closed_min_share, open_min_share : float
        Shares of proprietary / partnered assets that label a portfolio closed / open.
    asset_stale_after_years : int or None
        Leave out of the portfolio an asset whose latest event is this many years old or
        older; ``None`` keeps every asset until an event says otherwise.
    """

    window_years: int | None = 5
    product_model_deal_types: tuple[str, ...] = (
        "licensing_out", "licensing_in", "option", "research_collaboration", "co_development",
        "joint_venture", "platform_service", "commercialisation",
    )  # fmt: skip
    platform_keywords: tuple[str, ...] = ("platform", "technology", "technologies")
    platform_min_share: float = 2 / 3
    product_min_share: float = 2 / 3
    research_stages: tuple[str, ...] = ("platform", "discovery", "preclinical")
    ripco_max_own_stage: str = "phase1"
    nrdo_clinical_stages: tuple[str, ...] = ("phase1", "phase2", "phase3", "registration")
    fiddo_own_stages: tuple[str, ...] = ("phase2", "phase3", "registration")
    fipco_late_stages: tuple[str, ...] = ("phase3", "registration", "marketed")
    oi_dominant_min_share: float = 0.5
    oi_overrides: tuple[tuple[str, str, str], ...] = ()
    closed_min_share: float = 2 / 3
    open_min_share: float = 2 / 3
    asset_stale_after_years: int | None = None

    def __post_init__(self) -> None:
        for name in ("platform_min_share", "product_min_share", "oi_dominant_min_share",
                     "closed_min_share", "open_min_share"):  # fmt: skip
            _check_share(name, getattr(self, name))
        for name in ("window_years", "asset_stale_after_years"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise BiorisError(f"{name} must be at least 1 (or None); got {value}")
        unknown = sorted(set(self.product_model_deal_types) - set(_DEAL_TYPES))
        if unknown:
            raise BiorisError(f"product_model_deal_types has unknown deal type(s) {unknown}")
        _check_stages("research_stages", self.research_stages, _DEAL_STAGES)
        _check_stages("ripco_max_own_stage", (self.ripco_max_own_stage,), PRODUCT_STAGES)
        for name in ("nrdo_clinical_stages", "fiddo_own_stages", "fipco_late_stages"):
            _check_stages(name, getattr(self, name), PRODUCT_STAGES)
        for override in self.oi_overrides:
            if len(override) != 3 or override[2] not in (*OI_PROCESSES, "financing"):
                raise BiorisError(
                    f"oi_overrides entries are (deal_type, role, process) with process one of "
                    f"{[*OI_PROCESSES, 'financing']}; got {override!r}"
                )

    def oi_table(self) -> dict[tuple[str, str], str]:
        """:data:`DEAL_ROLE_OI` with :attr:`oi_overrides` applied."""
        return {**DEAL_ROLE_OI, **{(t, r): p for t, r, p in self.oi_overrides}}

    def platform_pattern(self) -> str | None:
        """The case-insensitive whole-word regex of :attr:`platform_keywords` (or None)."""
        if not self.platform_keywords:
            return None
        words = "|".join(re.escape(k) for k in self.platform_keywords)
        return rf"(?i)\b(?:{words})\b"


_IDS = pl.List(pl.String)
_NO_IDS = pl.lit([], dtype=_IDS)


def label_expressions(rules: BusinessModelRules) -> list[pl.Expr]:
    """The rule cascades of the four dimensions, as expressions over a firm-year fact table.

    The facts are id lists (``d_*`` from deals, ``p_*`` from the pipeline) and counts built by
    :func:`~bioris.analytics.business_models.business_models`; each dimension ``D`` gives
    ``D``, ``D_rule`` and ``D_evidence``: the first rule, in the order written below, whose
    condition holds.
    """
    return [
        *_product_model(rules), *_value_chain(), *_oi_mode(rules), *_portfolio_mix(rules),
    ]  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Case:
    """One rule of a dimension: when ``condition`` holds, ``label`` with ``evidence``."""

    rule: str
    condition: pl.Expr
    label: str | pl.Expr
    evidence: pl.Expr


def _cascade(dimension: str, cases: Sequence[_Case], default: _Case) -> list[pl.Expr]:
    """The first case whose condition holds gives the label, rule id and evidence."""
    out = []
    for suffix, pick in (
        ("", lambda c: c.label if isinstance(c.label, pl.Expr) else pl.lit(c.label)),
        ("_rule", lambda c: pl.lit(c.rule)),
        ("_evidence", lambda c: c.evidence),
    ):
        expr = pl.when(cases[0].condition).then(pick(cases[0]))
        for case in cases[1:]:
            expr = expr.when(case.condition).then(pick(case))
        out.append(expr.otherwise(pick(default)).alias(f"{dimension}{suffix}"))
    return out


def _n(column: str) -> pl.Expr:
    return pl.col(column).list.len()


def _union(*columns: str) -> pl.Expr:
    return pl.concat_list(*columns).list.unique().list.sort()


def _product_model(rules: BusinessModelRules) -> list[pl.Expr]:
    total = _n("d_platform") + _n("d_product")
    cases = [
        _Case("PM0-none-no-classified-deals", total == 0, "none", _NO_IDS),
        _Case("PM1-platform-share", _n("d_platform") / total >= rules.platform_min_share,
              "platform", pl.col("d_platform")),
        _Case("PM2-product-share", _n("d_product") / total >= rules.product_min_share,
              "product", pl.col("d_product")),
    ]  # fmt: skip
    default = _Case("PM3-hybrid-mix", pl.lit(True), "hybrid", _union("d_platform", "d_product"))
    return [
        *_cascade("product_model", cases, default),
        _n("d_platform").alias("platform_deals"),
        _n("d_product").alias("product_deals"),
    ]


def _value_chain() -> list[pl.Expr]:
    # precedence FIPCO > FIDDO > NRDO > RIPCO; VC3b cannot meet VC2 (it needs no asset_in deal)
    marketing = _n("p_own_marketed") + _n("d_marketing_in") > 0
    cases = [
        _Case("VC4-fipco-own-late-stage-and-marketing",
              marketing & (_n("p_own_late_to_date") > 0), "FIPCO",
              _union("p_own_marketed", "d_marketing_in", "p_own_late_to_date")),
        _Case("VC3-fiddo-research-and-own-phase2-3",
              (_n("d_research") > 0) & (_n("p_own_mid") > 0), "FIDDO",
              _union("d_research", "p_own_mid")),
        _Case("VC2-nrdo-in-licensed-development",
              (_n("d_asset_in_to_date") > 0)
              & (_n("p_own_clinical") + _n("d_asset_in_dev") > 0), "NRDO",
              _union("d_asset_in_to_date", "p_own_clinical")),
        _Case("VC3b-fiddo-own-phase2-3-not-in-licensed",
              (_n("p_own_mid") > 0) & (_n("d_asset_in_to_date") == 0), "FIDDO",
              pl.col("p_own_mid")),
        _Case("VC1-ripco-licensing-out-no-own-development",
              (_n("d_research_out") > 0) & (_n("p_own_beyond_ripco") == 0), "RIPCO",
              pl.col("d_research_out")),
    ]  # fmt: skip
    return _cascade("value_chain", cases, _Case("VC0-none-no-evidence", pl.lit(True), "none",
                                                _NO_IDS))  # fmt: skip


def _oi_mode(rules: BusinessModelRules) -> list[pl.Expr]:
    counts = {p: _n(f"d_oi_{p}") for p in OI_PROCESSES}
    total = pl.sum_horizontal(*counts.values())
    dominant = {
        p: (n / total >= rules.oi_dominant_min_share)
        & pl.all_horizontal(*(n > m for q, m in counts.items() if q != p))
        for p, n in counts.items()
    }
    label = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    evidence = pl.when(pl.lit(False)).then(_NO_IDS)
    for p, condition in dominant.items():
        label = label.when(condition).then(pl.lit(p))
        evidence = evidence.when(condition).then(pl.col(f"d_oi_{p}"))
    cases = [
        _Case("OI0-none-no-oi-deals", total == 0, "none", _NO_IDS),
        _Case("OI1-dominant-process", pl.any_horizontal(*dominant.values()), label, evidence),
    ]
    default = _Case("OI2-mixed", pl.lit(True), "mixed", _union(*(f"d_oi_{p}" for p in counts)))
    return _cascade("oi_mode", cases, default)


def _portfolio_mix(rules: BusinessModelRules) -> list[pl.Expr]:
    owned, partnered = pl.col("n_proprietary"), pl.col("n_partnered")
    total = owned + partnered
    cases = [
        _Case("PF0-none-no-assets", total == 0, "none", _NO_IDS),
        _Case("PF1-closed-proprietary-share", owned / total >= rules.closed_min_share,
              "closed", pl.col("p_proprietary")),
        _Case("PF2-open-partnered-share", partnered / total >= rules.open_min_share,
              "open", pl.col("p_partnered")),
    ]  # fmt: skip
    default = _Case("PF3-mixed", pl.lit(True), "mixed", _union("p_proprietary", "p_partnered"))
    return [
        *_cascade("portfolio_mix", cases, default),
        owned.alias("proprietary_assets"),
        partnered.alias("partnered_assets"),
        pl.col("n_unknown").alias("unknown_operator_assets"),
    ]
