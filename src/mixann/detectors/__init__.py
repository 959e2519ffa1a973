"""Label-informed anomaly detectors of the paper's vertical comparison (Table 3).

XGBOD comes from pyod; DevNet and Deep SAD are small torch implementations in this package
(pyod's DevNet is not usable, see :mod:`mixann.detectors.devnet`). :func:`fit_predict_detector`
runs the paper's protocol: fit on train; for the score-based DevNet and DeepSAD, choose the
threshold on validation among ``{0.5, 1.0, 1.5, 2.0}`` x the training anomaly ratio (macro-F1);
label the test set.

>>> from mixann.detectors import DETECTOR_NAMES
>>> DETECTOR_NAMES
('xgbod', 'devnet', 'deepsad')
"""

from __future__ import annotations

import time

import numpy as np

from .deepsad import DeepSAD, deepsad_loss
from .devnet import DevNet, deviation_loss
from .threshold import (DEFAULT_MULTIPLIERS, _get_metric, anomaly_labels, apply_threshold,
                        select_threshold, threshold_candidates)
from .wrappers import BUDGETS, DETECTOR_NAMES, XGBODDetector, make_detector

#: Detectors whose labels come from the validation threshold search by default (the paper
#: searches thresholds for DevNet and DeepSAD, "since [their] output ... are anomaly scores").
SCORE_ONLY = ("devnet", "deepsad")


def fit_predict_detector(name, X_train, y_train, X_val, y_val, X_test, random_state=0,
                         budget="quick", threshold_search=None, multipliers=DEFAULT_MULTIPLIERS,
                         metric="f1_macro", **overrides):
    """Fit a detector on train, threshold it on validation, label the test set.

    Parameters
    ----------
    name : {"xgbod", "devnet", "deepsad"}
        Detector (see :func:`make_detector`).
    X_train, y_train : array-like
        Training data; ``y`` is 1 for anomalies, 0 for normals.
    X_val, y_val : array-like
        Validation data for the threshold search.
    X_test : array-like
        Data to label.
    random_state : int, default=0
        Detector seed.
    budget : {"test", "quick", "paper"}, default="quick"
        Training budget.
    threshold_search : bool or None, default=None
        Choose the threshold with :func:`select_threshold` on validation (the multipliers scale
        the *training* anomaly ratio). ``None`` follows the paper: on for DevNet and DeepSAD,
        off for XGBOD, whose XGBoost classifier labels by itself (probability > 0.5). Without the
        search, scores above 0.5 are flagged, which only makes sense for probability outputs.
    multipliers, metric
        Passed to :func:`select_threshold`.
    **overrides
        Passed to :func:`make_detector`.

    Returns
    -------
    y_test_pred : ndarray of shape (n_test,), dtype int
        0/1 labels for ``X_test``.
    info : dict
        ``detector``, ``budget``, ``anomaly_ratio`` (training), ``threshold_rule``
        (``"validation_search"`` or ``"classifier_proba>0.5"``), ``multiplier`` (None without
        search), ``threshold``, ``val_score`` (``metric`` of the validation labels), ``metric``,
        ``candidates`` (the search table of :func:`threshold_candidates`, empty without search),
        ``fit_seconds``.
    """
    _get_metric(metric)  # an unknown metric fails before the detector trains, not after
    X_train = np.asarray(X_train, dtype=float)
    y_train = anomaly_labels(y_train, "y_train")
    y_val = anomaly_labels(y_val, "y_val")
    ratio = float(y_train.mean()) if y_train.size else 0.0
    if not 0 < ratio < 1:
        raise ValueError("y_train must contain both normals (0) and anomalies (1)")
    if threshold_search is None:
        threshold_search = name in SCORE_ONLY
    detector = make_detector(name, random_state=random_state, budget=budget, **overrides)
    start = time.perf_counter()
    detector.fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    val_scores = detector.decision_function(X_val)
    test_scores = detector.decision_function(X_test)
    info = dict(detector=name, budget=budget, anomaly_ratio=ratio, metric=metric,
                fit_seconds=fit_seconds)
    if threshold_search:
        rows = threshold_candidates(val_scores, y_val, ratio, multipliers, metric)
        multiplier, threshold = select_threshold(val_scores, y_val, ratio, multipliers, metric)
        best = next(r for r in rows if r["multiplier"] == multiplier)
        y_pred = apply_threshold(test_scores, threshold)
        info.update(threshold_rule="validation_search", multiplier=multiplier,
                    threshold=threshold, val_score=best["score"], candidates=rows)
    else:
        y_pred = (np.asarray(test_scores) > 0.5).astype(int)
        val_pred = (np.asarray(val_scores) > 0.5).astype(int)
        info.update(threshold_rule="classifier_proba>0.5", multiplier=None, threshold=0.5,
                    val_score=float(_get_metric(metric)(y_val, val_pred)), candidates=[])
    return y_pred, info


__all__ = [
    "BUDGETS", "DETECTOR_NAMES", "DEFAULT_MULTIPLIERS", "SCORE_ONLY", "DeepSAD", "DevNet",
    "XGBODDetector", "apply_threshold", "deepsad_loss", "deviation_loss", "fit_predict_detector",
    "make_detector", "select_threshold", "threshold_candidates",
]
