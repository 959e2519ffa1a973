"""The bench's fifth classifier, ``random-forest`` (scikit-learn's forest, 100 trees): built as
documented, run by the bench with the same seed giving the same bytes, and resolved by the
default preset's "auto" settings to what every unmeasured classifier gets (docs/quality.md,
"Session 73") but for a tiny minority, where it has a fixed pick of its own (row 103)."""

import pytest
from conftest import (check_beta_mix_rows, check_rule_by_name, check_unmeasured_settings,
                      eight_anomalies, fit_fixed_pick)
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from mixann import MixAnN
from mixann.bench.runner import Cell, mixann_params, run_cell
from mixann.classifiers import CLASSIFIER_NAMES, make_classifier
from mixann.datasets import make_diverse_minorities
from mixann.defaults import FIXED_PICKS, default_selection_rule
from mixann.selection import volume_target


def test_make_classifier_builds_a_seeded_forest_of_100_trees():
    assert "random-forest" in CLASSIFIER_NAMES
    clf = make_classifier("random-forest", random_state=3, n_jobs=1)
    assert isinstance(clf, RandomForestClassifier)
    assert (clf.n_estimators, clf.random_state, clf.n_jobs) == (100, 3, 1)
    # a fresh object each call: the bench fits one per cell
    assert make_classifier("random-forest") is not make_classifier("random-forest")


@pytest.mark.parametrize("estimator", [RandomForestClassifier(),
                                       make_pipeline(MinMaxScaler(), RandomForestClassifier())])
def test_auto_settings_for_a_forest(estimator):
    # The kinds, draws and full search of any unmeasured classifier (rows 101-102 kept them)...
    kinds = check_unmeasured_settings(estimator)
    # ...and, from row 103, a fixed pick of its own for at most 12 anomalies.
    assert FIXED_PICKS["beta-mix-0.35"] == ("beta-mix", 0.35)
    assert default_selection_rule(estimator, 12, kinds) == "beta-mix-0.35"
    assert default_selection_rule(estimator, 8, ("spread",)) == "best"  # kinds given by hand
    assert default_selection_rule(estimator, 8, ("spread", "beta-mix")) == "beta-mix-0.35"
    # Only the measured forest: scikit-learn's other ensembles keep the search.
    assert default_selection_rule(ExtraTreesClassifier(), 8, kinds) == "best"


def test_a_forest_with_eight_anomalies_takes_beta_mix_at_035_of_the_gap(tiny):
    X, y, params = eight_anomalies(tiny)  # 6 given, 2 for validation
    forest = RandomForestClassifier(n_estimators=5, random_state=0)
    fixed, X_res, new_y = fit_fixed_pick(forest, params, X, y, "beta-mix-0.35", "beta-mix", 0.35)
    # 0.35 of the class gap of 54 is 18.9: 19 anomalies, one draw (a forest's n_draws)
    assert int(new_y.sum()) == volume_target(0.35, y) == 19
    assert fixed.n_draws_ == 1 and fixed.history_["draw_scores"] is None
    # Each synthetic row mixes one given anomaly with one given normal row at its share.
    check_beta_mix_rows(fixed, X, y)
    # The same bytes as asking for the rule by name; "best" searches instead.
    check_rule_by_name(forest, "beta-mix-0.35", params, X, y, X_res)
    from mixann.cli import describe_choice

    assert "beta-mix mixing, volume 0.35" in describe_choice(fixed)


def test_bench_absorbs_a_forest_by_refitting():
    # A forest has neither partial_fit nor XGBoost's continued training: the actor's steps
    # refit it (the cost that makes its paper-budget cells long: README "Results").
    assert mixann_params("paper", make_classifier("random-forest"))["update"] == "refit"


@pytest.mark.parametrize("method", ["none", "mixann"])
def test_bench_cell_with_a_forest_is_deterministic(shared_datasets, method):
    cell = Cell("vowels", "random-forest", method, 0, "test")
    a = run_cell(cell, shared_datasets / "adbench")
    b = run_cell(cell, shared_datasets / "adbench")
    assert a["status"] == "ok" and 0.0 <= a["f1"] <= 1.0
    assert a["config"]["classifier"] == "random-forest"
    for key in ("precision", "recall", "f1", "n_synthetic"):
        assert a[key] == b[key]
    if method == "mixann":
        assert a["n_synthetic"] == a["config"]["mixann"]["trials"][0]["n_synthetic"]


def test_mixann_fit_resample_with_a_forest_in_a_pipeline():
    X, y = make_diverse_minorities(n_samples=400, random_state=0)
    sampler = MixAnN(estimator=make_pipeline(MinMaxScaler(), RandomForestClassifier(
        n_estimators=10, random_state=0)), n_episodes=2, max_steps_per_episode=5,
        random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.selection_prune_ is None and tuple(sampler.mix_kinds_) == ("boundary", "spread")
    assert len(X_res) == len(y_res) >= len(X)
    assert (X_res[: len(X)] == X).all()
