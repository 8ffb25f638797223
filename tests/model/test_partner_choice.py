"""The partner-choice model: likelihood, ranks and a fit of the bundled study.

The conditional logit is checked against a hand-worked two-set example (closed-form
likelihood) and against a brute-force maximisation of the same likelihood by scipy's
Nelder-Mead; the back-test's rank arithmetic against hand-worked expected values.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize

from bioris.model import ModelError, fit_clogit
from bioris.model.backtest import rank_scores
from bioris.model.clogit import log_likelihood, separation


def test_log_likelihood_hand_worked():
    # two sets: {chosen x=1, other x=0} and {chosen x=0, others x=1, x=2}
    x = np.array([[1.0], [0.0], [0.0], [1.0], [2.0]])
    starts = np.array([0, 2])
    b = 0.5
    expected = (b - np.log(np.exp(b) + 1)) + (0 - np.log(1 + np.exp(b) + np.exp(2 * b)))
    assert log_likelihood(x, starts, [b]) == pytest.approx(expected, abs=1e-12)


def test_fit_matches_brute_force_maximum():
    rng = np.random.default_rng(3)
    sets, width = 300, 6
    x = rng.normal(size=(sets * width, 2))
    truth = np.array([1.0, -0.5])
    starts = np.arange(sets) * width
    # put the choice drawn from the logit first in each set
    for g in range(sets):
        block = x[g * width : (g + 1) * width]
        p = np.exp(block @ truth)
        pick = rng.choice(width, p=p / p.sum())
        block[[0, pick]] = block[[pick, 0]]
    fit = fit_clogit(x, starts, ["a", "b"])
    brute = optimize.minimize(
        lambda b: -log_likelihood(x, starts, b),
        np.zeros(2),
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12},
    )
    np.testing.assert_allclose(fit.coefficient, brute.x, atol=1e-5)
    assert np.all(fit.ci_low < truth) and np.all(truth < fit.ci_high)


def test_constant_statistic_is_refused():
    x = np.array([[1.0, 1.0], [0.0, 1.0], [1.0, 1.0], [0.0, 1.0]])
    with pytest.raises(ModelError, match="do not vary"):
        fit_clogit(x, np.array([0, 2]), ["a", "b"])


def test_separation_is_named():
    x = np.array([[0.0], [1.0], [0.0], [0.0], [2.0]])
    assert separation(x, np.array([0, 2])).tolist() == [-1]


def test_rank_scores_hand_worked():
    # 2 candidates above, the chosen tied with 1 other: rank 3 or 4, each half the time
    out = rank_scores(np.array([2]), np.array([2]))
    assert out["hit_at_1"][0] == 0.0
    assert out["hit_at_5"][0] == 1.0
    assert out["mrr"][0] == pytest.approx((1 / 3 + 1 / 4) / 2)
    assert rank_scores(np.array([0]), np.array([4]))["hit_at_1"][0] == pytest.approx(0.25)


def test_bundled_study_fit_and_backtest(tmp_path):
    from bioris.study import Study, partner_choice
    from bioris.workspace import init_store

    path, _ = init_store(tmp_path / "bioris.sqlite")
    with Study.open(path) as study:
        fit = partner_choice.fit(study)
        table = fit.table
        assert table["statistic"].to_list()[:2] == ["degree", "recent_popularity"]
        estimated = table.filter(table["status"] == "estimated")
        assert (estimated["ci_low"] < estimated["coefficient"]).all()
        assert fit.left_out["no panel firm"] > 0  # stated, not silently dropped
        again = partner_choice.fit(study)
        assert again.table.equals(table)  # seeded sampling: reproducible
        card = partner_choice.backtest(study, train_to=2007).table
        assert card["model"].to_list() == ["model", "random", "degree", "repeat"]
        random = card.row(1, named=True)
        assert random["hit_at_1"] == pytest.approx(1 / random["mean_risk_set"], rel=0.2)


def test_history_ties_match_the_study_tie_table(tmp_path):
    """History.ties_of re-codes tie_table's lifetime and exit rules in numpy (simulations
    append signings to it); every year must give the study's own tie table."""
    from bioris.study import Study, partner_choice
    from bioris.workspace import init_store

    path, _ = init_store(tmp_path / "bioris.sqlite")
    with Study.open(path) as study:
        coded = partner_choice.history(study)
        ties = study.ties(1987, 2017)
        for year in range(1987, 2018):
            a, b = coded.ties_of(year)
            ours = sorted(zip([coded.ids[i] for i in a], [coded.ids[i] for i in b], strict=True))
            part = ties.filter(ties["year"] == year)
            theirs = sorted(zip(part["source"], part["target"], strict=True))
            assert ours == theirs, year


def test_bad_requests_say_what_is_wrong(tmp_path):
    from bioris.errors import BiorisError
    from bioris.study import Study, partner_choice
    from bioris.workspace import init_store

    path, _ = init_store(tmp_path / "bioris.sqlite")
    with Study.open(path) as study:
        with pytest.raises(BiorisError, match=r"unknown statistic.*nope.*known: degree"):
            partner_choice.fit(study, statistics=["degree", "nope"])
        with pytest.raises(BiorisError, match="--train-to must lie inside"):
            partner_choice.backtest(study, train_to=1900)
