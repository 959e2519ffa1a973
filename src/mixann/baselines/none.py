"""The "w/o augmentation" row: a sampler that returns its input unchanged."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator

from .._output import returns_input_types


class NoAugmentation(BaseEstimator):
    """Returns ``(X, y)`` unchanged; lets the benchmark treat "none" like any sampler."""

    @returns_input_types
    def fit_resample(self, X, y):
        return np.asarray(X), np.asarray(y)
