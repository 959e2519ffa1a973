"""scikit-learn's check_estimator on MixAnNClassifier (tiny budget so it runs in seconds)."""

import warnings

from sklearn.neighbors import KNeighborsClassifier
from sklearn.utils.estimator_checks import check_estimator

from mixann import MixAnNClassifier

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
