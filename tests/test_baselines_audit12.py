"""Twelfth audit of the horizontal baselines (src/mixann/baselines/): the cases earlier tests
leave out."""

from __future__ import annotations

import re

import numpy as np
import pytest

from mixann.baselines import AutoSMOTE, make_sampler
from mixann.datasets import make_diverse_minorities


def _few_anomalies(n_minority):
    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    idx = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:n_minority]]
    return X[idx], y[idx]


@pytest.mark.parametrize("n_minority, validation_size", [(5, 0.1), (15, 0.01)])
def test_autosmote_carved_validation_part_always_holds_a_minority_row(n_minority,
                                                                      validation_size):
    # Stratifying rounded the minority down to no row in the validation part: the baseline
    # scored 1.0 on one class, every draw a constant or noise, and the "best" was chosen on it.
    X, y = _few_anomalies(n_minority)
    sampler = AutoSMOTE(n_iterations=3, validation_size=validation_size, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.baseline_score_ < 1.0
    assert len(X_res) - len(X) == len(sampler.synthetic_X_) > 0
    np.testing.assert_array_equal(X_res[: len(X)], X)
    again = AutoSMOTE(n_iterations=3, validation_size=validation_size, random_state=0)
    assert again.fit_resample(X, y)[0].tobytes() == X_res.tobytes()


def test_one_row_class_advice_names_samplers_that_take_it():
    # The message advised 'random', which refuses one minority row as well ("RandomMix needs
    # at least 2 minority samples to average").
    X, y = _few_anomalies(1)
    with pytest.raises(ValueError, match="has 1 row") as err:
        make_sampler("smote", y=y)
    advised = re.findall(r"'([a-z-]+)'", str(err.value).split("has 1 row", 1)[1])
    assert advised and "random" not in advised
    for method in advised:
        X_res, y_res = make_sampler(method, y=y, budget="test", random_state=0).fit_resample(X, y)
        assert len(X_res) == len(y_res) >= len(X)
