"""Shared helpers for the torch detectors: seeds from random_state, input checks and scaling."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from .threshold import anomaly_labels


def resolve_seed(random_state):
    """An int seed from ``random_state`` (int, RandomState or None, as in scikit-learn)."""
    if isinstance(random_state, (int, np.integer)):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def check_Xy(X, y=None):
    """Float32 2-D ``X`` and (if given) a 0/1 integer ``y`` of the same length."""
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values")
    if y is None:
        return X, None
    y = np.asarray(y).ravel()
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X and y differ in length: {X.shape[0]} vs {y.shape[0]}")
    return X, anomaly_labels(y)


class Standardizer:
    """Per-feature z-scoring fitted on the training data (constant features keep scale 1)."""

    def fit(self, X):
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0).astype(np.float32)
        return self

    def transform(self, X):
        return ((X - self.mean_) / self.scale_).astype(np.float32)
