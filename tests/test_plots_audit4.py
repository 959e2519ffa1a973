"""Fourth audit, the figures: policy maps of tree ensembles, one-hot y and unfitted samplers;
case-study errors that name what is wrong."""

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import NotFittedError

from mixann import MixAnN
from mixann.datasets import make_diverse_minorities
from mixann.plots import case_study, policy_map

TINY = dict(n_episodes=2, max_steps_per_episode=5, random_state=0)


@pytest.fixture(scope="module")
def data():
    return make_diverse_minorities(n_samples=400, random_state=0)


def test_policy_map_of_a_forest(tmp_path, data):
    # "AttributeError: 'RandomForestClassifier' object has no attribute 'estimators_'": the
    # default was picked with `or`, which asks an unfitted forest for its length.
    X, y = data
    forest = RandomForestClassifier(n_estimators=5, random_state=0)
    sampler = MixAnN(estimator=forest, **TINY).fit(X, y)
    policy_map(sampler, X, y, tmp_path / "p.png")
    policy_map(MixAnN(**TINY).fit(X, y), X, y, tmp_path / "q.png", estimator=forest)
    assert (tmp_path / "p.png").is_file() and (tmp_path / "q.png").is_file()


def test_policy_map_of_a_one_hot_fit(tmp_path, data):
    # It failed in np.concatenate ("must have same number of dimensions").
    X, y = data
    one_hot = np.eye(2)[y]
    sampler = MixAnN(**TINY).fit(X, one_hot)
    policy_map(sampler, X, one_hot, tmp_path / "p.png")
    assert (tmp_path / "p.png").is_file()


def test_policy_map_of_an_unfitted_sampler(tmp_path, data):
    with pytest.raises(NotFittedError):  # was AttributeError: no minority_label_
        policy_map(MixAnN(), *data, tmp_path / "p.png")


@pytest.mark.parametrize("change, message", [
    (lambda X, y: (X[:, 0], y), r"draws 2-D data: X must have shape \(n_samples, 2\), got "
                                r"\(400,\)"),
    (lambda X, y: (X, np.zeros_like(y)), r"y holds only the label 0; the case study needs"),
    (lambda X, y: (np.where(np.arange(len(X))[:, None] == 5, np.nan, X), y),
     r"X holds NaN or inf in 1 row\(s\)"),
    (lambda X, y: (X, y[:-1]), r"X has 400 rows and y 399"),
])
def test_case_study_names_bad_data_as_itself(tmp_path, data, change, message):
    # 1-D X and one class were IndexErrors; NaN was blamed on "too few anomalies".
    with pytest.raises(ValueError, match=message):
        case_study(tmp_path / "c.png", *change(*data), methods=["none"])


def test_case_study_names_a_bad_n_episodes_and_empty_methods(tmp_path, data):
    with pytest.raises(ValueError, match=r"n_episodes must be an int >= 1, got 0"):
        case_study(tmp_path / "c.png", *data, methods=["mixann"], n_episodes=0)
    with pytest.raises(ValueError, match=r"methods is empty"):  # [] used to draw every method
        case_study(tmp_path / "c.png", *data, methods=[])
