"""The fourteenth audit (more than two classes): the multiclass judge's scorers on parts of the
data that lack a class, its classifier fitted on training rows that lack a class (XGBoost),
and ``multiclass_choice`` with the paper preset, which chooses nothing."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.neighbors import KNeighborsClassifier
from xgboost import XGBClassifier

from mixann import MixAnN
from mixann.selection import _fit_predict, _proba

TINY = dict(n_episodes=2, max_steps_per_episode=5, ddpg_updates=2, warmup_steps=5, batch_size=8,
            hidden_sizes=(16, 16), volumes=(0.25, 1.0), minority_multiples=(), selection_folds=2)


def _blobs(sizes, seed=0):
    """Three classes of ``sizes`` rows, four features, class c centred on c."""
    y = np.repeat(np.arange(3), sizes)
    return np.random.default_rng(seed).normal(size=(len(y), 4)) + y[:, None], y


def test_a_scorer_that_needs_every_class_names_the_missing_class_and_the_fix():
    # Class 2 has 3 rows: with 5 folds some held-out fold lacks it, and log loss then raised
    # scikit-learn's "y_true and y_prob contain different number of classes: 2 vs 3" after
    # the first class's training, naming neither the folds nor a fix.
    X, y = _blobs([100, 30, 3])
    sampler = MixAnN(multiclass_choice="all-classes", metric="neg_log_loss", random_state=0,
                     **{**TINY, "selection_folds": 5})
    with pytest.raises(ValueError, match=r"metric='neg_log_loss' cannot score a part of the data "
                                         r"that lacks 1 of the 3 classes.*'f1_macro'.*"
                                         r"multiclass_choice='one-vs-rest'"):
        sampler.fit(X, y)
    # validation_data without a row of the largest class: the draws are scored on it.
    keep = y > 0
    sampler = MixAnN(multiclass_choice="all-classes", metric="roc_auc_ovr", random_state=0,
                     validation_data=(X[keep] + 0.01, y[keep]), **TINY)
    with pytest.raises(ValueError, match=r"'roc_auc_ovr' cannot score .*give validation_data "
                                         r"with rows of every class"):
        sampler.fit(X, y)


def test_the_judges_classifier_fits_training_rows_that_lack_a_middle_class():
    # Codes 0 and 2 only (class 1's rows all in a carved validation split): XGBoost refused
    # them ("Expected: [0 1], got [0 2]"). Fitted on codes 0 and 1, its columns go back to
    # codes 0 and 2, class 1's column 0, as KNN's always were.
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 2)), np.repeat([0, 2], 20)
    X[y == 2] += 2
    X_te = rng.normal(size=(5, 2)) + 1
    proba = _fit_predict(XGBClassifier(n_estimators=3, n_jobs=1), X, y, None, X_te, 3)
    assert proba.shape == (5, 3) and np.all(proba[:, 1] == 0)
    assert np.allclose(proba.sum(axis=1), 1)
    knn = KNeighborsClassifier(5)
    assert np.array_equal(_fit_predict(knn, X, y, None, X_te, 3),
                          _proba(knn.fit(X, y), X_te, 3))  # KNN: the same numbers as before


def test_all_classes_with_xgboost_and_a_class_of_two_rows_fits():
    # Class 1 has 2 rows; with this seed the validation split carved for class 2's sampler
    # (stratified on class 2 against the rest) holds both, so its draws were judged by an
    # XGBoost fitted on codes 0 and 2, which raised.
    X, y = _blobs([60, 2, 20])
    sampler = MixAnN(estimator=XGBClassifier(n_estimators=3, n_jobs=1), n_draws=2,
                     multiclass_choice="all-classes", random_state=5, **TINY)
    X_res, y_res = sampler.fit_resample(X, y)
    assert len(X_res) == len(X) + sum(sampler.sampling_strategy_.values())
    assert set(sampler.samplers_) == {1, 2}


def test_multiclass_choice_does_not_apply_to_the_paper_preset():
    # The paper preset chooses no kind, volume or draw, so there is nothing to judge: a binary
    # scorer was refused for "all-classes" though the setting changes nothing there.
    X, y = make_classification(n_samples=300, n_classes=3, weights=[0.8, 0.15, 0.05],
                               n_informative=4, random_state=0)
    params = dict(TINY, preset="paper", metric="roc_auc", guard=False, random_state=0)
    judged = MixAnN(multiclass_choice="all-classes", **params).fit_resample(X, y)
    plain = MixAnN(**params).fit_resample(X, y)
    assert judged[0].tobytes() == plain[0].tobytes() and np.array_equal(judged[1], plain[1])
    with pytest.raises(ValueError, match="cannot score more than two classes"):
        MixAnN(multiclass_choice="all-classes", **dict(params, preset="default")).fit(X, y)


def test_nan_in_validation_data_is_named_as_validation_data():
    # Reported beside the multiclass audit: scikit-learn's bare "Input contains NaN." did not
    # say which array held it.
    from mixann.datasets import make_diverse_minorities

    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    X_val = X[:50].copy()
    X_val[0, 0] = np.nan
    with pytest.raises(ValueError, match="validation_data's X_val contains NaN"):
        MixAnN(validation_data=(X_val, y[:50]), n_episodes=2).fit_resample(X, y)
