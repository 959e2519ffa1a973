"""The bench's sixth classifier, ``hist-gradient-boosting`` (scikit-learn's
``HistGradientBoostingClassifier``, 100 iterations, no early stopping; docs/quality.md
"Session 76"): built as documented, run by the bench with the same seed giving the same bytes,
refitted by the actor, and resolved by the default preset's "auto" settings to what every
unmeasured classifier gets, tiny minorities included (no rule of its own)."""

import numpy as np
import pytest
from conftest import check_unmeasured_settings
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from threadpoolctl import threadpool_limits

from mixann import MixAnN
from mixann.bench.runner import Cell, mixann_params, run_cell
from mixann.classifiers import CLASSIFIER_NAMES, make_classifier
from mixann.datasets import make_diverse_minorities
from mixann.defaults import default_selection_rule


@pytest.fixture(autouse=True)
def one_openmp_thread():
    """The booster's OpenMP threads, one per core by default, spin-wait for each other when
    the cores are busy (a suite run beside a benchmark took minutes here, not seconds): one
    thread, as the bench's workers give it."""
    with threadpool_limits(limits=1, user_api="openmp"):
        yield


def test_make_classifier_builds_a_seeded_booster_without_early_stopping():
    assert "hist-gradient-boosting" in CLASSIFIER_NAMES
    clf = make_classifier("hist-gradient-boosting", random_state=3, n_jobs=1)
    assert isinstance(clf, HistGradientBoostingClassifier)
    assert (clf.max_iter, clf.early_stopping, clf.random_state) == (100, False, 3)
    assert make_classifier("hist-gradient-boosting") is not make_classifier(
        "hist-gradient-boosting")


def test_no_early_stopping_above_ten_thousand_rows():
    # scikit-learn's "auto" would hold out a tenth of the rows once a candidate volume takes
    # the training set past 10 000; the bench's booster fits every row at every size.
    rng = np.random.default_rng(0)
    X = rng.random((10_050, 3))
    y = (X[:, 0] > 0.9).astype(int)
    clf = make_classifier("hist-gradient-boosting").set_params(max_iter=3).fit(X, y)
    assert clf.n_iter_ == 3 and clf.validation_score_.size == 0
    auto = HistGradientBoostingClassifier(max_iter=3).fit(X, y)
    assert auto.validation_score_.size > 0  # the switch the bench's setting turns off


@pytest.mark.parametrize("estimator", [HistGradientBoostingClassifier(),
                                       make_pipeline(MinMaxScaler(),
                                                     HistGradientBoostingClassifier())])
def test_auto_settings_are_those_of_an_unmeasured_classifier(estimator):
    kinds = check_unmeasured_settings(estimator)
    # no fixed pick for a tiny minority: the search at every size
    assert default_selection_rule(estimator, 8, kinds) == "best"


def test_bench_absorbs_the_booster_by_refitting():
    # No partial_fit, and its warm start adds iterations on the same bins rather than new
    # rows: the actor's steps refit it.
    assert mixann_params("paper", make_classifier("hist-gradient-boosting"))["update"] == "refit"


@pytest.mark.parametrize("method", ["none", "mixann"])
def test_bench_cell_with_the_booster_is_deterministic(tmp_path, method):
    # 30 anomalies, above every tiny-minority bar: the volume search and the actor both run.
    # (A synthetic file: a shared dataset's cell takes 20 s with 100 iterations a fit.)
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0.0, 1.0, (270, 4)), rng.normal(2.0, 1.5, (30, 4))])
    y = np.r_[np.zeros(270, dtype=int), np.ones(30, dtype=int)]
    np.savez(tmp_path / "blobs.npz", X=X, y=y)
    cell = Cell("blobs", "hist-gradient-boosting", method, 0, "test")
    a = run_cell(cell, tmp_path)
    b = run_cell(cell, tmp_path)
    assert a["status"] == "ok" and 0.0 <= a["f1"] <= 1.0
    assert a["config"]["classifier"] == "hist-gradient-boosting"
    for key in ("precision", "recall", "f1", "n_synthetic"):
        assert a[key] == b[key]
    if method == "mixann":
        trial = a["config"]["mixann"]["trials"][0]
        assert a["n_synthetic"] == trial["n_synthetic"]
        assert trial["selection_rule"] == "best" and trial["best_episode_score"] is not None


def test_mixann_fit_resample_with_the_booster_in_a_pipeline():
    X, y = make_diverse_minorities(n_samples=400, random_state=0)
    sampler = MixAnN(estimator=make_pipeline(MinMaxScaler(), HistGradientBoostingClassifier(
        max_iter=10, random_state=0)), n_episodes=2, max_steps_per_episode=5, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.selection_prune_ is None and tuple(sampler.mix_kinds_) == ("boundary", "spread")
    assert sampler.history_["actor_trained"] is True
    assert len(X_res) == len(y_res) >= len(X)
    assert (X_res[: len(X)] == X).all()
    again = MixAnN(estimator=make_pipeline(MinMaxScaler(), HistGradientBoostingClassifier(
        max_iter=10, random_state=0)), n_episodes=2, max_steps_per_episode=5, random_state=0)
    X_again, y_again = again.fit_resample(X, y)
    assert X_again.tobytes() == X_res.tobytes() and y_again.tobytes() == y_res.tobytes()
