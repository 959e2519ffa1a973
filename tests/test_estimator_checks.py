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
    # KNN with 3 neighbours and K = 3: some checks fit on ~10 samples. The multiclass checks
    # run too (one MixAnN per smaller class against the rest, mixann.multiclass).
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
    passed = [r["check_name"] for r in results if r["status"] == "passed"]
    assert len(passed) >= 50
    # With the multi_class tag, sklearn trains on three classes (check_classifiers_train,
    # check_classifiers_classes ...) instead of checking a refusal.
    assert "check_classifier_not_supporting_multiclass" not in passed


# imbalanced-learn's sampler checks that apply to MixAnN; several draw three classes
# (make_classification with class weights 0.2, 0.3, 0.5). The two that cannot apply, with the
# reason: check_samplers_sampling_strategy_fit_resample sets ``sampling_strategy``, which MixAnN
# has not (it chooses its volume); check_samplers_pandas_sparse passes sparse data (dense only).
IMBLEARN_CHECKS = ("check_target_type", "check_samplers_one_label", "check_samplers_fit",
                   "check_samplers_fit_resample", "check_samplers_pandas", "check_samplers_list",
                   "check_samplers_multiclass_ova", "check_samplers_preserve_dtype",
                   "check_samplers_sample_indices", "check_samplers_2d_target",
                   "check_sampler_get_feature_names_out",
                   "check_sampler_get_feature_names_out_pandas")


@pytest.mark.parametrize("name", IMBLEARN_CHECKS)
def test_imblearn_sampler_checks(name):
    from imblearn.utils import estimator_checks

    params = dict(TINY)
    if name == "check_samplers_fit_resample":
        # It asks every class to reach the largest one's count. MixAnN chooses its volume, so
        # the check runs with the single candidate 1 (balance), no volume 0.
        params.update(volumes=(1.0,), guard=False)
    sampler = MixAnN(random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        getattr(estimator_checks, name)("MixAnN", sampler)


def test_float32_in_float32_out(diverse):
    # imbalanced-learn's samplers keep a float32 X float32 (check_samplers_preserve_dtype, on
    # three classes); MixAnN works in float64 and casts back.
    X, y = diverse
    X32, y32 = X.astype(np.float32), y.astype(np.int32)
    X_res, y_res = MixAnN(random_state=0, guard=False, **TINY).fit_resample(X32, y32)
    assert X_res.dtype == np.float32 and y_res.dtype == np.int32
    assert len(X_res) > len(X32) and np.array_equal(X_res[:len(X32)], X32)
