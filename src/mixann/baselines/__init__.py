"""Horizontal baselines: each is a sampler with ``fit_resample(X, y)``.

:func:`make_sampler` builds one by name, so the benchmark treats every method alike.
"""

from __future__ import annotations

import numpy as np
from imblearn.over_sampling import ADASYN, SMOTE, SVMSMOTE, BorderlineSMOTE

from .autosmote import AutoSMOTE
from .mixboost import MixBoost
from .none import NoAugmentation
from .random import RandomMix

BASELINE_NAMES = ("none", "random", "smote", "borderline-smote", "svm-smote", "adasyn", "mixboost",
                  "autosmote")

#: Compute budgets of the learned baselines: MixBoost rounds, AutoSMOTE policy draws.
BUDGETS = {"quick": {"mixboost": 5, "autosmote": 10}, "paper": {"mixboost": 20, "autosmote": 60},
           "test": {"mixboost": 2, "autosmote": 3}}


def _k_neighbors(y, wanted=5):
    """SMOTE's k capped by the minority size, so tiny minorities (smtp) still work."""
    _, counts = np.unique(y, return_counts=True)
    return max(1, min(wanted, int(counts.min()) - 1))


#: The baselines that mix a minority row with its minority neighbours (SMOTE's family).
_NEIGHBOUR_METHODS = ("smote", "borderline-smote", "svm-smote", "adasyn", "autosmote")


def make_sampler(method, *, estimator=None, random_state=0, y=None, budget="quick",
                 validation_data=None):
    """Build the sampler called ``method``.

    Parameters
    ----------
    method : str
        One of :data:`BASELINE_NAMES`.
    estimator : classifier, default=None
        The classifier the augmentation is for (cloned by the learned baselines, MixBoost and
        AutoSMOTE; ``None`` = ``KNeighborsClassifier(10)``).
    random_state : int, default=0
        Seed.
    y : array-like, default=None
        Training labels, to cap neighbourhood sizes by the minority size.
    budget : {"quick", "paper", "test"}, default="quick"
        Compute budget for the learned baselines (see :data:`BUDGETS`).
    validation_data : tuple (X_val, y_val), default=None
        The validation set a tuning baseline (AutoSMOTE) scores on; the others ignore it.

    Returns
    -------
    sampler : object
        An unfitted sampler with ``fit_resample(X, y) -> (X_res, y_res)``: imbalanced-learn's
        own class for the SMOTE family, :class:`NoAugmentation`, :class:`RandomMix`,
        :class:`MixBoost` or :class:`AutoSMOTE`.

    Raises
    ------
    ValueError
        For an unknown ``method`` or ``budget`` (the message lists the valid names), and for
        a method of SMOTE's family (``smote``, ``borderline-smote``, ``svm-smote``,
        ``adasyn``, ``autosmote``) given a ``y`` with a class of one row (the message names
        the class and the methods that can serve it).

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.baselines import make_sampler
    >>> from mixann.datasets import make_diverse_minorities
    >>> X, y = make_diverse_minorities(n_samples=300, random_state=0)
    >>> np.bincount(y).tolist()
    [285, 15]
    >>> X_res, y_res = make_sampler("smote", y=y, random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()   # SMOTE balances the classes
    [285, 285]
    >>> X_res, y_res = make_sampler("none").fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [285, 15]
    >>> make_sampler("smote-nc")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: unknown method 'smote-nc'; choose one of none, random, smote, ..., autosmote
    """
    if budget not in BUDGETS:
        raise ValueError(f"unknown budget {budget!r}; choose one of {', '.join(BUDGETS)}")
    k = _k_neighbors(y) if y is not None else 5
    if method in _NEIGHBOUR_METHODS and y is not None:
        labels, counts = np.unique(np.asarray(y), return_counts=True)
        if len(counts) > 1 and counts.min() < 2:  # else sklearn's "n_neighbors <= n_samples_fit"
            # Not 'random': it averages two minority rows, so it refuses one row too.
            raise ValueError(f"{method} interpolates between a minority row and its neighbours; "
                             f"the class {labels[counts.argmin()].tolist()!r} of y has 1 row: give at "
                             "least 2, or use 'mixboost' (it mixes with majority rows) or 'none'")
    if method == "none":
        return NoAugmentation()
    if method == "random":
        return RandomMix(random_state=random_state)
    if method == "smote":
        return SMOTE(k_neighbors=k, random_state=random_state)
    if method == "borderline-smote":
        return BorderlineSMOTE(k_neighbors=k, m_neighbors=max(k, 10), random_state=random_state)
    if method == "svm-smote":
        return SVMSMOTE(k_neighbors=k, m_neighbors=max(k, 10), random_state=random_state)
    if method == "adasyn":
        return ADASYN(n_neighbors=k, random_state=random_state)
    if method == "mixboost":
        return MixBoost(estimator=estimator, n_rounds=BUDGETS[budget]["mixboost"],
                        random_state=random_state)
    if method == "autosmote":
        return AutoSMOTE(estimator=estimator, n_iterations=BUDGETS[budget]["autosmote"], k_neighbors=k,
                         validation_data=validation_data, random_state=random_state)
    raise ValueError(f"unknown method {method!r}; choose one of {', '.join(BASELINE_NAMES)}")
