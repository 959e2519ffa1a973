"""Audit 15 of the updaters: estimators that "auto" or an explicit update could not serve."""

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier

from mixann.datasets import make_diverse_minorities
from mixann.updaters import (ExactKNNUpdater, RefitUpdater, WarmStartUpdater,
                             exact_knn_problem, make_updater, resolve_update)


@pytest.fixture(scope="module")
def split():
    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    return X[60:], y[60:], X[:60]


def test_warm_start_refuses_mlp_with_early_stopping_so_auto_refits(split):
    # scikit-learn's MLPClassifier.partial_fit raises on early_stopping=True: "auto" (default
    # preset) used to pick warm-start and MixAnN failed at its first step.
    X, y, X_val = split
    mlp = MLPClassifier(hidden_layer_sizes=(4,), early_stopping=True, max_iter=5)
    assert resolve_update("auto", mlp, prefer_warm_start=True) == "refit"
    with pytest.raises(ValueError, match="early_stopping=True"):
        make_updater("warm-start", mlp, X, y, X_val)
    assert resolve_update("auto", MLPClassifier(), prefer_warm_start=True) == "warm-start"


def test_warm_start_xgboost_keeps_the_missing_marker(split):
    # XGBClassifier(missing=0.0) treats zeros as missing; the continued booster's DMatrix
    # used NaN instead, so the same trees (0 new rounds) predicted up to 0.3 apart.
    xgboost = pytest.importorskip("xgboost")
    X, y, X_val = (np.round(a) for a in split)  # many exact zeros
    est = xgboost.XGBClassifier(n_estimators=10, max_depth=3, missing=0.0, n_jobs=1,
                                random_state=0, verbosity=0)
    warm = WarmStartUpdater(est, X, y, X_val, rounds=0)
    phi0 = warm.proba_validation()
    warm.add(X[0], 1, 2)  # copies phi_0's booster, boosts no round
    np.testing.assert_allclose(warm.proba_validation(), phi0, atol=1e-6)


@pytest.mark.parametrize("k", [0, -1])
def test_exact_knn_refuses_invalid_n_neighbors(split, k):
    # Used to fail with numpy's "zero-size array ..." or "negative dimensions"; now exact-knn
    # names the parameter and "auto" leaves it to scikit-learn's own check (via refit).
    X, y, X_val = split
    est = KNeighborsClassifier(n_neighbors=k)
    assert "n_neighbors" in exact_knn_problem(est)
    with pytest.raises(ValueError, match="n_neighbors"):
        make_updater("exact-knn", est, X, y, X_val)
    with pytest.raises(ValueError, match="n_neighbors"):
        make_updater("auto", est, X, y, X_val)


def test_exact_knn_serves_weights_none_as_uniform(split):
    # scikit-learn reads weights=None as uniform: exact-knn serves it, with refit's output.
    X, y, X_val = split
    est = KNeighborsClassifier(n_neighbors=7, weights=None)
    exact = make_updater("auto", est, X, y, X_val)
    assert isinstance(exact, ExactKNNUpdater)
    refit = RefitUpdater(est, X, y, X_val)
    rng = np.random.default_rng(0)
    for _ in range(5):
        i, j = rng.integers(len(X), size=2)
        x, label = (X[i] + X[j]) / 2, int(rng.integers(2))
        exact.add(x, label, 2), refit.add(x, label, 2)
        np.testing.assert_array_equal(exact.proba_validation(), refit.proba_validation())


def test_exact_knn_refuses_p_in_metric_params_of_euclidean(split):
    # scikit-learn refuses metric="euclidean" with metric_params={"p": ...} (TypeError at
    # fit); exact-knn used to accept it and answer where refit cannot.
    X, y, X_val = split
    est = KNeighborsClassifier(n_neighbors=5, metric="euclidean", metric_params={"p": 1})
    assert exact_knn_problem(est) is not None
    assert isinstance(make_updater("auto", KNeighborsClassifier(metric="minkowski", p=1,
                                                                metric_params={"p": 2}),
                                   X, y, X_val), ExactKNNUpdater)
