"""Horizontal baselines: shapes, labels, synthetic counts, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mixann.baselines import BASELINE_NAMES, make_sampler
from mixann.baselines.autosmote import AutoSMOTE
from mixann.baselines.mixboost import MixBoost
from mixann.baselines.random import RandomMix


def test_registry_order():
    assert BASELINE_NAMES == ("none", "random", "smote", "borderline-smote", "svm-smote", "adasyn",
                              "mixboost", "autosmote")
    with pytest.raises(ValueError, match="unknown method"):
        make_sampler("nope")


@pytest.mark.parametrize("method", BASELINE_NAMES)
def test_every_baseline_keeps_the_data_and_adds_minority(method, diverse):
    X, y = diverse
    X_res, y_res = make_sampler(method, random_state=0, y=y).fit_resample(X, y)
    assert X_res.shape[1] == X.shape[1] and len(X_res) == len(y_res) >= len(X)
    np.testing.assert_array_equal(X_res[: len(X)], X)  # originals first, unchanged
    np.testing.assert_array_equal(y_res[: len(y)], y)
    assert set(np.unique(y_res)) == {0, 1}
    if method != "none":
        assert (y_res == 1).sum() >= (y == 1).sum()


@pytest.mark.parametrize("method", BASELINE_NAMES)
def test_string_labels(method, diverse):
    X, y = diverse
    y_str = np.where(y == 1, "fraud", "ok")
    X_res, y_res = make_sampler(method, random_state=0, y=y_str).fit_resample(X, y_str)
    assert set(np.unique(y_res)) == {"fraud", "ok"} and len(X_res) == len(y_res)


@pytest.mark.parametrize("method", BASELINE_NAMES)
def test_dataframes_come_back_as_dataframes(method, diverse):
    # As from imbalanced-learn's samplers (and MixAnN): the caller's containers, same numbers.
    X, y = diverse
    frame, labels = pd.DataFrame(X, columns=["a", "b"]), pd.Series(y, name="label")
    X_res, y_res = make_sampler(method, random_state=0, y=y).fit_resample(frame, labels)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == ["a", "b"]
    assert isinstance(y_res, pd.Series) and y_res.name == "label"
    X_arr, y_arr = make_sampler(method, random_state=0, y=y).fit_resample(X, y)
    np.testing.assert_array_equal(X_res.to_numpy(), X_arr)
    np.testing.assert_array_equal(y_res.to_numpy(), y_arr)


@pytest.mark.parametrize("method", ["smote", "borderline-smote", "adasyn", "random", "mixboost", "autosmote"])
def test_tiny_minority_of_three(method):
    rng = np.random.RandomState(0)
    # Overlapping classes: ADASYN refuses minorities with no majority neighbour.
    X = np.vstack([rng.normal(size=(60, 3)), rng.normal(0.5, 1.0, size=(3, 3))])
    y = np.array([0] * 60 + [1] * 3)
    X_res, y_res = make_sampler(method, random_state=0, y=y).fit_resample(X, y)
    assert len(X_res) == len(y_res) >= len(X) and (y_res == 1).sum() >= 3


def test_random_mix_balances_with_averages_of_two_anomalies(vowels):
    X, y = vowels
    sampler = RandomMix(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert (y_res == 1).sum() == (y_res == 0).sum() == (y == 0).sum()
    i, j = sampler.pairs_.T
    assert np.all(y[i] == 1) and np.all(y[j] == 1) and np.all(i != j)
    np.testing.assert_allclose(X_res[len(X):], (X[i] + X[j]) / 2)
    np.testing.assert_array_equal(RandomMix(random_state=0).fit_resample(X, y)[0], X_res)


def test_minority_is_the_less_frequent_class(diverse):
    X, y = diverse
    X_res, y_res = RandomMix(random_state=0).fit_resample(X, 1 - y)  # minority labelled 0 now
    assert (y_res[len(y):] == 0).all() and (y_res == 0).sum() == (y_res == 1).sum()


def test_mixboost_mixes_minority_and_majority(diverse):
    X, y = diverse
    sampler = MixBoost(n_rounds=3, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    gap = (y == 0).sum() - (y == 1).sum()
    assert len(X_res) - len(X) == len(sampler.synthetic_X_) == 3 * int(np.ceil(gap / 3))
    i, j = sampler.sources_.T
    assert np.all(y[i] == 1) and np.all(y[j] == 0)
    lam = sampler.lambdas_[:, None]
    np.testing.assert_allclose(sampler.synthetic_X_, lam * X[i] + (1 - lam) * X[j])
    np.testing.assert_array_equal(sampler.synthetic_y_, (sampler.lambdas_ >= 0.5).astype(int))
    assert sampler.lambdas_.mean() > 0.6  # skewed towards the minority


def test_autosmote_interpolates_minority_and_records_history(vowels):
    X, y = vowels
    sampler = AutoSMOTE(n_iterations=4, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert len(sampler.history_) == 4 and sampler.best_iteration_ is not None
    best = sampler.history_[sampler.best_iteration_]
    assert best["score"] == max(h["score"] for h in sampler.history_)
    assert len(X_res) - len(X) == best["n_synthetic"] == len(sampler.synthetic_X_)
    assert np.all(y_res[len(y):] == 1)
    # Synthetic samples lie inside the minority's bounding box (interpolations of minority points).
    X_min = X[y == 1]
    assert np.all(sampler.synthetic_X_ >= X_min.min(axis=0) - 1e-9)
    assert np.all(sampler.synthetic_X_ <= X_min.max(axis=0) + 1e-9)


@pytest.mark.parametrize("make", [lambda s: MixBoost(n_rounds=3, random_state=s),
                                  lambda s: AutoSMOTE(n_iterations=4, random_state=s)],
                         ids=["mixboost", "autosmote"])
def test_learned_baselines_are_deterministic(make, vowels):
    X, y = vowels
    X_a, y_a = make(0).fit_resample(X, y)
    X_b, y_b = make(0).fit_resample(X, y)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)
    X_c, _ = make(1).fit_resample(X, y)
    assert X_c.shape != X_a.shape or not np.array_equal(X_c, X_a)


def test_estimator_is_cloned_not_fitted(diverse):
    from sklearn.neighbors import KNeighborsClassifier

    X, y = diverse
    knn = KNeighborsClassifier(5)
    for name in ("mixboost", "autosmote"):
        make_sampler(name, estimator=knn, random_state=0, y=y).fit_resample(X, y)
    assert not hasattr(knn, "classes_")


def test_budget_is_checked():
    with pytest.raises(ValueError, match="unknown budget"):
        make_sampler("mixboost", budget="huge")
    assert make_sampler("mixboost", budget="paper").n_rounds > make_sampler("mixboost").n_rounds


def test_autosmote_scores_on_given_validation_data():
    from sklearn.metrics import f1_score
    from sklearn.neighbors import KNeighborsClassifier

    from mixann.baselines import make_sampler
    from mixann.datasets import make_diverse_minorities

    X, y = make_diverse_minorities(n_samples=500, random_state=1)
    X_val, y_val = make_diverse_minorities(n_samples=200, random_state=2)
    sampler = make_sampler("autosmote", random_state=0, y=y, budget="test",
                           validation_data=(X_val, y_val))
    X_res, _ = sampler.fit_resample(X, y)
    expected = f1_score(y_val, KNeighborsClassifier(10).fit(X, y).predict(X_val), average="macro")
    assert sampler.baseline_score_ == expected  # trained on all of X, scored on X_val
    assert len(X_res) == len(X) + len(sampler.synthetic_X_)
