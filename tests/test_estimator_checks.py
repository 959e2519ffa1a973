"""scikit-learn's check_estimator on MixAnNClassifier and imbalanced-learn's sampler checks on
MixAnN (tiny budgets so they run in seconds)."""

import warnings

import numpy as np
import pytest
from conftest import TINY
from sklearn.neighbors import KNeighborsClassifier
from sklearn.utils.estimator_checks import check_estimator

from mixann import MixAnN, MixAnNClassifier

# Checks that cannot apply, with the reason (documented in the README):
# - check_array_api_input: MixAnN's networks are torch and its classifiers numpy; it takes
#   no array-API inputs (sklearn runs this check only with SCIPY_ARRAY_API=1).
NOT_APPLICABLE = {"check_array_api_input"}


def test_sklearn_check_estimator():
    # KNN with 3 neighbours and K = 3: some checks fit on ~10 samples. Multiclass checks are
    # left out by sklearn through the tag multi_class=False (MixAnN is binary only), and
    # check_classifier_not_supporting_multiclass verifies the error message instead.
    estimator = MixAnNClassifier(estimator=KNeighborsClassifier(3), max_neighbors=3,
                                 n_episodes=2, max_steps_per_episode=3, ddpg_updates=2,
                                 warmup_steps=2, batch_size=4, hidden_sizes=(8,), random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(estimator, on_fail=None)
    failed = {r["check_name"]: str(r["exception"])[:200] for r in results
              if r["status"] == "failed"}
    assert failed == {}
    not_passed = {r["check_name"] for r in results if r["status"] != "passed"}
    assert not_passed <= NOT_APPLICABLE
    assert sum(r["status"] == "passed" for r in results) >= 50


# imbalanced-learn's sampler checks that apply to MixAnN. The others cannot, with the reason:
# check_samplers_fit_resample, _pandas, _list, _multiclass_ova, _preserve_dtype,
# _sample_indices and _2d_target draw three classes (MixAnN is binary only: the same
# inputs on binary data are tested in test_sampler.py and below);
# check_samplers_sampling_strategy_fit_resample sets ``sampling_strategy``, which MixAnN has
# not (it chooses its volume); check_samplers_pandas_sparse passes sparse data (dense only).
IMBLEARN_CHECKS = ("check_target_type", "check_samplers_one_label", "check_samplers_fit",
                   "check_sampler_get_feature_names_out",
                   "check_sampler_get_feature_names_out_pandas")


@pytest.mark.parametrize("name", IMBLEARN_CHECKS)
def test_imblearn_sampler_checks(name):
    from imblearn.utils import estimator_checks

    sampler = MixAnN(random_state=0, **TINY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        getattr(estimator_checks, name)("MixAnN", sampler)


def test_float32_in_float32_out(diverse):
    # imbalanced-learn's samplers keep a float32 X float32 (check_samplers_preserve_dtype,
    # which draws three classes); MixAnN works in float64 and casts back.
    X, y = diverse
    X32, y32 = X.astype(np.float32), y.astype(np.int32)
    X_res, y_res = MixAnN(random_state=0, guard=False, **TINY).fit_resample(X32, y32)
    assert X_res.dtype == np.float32 and y_res.dtype == np.int32
    assert len(X_res) > len(X32) and np.array_equal(X_res[:len(X32)], X32)
