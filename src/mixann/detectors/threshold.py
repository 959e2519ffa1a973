"""Turning anomaly scores into labels: the paper's validation search over threshold multipliers.

MixAnN's vertical comparison (Section 4.1, "Implementation Details") thresholds the scores of
DevNet and DeepSAD by searching ``{0.5x, 1.0x, 1.5x, 2.0x}`` of the anomaly ratio: for a
multiplier ``m`` the top ``m * anomaly_ratio`` share of the scores is flagged as anomalous. Here
the search is done on the validation split (macro-F1 by default) and the chosen threshold is then
applied unchanged to the test scores.

Threshold convention (used by both functions)
--------------------------------------------
For a multiplier ``m`` the flagged fraction is ``f = min(m * anomaly_ratio, 1)`` and the
threshold is ``numpy.quantile(val_scores, 1 - f)`` with numpy's default ``method="linear"``:
sort the ``n`` validation scores ascending as ``s[0] <= ... <= s[n-1]``, put ``p = (1 - f)(n - 1)``
and interpolate ``t = s[floor(p)] + (p - floor(p)) (s[floor(p)+1] - s[floor(p)])``.
A score is flagged when ``score >= t`` (:func:`apply_threshold`). With distinct scores this flags
``n - ceil(p)`` validation samples (e.g. n=20, f=0.1: p=17.1, the top 2); with ``f = 1`` the
threshold is the minimum and every sample is flagged. Ties at the threshold are all flagged, so
tied scores can raise the flagged count above ``f * n``; they never lower it.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import balanced_accuracy_score, f1_score

DEFAULT_MULTIPLIERS = (0.5, 1.0, 1.5, 2.0)


def anomaly_labels(y, name="y"):
    """``y`` as int64 0/1 labels (1 = anomaly), or a ValueError that names what it holds.

    The detectors learn from 0/1 labels only; a cast such as ``astype(int)`` would fail on
    string labels with an unrelated message and silently truncate fractional ones.

    Examples
    --------
    >>> from mixann.detectors.threshold import anomaly_labels
    >>> anomaly_labels([0, 1, 1.0, True])
    array([0, 1, 1, 1])
    >>> anomaly_labels(["ok", "fraud"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: y must hold 0 (normal) and 1 (anomaly) only, got ['fraud', 'ok']; map your ...
    """
    y = np.asarray(y).ravel()
    if y.dtype.kind in "biuf" and np.isin(y, (0, 1)).all():
        return y.astype(np.int64)
    found = sorted({str(v) if y.dtype.kind not in "biuf" else v.item() for v in np.unique(y)},
                   key=str)
    shown = found[:5] + (["..."] if len(found) > 5 else [])
    raise ValueError(f"{name} must hold 0 (normal) and 1 (anomaly) only, got {shown}; map your "
                     "labels first, e.g. (y == anomaly_label).astype(int)")


def _f1_macro(y_true, y_pred):
    return f1_score(y_true, y_pred, average="macro", labels=[0, 1], zero_division=0)


def _f1(y_true, y_pred):
    return f1_score(y_true, y_pred, pos_label=1, zero_division=0)


_METRICS = {"f1_macro": _f1_macro, "f1": _f1, "balanced_accuracy": balanced_accuracy_score}


def _get_metric(metric):
    if callable(metric):
        return metric
    try:
        return _METRICS[metric]
    except KeyError:
        raise ValueError(f"metric must be one of {sorted(_METRICS)} or a callable "
                         f"metric(y_true, y_pred); got {metric!r}") from None


def apply_threshold(scores, threshold):
    """Label ``scores >= threshold`` as anomalies (1), the rest as normal (0).

    Parameters
    ----------
    scores : array-like of shape (n_samples,)
        Anomaly scores, higher = more anomalous.
    threshold : float
        Decision threshold, e.g. from :func:`select_threshold`.

    Returns
    -------
    labels : ndarray of shape (n_samples,), dtype int
        1 = anomaly, 0 = normal.

    Examples
    --------
    >>> from mixann.detectors import apply_threshold
    >>> apply_threshold([0.1, 0.5, 0.9, 0.5], 0.5).tolist()
    [0, 1, 1, 1]
    """
    scores = np.asarray(scores, dtype=float).ravel()
    return (scores >= float(threshold)).astype(int)


def threshold_candidates(val_scores, y_val, anomaly_ratio, multipliers=DEFAULT_MULTIPLIERS,
                         metric="f1_macro"):
    """Score every multiplier of the search; the table behind :func:`select_threshold`.

    Parameters
    ----------
    val_scores, y_val, anomaly_ratio, multipliers, metric
        As in :func:`select_threshold`.

    Returns
    -------
    rows : list of dict
        One row per multiplier, in ascending multiplier order, with keys ``multiplier``,
        ``fraction`` (``min(m * anomaly_ratio, 1)``), ``threshold``, ``n_flagged`` (validation
        samples flagged) and ``score`` (the metric on validation).

    Examples
    --------
    >>> from mixann.detectors.threshold import threshold_candidates
    >>> rows = threshold_candidates([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0] * 8 + [1, 1], 0.2,
    ...                             multipliers=(0.5, 1.0))
    >>> [(r["multiplier"], r["threshold"], r["n_flagged"]) for r in rows]
    [(0.5, 8.1, 1), (1.0, 7.2, 2)]
    """
    scores = np.asarray(val_scores, dtype=float).ravel()
    y = anomaly_labels(y_val, "y_val")
    if scores.shape != y.shape:
        raise ValueError(f"val_scores and y_val differ in length: {scores.shape[0]} vs {y.shape[0]}")
    if scores.size == 0:
        raise ValueError("val_scores is empty")
    if not np.all(np.isfinite(scores)):
        raise ValueError("val_scores contains NaN or infinite values")
    if not 0 < anomaly_ratio <= 1:
        raise ValueError(f"anomaly_ratio must be in (0, 1], got {anomaly_ratio}")
    mults = sorted(float(m) for m in multipliers)
    if not mults or mults[0] <= 0:
        raise ValueError("multipliers must be a non-empty collection of positive numbers, "
                         f"got {multipliers!r}")
    score_fn = _get_metric(metric)
    rows = []
    for m in mults:
        fraction = min(m * anomaly_ratio, 1.0)
        threshold = float(np.quantile(scores, 1.0 - fraction))
        pred = apply_threshold(scores, threshold)
        rows.append(dict(multiplier=m, fraction=fraction, threshold=threshold,
                         n_flagged=int(pred.sum()), score=float(score_fn(y, pred))))
    return rows


def select_threshold(val_scores, y_val, anomaly_ratio, multipliers=DEFAULT_MULTIPLIERS,
                     metric="f1_macro"):
    """Pick the multiplier of the anomaly ratio whose threshold scores best on validation.

    For each multiplier ``m`` the top ``min(m * anomaly_ratio, 1)`` share of the validation scores
    is flagged (threshold = that quantile, see the module docstring for the exact quantile and tie
    rules), the flags are scored against ``y_val`` and the best multiplier wins; equal scores go
    to the smallest multiplier.

    Parameters
    ----------
    val_scores : array-like of shape (n_val,)
        Validation anomaly scores, higher = more anomalous.
    y_val : array-like of shape (n_val,)
        Validation labels, 1 = anomaly, 0 = normal.
    anomaly_ratio : float in (0, 1]
        The anomaly ratio the multipliers scale: the paper uses the training anomaly ratio.
    multipliers : sequence of float, default=(0.5, 1.0, 1.5, 2.0)
        Candidate multipliers (the paper's grid).
    metric : {"f1_macro", "f1", "balanced_accuracy"} or callable, default="f1_macro"
        Validation metric; a callable is called as ``metric(y_true, y_pred)``.

    Returns
    -------
    multiplier : float
        The chosen multiplier.
    threshold : float
        Its threshold; label new scores with :func:`apply_threshold`.

    Examples
    --------
    Ten validation scores, the two largest are the anomalies, training anomaly ratio 0.1.
    ``m = 0.5`` and ``1.0`` flag only the top score; ``1.5`` and ``2.0`` flag the top two
    (perfect macro-F1), and the tie goes to the smaller multiplier:

    >>> from mixann.detectors import select_threshold, apply_threshold
    >>> scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    >>> y_val = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]
    >>> m, t = select_threshold(scores, y_val, anomaly_ratio=0.1)
    >>> m, round(t, 3)
    (1.5, 0.865)
    >>> apply_threshold(scores, t).tolist()
    [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]
    """
    rows = threshold_candidates(val_scores, y_val, anomaly_ratio, multipliers, metric)
    best = rows[0]
    for row in rows[1:]:
        if row["score"] > best["score"]:  # strict: ties keep the smaller multiplier
            best = row
    return best["multiplier"], best["threshold"]
