"""The "w/o augmentation" row: a sampler that returns its input unchanged."""

from __future__ import annotations

from sklearn.base import BaseEstimator
from sklearn.utils import check_X_y


class NoAugmentation(BaseEstimator):
    """Returns ``(X, y)`` unchanged; lets the benchmark treat "none" like any sampler.

    The input is checked as the other samplers check it (numeric, finite, one label per row),
    then handed back as given: the same objects, column types included, since no synthetic row
    could be truncated.

    Examples
    --------
    >>> import pandas as pd
    >>> from mixann.baselines import NoAugmentation
    >>> X = pd.DataFrame({"count": [1, 2, 3]}); y = [0, 0, 1]
    >>> X_res, y_res = NoAugmentation().fit_resample(X, y)
    >>> X_res is X, str(X_res["count"].dtype), y_res
    (True, 'int64', [0, 0, 1])
    """

    def fit_resample(self, X, y):
        check_X_y(X, y, dtype=float, y_numeric=False)
        return X, y
