"""Shared helpers for the torch detectors: seeding without touching global RNGs, input scaling."""

from __future__ import annotations

import contextlib

import numpy as np
import torch
from sklearn.utils import check_random_state

from .threshold import anomaly_labels


def resolve_seed(random_state):
    """An int seed from ``random_state`` (int, RandomState or None, as in scikit-learn)."""
    if isinstance(random_state, (int, np.integer)):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


@contextlib.contextmanager
def seeded_torch(seed, device="cpu"):
    """Seed torch inside ``torch.random.fork_rng`` so the caller's generator states are restored.

    The CPU generator is always seeded and forked; on a GPU (``cuda``, ``xpu``, ``mps``) the
    training device's generator too, and no other: ``torch.manual_seed`` would reseed every
    GPU's generator, including those the fork does not restore.
    """
    dev = torch.device(device)
    if dev.type == "cpu":
        fork = torch.random.fork_rng(devices=[])
    else:
        fork = torch.random.fork_rng(devices=[dev.index or 0], device_type=dev.type)
    with fork:
        torch.default_generator.manual_seed(seed)
        if dev.type == "mps":  # one device, no device context
            torch.mps.manual_seed(seed)
        elif dev.type != "cpu":
            backend = getattr(torch, dev.type)  # torch.cuda, torch.xpu
            with backend.device(dev.index or 0):
                backend.manual_seed(seed)  # the current device's generator only
        yield


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
