"""Third audit, bugs 2 and 9: the cases tests/test_audit3.py leaves out.

AutoSMOTE's ``validation_data`` is checked as MixAnN checks its own (a pair, the width, labels
of y's classes and X_val's length, a minority row); AutoSMOTE's and MixBoost's parameters are
refused at fit time with the parameter and its range named.
"""

import numpy as np
import pytest

from mixann.baselines.autosmote import AutoSMOTE
from mixann.baselines.mixboost import MixBoost
from mixann.datasets import make_diverse_minorities


@pytest.fixture(scope="module")
def data():
    return make_diverse_minorities(n_samples=300, random_state=0)


@pytest.fixture(scope="module")
def val():
    return make_diverse_minorities(n_samples=150, random_state=1)


def test_autosmote_validation_labels_must_match_x_val_in_length(data, val):
    # A y_val one row short used to fail inside f1_score ("inconsistent numbers of samples").
    X, y = data
    X_val, y_val = val
    with pytest.raises(ValueError, match=r"match X_val in length .* classes of y \[0, 1\]"):
        AutoSMOTE(n_iterations=2, random_state=0,
                  validation_data=(X_val, y_val[:-1])).fit_resample(X, y)


def test_autosmote_validation_labels_must_use_the_classes_of_y(data, val):
    # A label 2 that y does not hold used to be scored as majority without a word.
    X, y = data
    X_val, y_val = val
    y_val = y_val.copy()
    y_val[0] = 2
    with pytest.raises(ValueError, match=r"use the classes of y \[0, 1\]"):
        AutoSMOTE(n_iterations=2, random_state=0,
                  validation_data=(X_val, y_val)).fit_resample(X, y)


@pytest.mark.parametrize("validation_data", [lambda Xv, yv: (Xv,),
                                             lambda Xv, yv: [Xv, yv, yv]])
def test_autosmote_validation_data_must_be_a_pair(data, val, validation_data):
    # A 1-tuple used to fail with "tuple index out of range"; a triple passed silently.
    X, y = data
    with pytest.raises(ValueError, match=r"validation_data must be a pair \(X_val, y_val\)"):
        AutoSMOTE(n_iterations=2, random_state=0,
                  validation_data=validation_data(*val)).fit_resample(X, y)


def test_autosmote_string_labels_with_a_matching_validation_set_work(data, val):
    # The valid case next to the refused ones: string labels, a list pair, a column y_val.
    X, y = data
    X_val, y_val = val
    labels, labels_val = np.where(y == 1, "fraud", "ok"), np.where(y_val == 1, "fraud", "ok")
    a = AutoSMOTE(n_iterations=2, random_state=0, validation_data=(X_val, labels_val))
    b = AutoSMOTE(n_iterations=2, random_state=0, validation_data=[X_val, labels_val[:, None]])
    Xa, ya = a.fit_resample(X, labels)
    Xb, yb = b.fit_resample(X, labels)
    assert Xa.tobytes() == Xb.tobytes() and list(ya) == list(yb)
    assert a.baseline_score_ < 1.0 and len(Xa) - len(X) == len(a.synthetic_X_)


def test_autosmote_negative_k_neighbors_is_refused(data):
    # It used to return no synthetic rows and an empty history, n_iterations ignored.
    X, y = data
    with pytest.raises(ValueError, match=r"'k_neighbors' .* range \[1, inf\)\. Got -3"):
        AutoSMOTE(n_iterations=2, k_neighbors=-3).fit_resample(X, y)


@pytest.mark.parametrize("params, message", [
    (dict(alpha="5"), r"'alpha' parameter of MixBoost must be a float in the range \(0\.0, inf\)"),
    (dict(samples_per_round=0), r"'samples_per_round' .* range \[1, inf\) or None\. Got 0"),
    (dict(n_rounds=2.0), r"'n_rounds' parameter of MixBoost must be an int"),
])
def test_mixboost_wrong_types_and_zero_samples_are_refused(data, params, message):
    # alpha="5" failed in numpy's Beta sampler ("must be real number, not str");
    # samples_per_round=0 returned no rows silently; n_rounds=2.0 failed in range().
    X, y = data
    with pytest.raises((ValueError, TypeError), match=message):
        MixBoost(**{"n_rounds": 2, **params}).fit_resample(X, y)


@pytest.mark.parametrize("make", [
    lambda: AutoSMOTE(n_iterations=2, gaps=[0.0, 1.0], ratios=[0.0, 2.0], random_state=0),
    lambda: MixBoost(n_rounds=2, entropy_floor=0, label_threshold=0, max_candidates=1,
                     random_state=0),
])
def test_the_ends_of_the_documented_ranges_are_accepted(data, make):
    # The checks must not refuse what the docstrings allow (gaps in [0, 1], ratios >= 0,
    # entropy_floor >= 0, label_threshold in [0, 1], max_candidates >= 1).
    X, y = data
    X_res, y_res = make().fit_resample(X, y)
    assert len(X_res) == len(y_res) >= len(X)
