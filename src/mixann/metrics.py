"""The validation metric M of Eq. 5, computed from class probabilities.

Every MixAnN step scores the same validation set, so the probabilities are computed once
per step and handed to a scikit-learn scorer through a frozen stand-in classifier: any
scorer name (``"f1_macro"``, ``"average_precision"``, ``"neg_log_loss"`` ...) works.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import get_scorer, get_scorer_names


class _FrozenProba(ClassifierMixin, BaseEstimator):
    """A 'classifier' that returns precomputed probabilities for the set it was built for
    (columns: classes 0, 1, ... in order)."""

    def __init__(self, proba):
        self.proba = proba
        self.classes_ = np.arange(proba.shape[1])

    def predict_proba(self, X):
        return self.proba

    def predict(self, X):
        # argmax picks class 0 on an exact tie, as KNeighborsClassifier's vote does.
        return self.proba.argmax(axis=1)

    def decision_function(self, X):
        return self.proba[:, 1] if self.proba.shape[1] == 2 else self.proba


def check_metric(metric):
    """Return ``metric`` if it is a scikit-learn scorer for single-label classification, else
    raise a clear ``ValueError``.

    Regression scorers (``"r2"``, ``"neg_mean_squared_error"``), clustering scorers
    (``"adjusted_rand_score"``) and multilabel ones (``"f1_samples"``) are scorer names too,
    but they would score MixAnN's class predictions as numbers, as cluster ids or not at all.

    Examples
    --------
    >>> from mixann.metrics import check_metric
    >>> check_metric("average_precision")
    'average_precision'
    >>> try:
    ...     check_metric("r2")
    ... except ValueError as exc:
    ...     print(str(exc)[:57])
    metric='r2' is a regression scorer; MixAnN needs a scorer
    """
    if not isinstance(metric, str) or metric not in get_scorer_names():
        raise ValueError(
            f"metric={metric!r} is not a scikit-learn scorer name; use e.g. 'f1_macro', "
            "'average_precision' or 'roc_auc' (see sklearn.metrics.get_scorer_names())")
    # Why the module: scikit-learn has no public list of classification scorers; a scorer
    # whose function lives elsewhere (a newer sklearn) is let through.
    module = getattr(getattr(get_scorer(metric), "_score_func", None), "__module__", "") or ""
    kind = ("multilabel" if metric.endswith("_samples") else
            "regression" if module.startswith("sklearn.metrics._regression") else
            "clustering" if module.startswith("sklearn.metrics.cluster") else None)
    if kind is not None:
        raise ValueError(
            f"metric={metric!r} is a {kind} scorer; MixAnN needs a scorer for one class label "
            "per row: use e.g. 'f1_macro', 'balanced_accuracy', 'average_precision' or 'roc_auc'")
    return metric


def macro_f1(y_true, y_pred):
    """Macro-F1 of integer labels, the same float as ``f1_score(y_true, y_pred,
    average="macro")``, computed without scikit-learn's input checks.

    Why: MixAnN scores the same validation set after every step and every candidate; the
    checks around scikit-learn's F1 took about a tenth of a default KNN fit on vowels. The
    arithmetic is scikit-learn's own, so the result is the same to the last bit: per label
    present in either array, ``2 tp / (n_true + n_pred)`` (an exact division of integers),
    then ``numpy.nanmean`` over the labels.

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (n,) of integers (or booleans)
        Labels and predictions.

    Returns
    -------
    float

    Examples
    --------
    Labels 0, 1, 1 predicted 0, 1, 0: class 0 has tp 1, 1 true and 2 predicted (F1 2/3),
    class 1 has tp 1, 2 true and 1 predicted (F1 2/3).

    >>> import numpy as np
    >>> from mixann.metrics import macro_f1
    >>> round(macro_f1(np.array([0, 1, 1]), np.array([0, 1, 0])), 4)
    0.6667
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1 or len(y_true) == 0:
        raise ValueError(f"y_true and y_pred must be 1-D arrays of the same non-zero length, "
                         f"got shapes {y_true.shape} and {y_pred.shape}")
    if y_true.dtype.kind not in "iub" or y_pred.dtype.kind not in "iub":
        raise TypeError(f"macro_f1 takes integer labels, got dtypes {y_true.dtype} and "
                        f"{y_pred.dtype}; use sklearn.metrics.f1_score for other labels")
    # Codes 0 .. L-1 of the labels seen in either array: scikit-learn's labels, in its order.
    _, codes = np.unique(np.concatenate([y_true, y_pred]), return_inverse=True)
    codes_true, codes_pred = codes[:len(y_true)], codes[len(y_true):]
    width = int(codes.max()) + 1
    n_true = np.bincount(codes_true, minlength=width).astype(np.float64)
    n_pred = np.bincount(codes_pred, minlength=width).astype(np.float64)
    tp = np.bincount(codes_true[codes_true == codes_pred], minlength=width).astype(np.float64)
    f1 = 2 * tp / (n_true + n_pred)
    return float(np.nanmean(f1))


