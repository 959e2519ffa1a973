"""The "w/o augmentation" row: a sampler that returns its input unchanged."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator


class NoAugmentation(BaseEstimator):
    """Returns ``(X, y)`` unchanged; lets the benchmark treat "none" like any sampler."""

    def fit_resample(self, X, y):
        return np.asarray(X), np.asarray(y)
