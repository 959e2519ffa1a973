"""The "w/o augmentation" row: a sampler that returns its input unchanged."""

from __future__ import annotations

import copy

from sklearn.base import BaseEstimator
from sklearn.utils import check_X_y


class NoAugmentation(BaseEstimator):
    """Returns ``(X, y)`` unchanged; lets the benchmark treat "none" like any sampler.

    The input is checked as the other samplers check it (numeric, finite, one label per row),
    then handed back as given, column types included (no synthetic row could be truncated),
    as copies: like every other sampler's output, editing it in place (scaling it, say) leaves
    the caller's X and y as they were.

    Examples
    --------
    >>> import pandas as pd
    >>> from mixann.baselines import NoAugmentation
    >>> X = pd.DataFrame({"count": [1, 2, 3]}); y = [0, 0, 1]
    >>> X_res, y_res = NoAugmentation().fit_resample(X, y)
    >>> X_res.equals(X), X_res is X, str(X_res["count"].dtype), y_res
    (True, False, 'int64', [0, 0, 1])
    """

    def fit_resample(self, X, y):
        """Check ``X, y`` and return copies of them.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric, finite features.
        y : array-like of shape (n_samples,)
            One label per row.

        Returns
        -------
        X_res, y_res : copies of ``X`` and ``y``, of the same types
        """
        check_X_y(X, y, dtype=float, y_numeric=False)
        return copy.deepcopy(X), copy.deepcopy(y)
