"""Eighteenth audit: data too small for the bench's split or a baseline's KNN gets a clear error."""

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from mixann.baselines.autosmote import AutoSMOTE
from mixann.baselines.mixboost import MixBoost
from mixann.baselines.random import check_neighbours
from mixann.bench import protocol
from mixann.datasets import load_dataset


def _data(n_major, n_minor, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n_major + n_minor, 3)), np.r_[np.zeros(n_major), np.ones(n_minor)]


@pytest.mark.parametrize("n_minor", [1, 2, 3])
def test_split_refuses_a_class_too_small_for_every_part(n_minor):
    # Before: 2 or 3 anomalies gave a validation part (and with 2 a test part) without any,
    # so the test macro-F1 scored the majority alone, silently.
    X, y = _data(200, n_minor)
    with pytest.raises(ValueError, match=rf"class 1.0 has only {n_minor} row.*at least 4 rows"):
        protocol.split(X, y, 0)


def test_split_from_four_rows_on_gives_every_part_a_row_of_every_class():
    for n_major in range(5, 80, 7):
        for seed in range(3):
            X, y = _data(n_major, 4, seed)
            sp = protocol.split(X, y, seed)
            assert all(part.sum() >= 1 for part in (sp.y_train, sp.y_val, sp.y_test))


def test_split_names_a_small_class_of_three():
    X, _ = _data(60, 0)
    y = np.r_[np.zeros(50), np.full(7, 2), np.full(3, 1)]
    with pytest.raises(ValueError, match="class 1.0 has only 3 rows"):
        protocol.split(X, y, 0)


@pytest.mark.parametrize("arrays, message", [
    (dict(X=np.zeros((0, 3)), y=np.zeros(0)), r"X has shape \(0, 3\).*at least one row"),
    (dict(X=np.zeros((5, 0)), y=np.array([0, 0, 0, 1, 1])), r"X has shape \(5, 0\)"),
    (dict(X=np.eye(5), y=np.zeros(5)), r"y holds only the label 0.*anomalies \(1\)"),
    (dict(X=np.eye(5), y=np.ones(5)), r"y holds only the label 1"),
])
def test_load_dataset_refuses_an_empty_or_one_class_file(tmp_path, arrays, message):
    # Before: these loaded silently and failed later, far from the file's name.
    np.savez(tmp_path / "mine.npz", **arrays)
    with pytest.raises(ValueError, match=message):
        load_dataset("mine", data_dir=tmp_path)


@pytest.mark.parametrize("sampler, name", [(AutoSMOTE, "AutoSMOTE"), (MixBoost, "MixBoost")])
def test_baselines_name_their_knn_too_large_for_tiny_data(sampler, name):
    X, y = _data(6, 3)
    with pytest.raises(ValueError, match=rf"{name} fits its estimator on 9 rows, fewer than its "
                                         r"n_neighbors=10.*KNeighborsClassifier\(n_neighbors=8\)"):
        sampler(random_state=0).fit_resample(X, y)
    # The advice works: the same data with the KNN it names.
    X_res, _ = sampler(estimator=KNeighborsClassifier(8), random_state=0).fit_resample(X, y)
    assert len(X_res) >= len(X)


def test_check_neighbours_leaves_other_estimators_alone():
    check_neighbours(DecisionTreeClassifier(), 2, "X")
    check_neighbours(make_pipeline(StandardScaler(), KNeighborsClassifier(10)), 2, "X")
    check_neighbours(KNeighborsClassifier(5), 5, "X")
    with pytest.raises(ValueError, match="n_neighbors=1"):
        check_neighbours(KNeighborsClassifier(3), 2, "X")


def test_xgboost_warm_start_with_subsampling_repeats_an_episode():
    # Before: subsample < 1 drew from XGBoost's process-wide generator, so an episode that made
    # the same additions after reset() grew other trees (predictions up to 0.3 apart).
    from xgboost import XGBClassifier

    from mixann.updaters import make_updater

    rng = np.random.default_rng(0)
    X = rng.random((200, 4))
    y = (X[:, 0] + 0.4 * rng.random(200) > 0.9).astype(int)
    estimator = XGBClassifier(n_estimators=5, subsample=0.5, colsample_bytree=0.5, random_state=0)
    updater = make_updater("warm-start", estimator, X, y)

    def episode():
        updater.reset()
        for row in X[y == 1][:4]:
            updater.add(row, 1, copies=2)
        return updater.predict_proba(X)

    first, second = episode(), episode()
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, updater._base.predict_proba(X))  # the additions mattered