def score_proba(metric, proba, y_true):
    """Score class probabilities ``proba`` (n, k) against labels ``y_true`` in {0, ..., k - 1}
    (column ``j`` is class ``j``; k = 2 for MixAnN's binary problems).

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.metrics import score_proba
    >>> proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    >>> round(score_proba("f1_macro", proba, np.array([0, 1, 1])), 4)
    0.6667

    Three classes: the rows are predicted 0, 2, 2 against 0, 1, 2 (F1 1, 0 and 2/3).

    >>> proba = np.array([[0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    >>> round(score_proba("f1_macro", proba, np.array([0, 1, 2])), 4)
    0.5556
    """
    # Why: called after every step; the default metric is a known scorer, only others are checked.
    fast = isinstance(metric, str) and metric == "f1_macro"
    if not fast:
        check_metric(metric)
    proba, y_true = np.asarray(proba, dtype=float), np.asarray(y_true)
    # Why: a 1-D or one-column array failed deep in scikit-learn ("tuple index out of range",
    # "pos_label=1 is not a valid label") or scored every row as class 0 without a word.
    if proba.ndim != 2 or proba.shape[1] < 2 or len(proba) != len(y_true):
        raise ValueError(f"proba must have shape (n, k) with one column per class (k >= 2) and "
                         f"one row per label ({len(y_true)}), got shape {proba.shape}")
    if fast and y_true.ndim == 1 and len(y_true) and y_true.dtype.kind in "iub":
        # The fast path for the default metric: the same float as the scorer's.
        value = macro_f1(y_true, proba.argmax(axis=1))
    else:
        value = float(get_scorer(metric)(_FrozenProba(proba), proba, y_true))
    if np.isnan(value):
        # Why: scikit-learn only warns (ROC AUC of one class is NaN), and a NaN reward or
        # baseline would then poison the policy's training without an error.
        raise ValueError(f"metric={metric!r} is undefined on these labels (classes present: "
                         f"{np.unique(y_true).tolist()}); score a set holding every class, or "
                         "use a scorer such as 'f1_macro' or 'balanced_accuracy'")
    return value


def check_metric_multiclass(metric, name="metric"):
    """Return ``metric`` if it scores more than two classes, else raise a clear ``ValueError``.

    ``multiclass_choice="all-classes"`` judges every class's candidates with the multiclass
    classifier, so ``metric`` must take three or more classes; binary scorers (``"roc_auc"``,
    ``"f1"``, ``"precision"``) would fail only after the first class's training. Checked on
    three rows of three classes before any training.

    Examples
    --------
    >>> from mixann.metrics import check_metric_multiclass
    >>> check_metric_multiclass("f1_macro")
    'f1_macro'
    >>> try:
    ...     check_metric_multiclass("roc_auc")
    ... except ValueError as exc:
    ...     print(str(exc)[:51])
    metric='roc_auc' cannot score more than two classes
    """
    check_metric(metric)
    proba = np.array([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7]])
    try:
        score_proba(metric, proba, np.arange(3))
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"{name}={metric!r} cannot score more than two classes ({exc}); with "
            "multiclass_choice='all-classes' the multiclass classifier judges every class's "
            "candidates: use a multiclass scorer such as 'f1_macro', 'balanced_accuracy', "
            "'roc_auc_ovr' or 'neg_log_loss', or keep multiclass_choice='one-vs-rest'") from exc
    return metric
