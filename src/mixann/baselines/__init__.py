"""Horizontal baselines: each is a sampler with ``fit_resample(X, y)``.

:func:`make_sampler` builds one by name, so the benchmark treats every method alike.
"""

from __future__ import annotations

from imblearn.over_sampling import ADASYN, SMOTE, SVMSMOTE, BorderlineSMOTE

from .none import NoAugmentation

BASELINE_NAMES = ("none", "smote", "borderline-smote", "svm-smote", "adasyn")


def _k_neighbors(y, wanted=5):
    """SMOTE's k capped by the minority size, so tiny minorities (smtp) still work."""
    import numpy as np

    _, counts = np.unique(y, return_counts=True)
    return max(1, min(wanted, int(counts.min()) - 1))


def make_sampler(method, *, estimator=None, random_state=0, y=None, budget="quick"):
    """Build the sampler called ``method``.

    Parameters
    ----------
    method : str
        One of :data:`BASELINE_NAMES`.
    estimator : classifier, default=None
        The classifier the augmentation is for (used by the learned baselines).
    random_state : int
        Seed.
    y : array-like, default=None
        Training labels, to cap neighbourhood sizes by the minority size.
    budget : {"quick", "paper"}
        Compute budget for the learned baselines.
    """
    k = _k_neighbors(y) if y is not None else 5
    if method == "none":
        return NoAugmentation()
    if method == "smote":
        return SMOTE(k_neighbors=k, random_state=random_state)
    if method == "borderline-smote":
        return BorderlineSMOTE(k_neighbors=k, m_neighbors=max(k, 10), random_state=random_state)
    if method == "svm-smote":
        return SVMSMOTE(k_neighbors=k, m_neighbors=max(k, 10), random_state=random_state)
    if method == "adasyn":
        return ADASYN(n_neighbors=k, random_state=random_state)
    raise ValueError(f"unknown method {method!r}; choose one of {', '.join(BASELINE_NAMES)}")
