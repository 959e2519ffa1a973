"""The bench's fifth classifier, ``random-forest`` (scikit-learn's forest, 100 trees): built as
documented, run by the bench with the same seed giving the same bytes, and resolved by the
default preset's "auto" settings to what every unmeasured classifier gets (docs/quality.md,
"Session 73")."""

import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from mixann import MixAnN
from mixann.bench.runner import Cell, mixann_params, run_cell
from mixann.classifiers import CLASSIFIER_NAMES, make_classifier
from mixann.datasets import make_diverse_minorities
from mixann.defaults import (default_mix_kinds, default_n_draws, default_selection_prune,
                             default_selection_rule)


def test_make_classifier_builds_a_seeded_forest_of_100_trees():
    assert "random-forest" in CLASSIFIER_NAMES
    clf = make_classifier("random-forest", random_state=3, n_jobs=1)
    assert isinstance(clf, RandomForestClassifier)
    assert (clf.n_estimators, clf.random_state, clf.n_jobs) == (100, 3, 1)
    # a fresh object each call: the bench fits one per cell
    assert make_classifier("random-forest") is not make_classifier("random-forest")


@pytest.mark.parametrize("estimator", [RandomForestClassifier(),
                                       make_pipeline(MinMaxScaler(), RandomForestClassifier())])
def test_auto_settings_for_a_forest_are_the_unmeasured_classifiers(estimator):
    # No default was chosen on a forest: the kinds, draws and search of any other classifier.
    assert default_mix_kinds(estimator) == ("boundary", "spread")
    assert default_n_draws(estimator) == 1
    assert default_selection_prune(estimator) is None
    assert default_selection_rule(estimator, 8, ("boundary", "spread")) == "best"


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
