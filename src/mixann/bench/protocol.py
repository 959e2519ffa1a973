"""The benchmark protocol (paper Section 4.1; DESIGN.md "Benchmark protocol").

* :func:`split`: stratified 80/20 train/test, then 20% of the train part as validation
  (stratified), so the parts are 64% train / 16% validation / 20% test. MinMax scaling is fit
  on the 64% train part only and applied to validation and test.
* :func:`evaluate`: macro precision, recall and F1 on test (``zero_division=0``).
* :func:`budget_params`: MixAnN's compute budget per tier, and the K candidates it searches.

Budget tiers
------------
``paper``  E=30 episodes, T=50 steps, S=50 DDPG updates; K from {5, 10, 15, 20, 25} (the paper).
``quick``  E=8, T=20, S=20; K from {5, 15, 25} (a subset of the paper's grid, to stay fast).
``test``   E=2, T=5, S=2, 5 warm-up steps, batch 8; K from {5} only. For the test-suite only:
           its numbers mean nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

TEST_SIZE = 0.2
VALIDATION_SIZE = 0.2
# Rows of a class from which the stratified 64/16/20 split gives each part one of them.
MIN_ROWS_PER_CLASS = 4
_FIX = "add rows of that class or leave this dataset out"

BUDGETS = ("quick", "paper", "test")

_MIXANN_BUDGETS = {
    "paper": dict(n_episodes=30, max_steps_per_episode=50, ddpg_updates=50),
    "quick": dict(n_episodes=8, max_steps_per_episode=20, ddpg_updates=20),
    "test": dict(n_episodes=2, max_steps_per_episode=5, ddpg_updates=2, warmup_steps=5,
                 batch_size=8, hidden_sizes=(16, 16)),
}
_K_CANDIDATES = {
    "paper": (5, 10, 15, 20, 25),
    "quick": (5, 15, 25),
    "test": (5,),
}


@dataclass(frozen=True)
class Split:
    """The three scaled parts of one seed's split, plus the fitted scaler."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    scaler: MinMaxScaler

    def sizes(self):
        """Sizes and minority counts of the parts, for the run's recorded config."""
        return {part: {"n": int(len(y)), "n_minority": int(np.sum(y == 1))}
                for part, y in (("train", self.y_train), ("val", self.y_val),
                                ("test", self.y_test))}


def split(X, y, seed):
    """Stratified train/validation/test split of ``(X, y)`` with MinMax scaling fit on train.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    seed : int
        Seed of both stratified splits.

    Returns
    -------
    Split
        64% train, 16% validation, 20% test (rounded by scikit-learn), each stratified by y.

    Raises
    ------
    ValueError
        If a class has too few rows for every part to hold one (fewer than 4).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    check_class_sizes(y)
    X_tr, X_test, y_tr, y_test = train_test_split(X, y, test_size=TEST_SIZE, stratify=y,
                                                  random_state=seed)
    X_train, X_val, y_train, y_val = train_test_split(X_tr, y_tr, test_size=VALIDATION_SIZE,
                                                      stratify=y_tr, random_state=seed)
    _check_parts_hold_every_class(y, {"train": y_train, "validation": y_val, "test": y_test})
    # Arrays out, whatever sklearn.set_config(transform_output=...) says.
    scaler = MinMaxScaler().set_output(transform="default").fit(X_train)
    return Split(scaler.transform(X_train), y_train, scaler.transform(X_val), y_val,
                 scaler.transform(X_test), y_test, scaler)


def check_class_sizes(y):
    """Raise ``ValueError`` if a class of ``y`` has too few rows for :func:`split`.

    Macro-F1 on a test part without anomalies scores only the majority (a silent wrong figure),
    and a validation part without them gives MixAnN's reward nothing to find. Stratification
    puts a row of a class into each part from 4 rows of it on (64/16/20 %).
    """
    from ..multiclass import plain_label

    classes, counts = np.unique(np.asarray(y), return_counts=True)
    few = counts < MIN_ROWS_PER_CLASS
    if few.any():
        label, n = plain_label(classes[few][0]), int(counts[few][0])
        raise ValueError(
            f"class {label!r} has only {n} row{'s' if n != 1 else ''}: the bench's stratified "
            f"64/16/20 split needs at least {MIN_ROWS_PER_CLASS} rows of every class, so that "
            f"validation and test each hold one; {_FIX}")


def _check_parts_hold_every_class(y, parts):
    """After the split: refuse a part that still misses a class (the split's rounding)."""
    from ..multiclass import plain_label

    for part, y_part in parts.items():
        missing = np.setdiff1d(np.unique(y), y_part)
        if len(missing):
            raise ValueError(f"the {part} part of the bench's split holds no row of class "
                             f"{plain_label(missing[0])!r} (the rounding of the stratified "
                             f"split); {_FIX}")


def evaluate(y_true, y_pred):
    """Macro precision, recall and F1 (``zero_division=0``) as a dict of floats."""
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average="macro", zero_division=0)
    return {"precision": float(p), "recall": float(r), "f1": float(f)}


def budget_params(budget):
    """MixAnN keyword arguments of a budget tier (``quick``, ``paper`` or ``test``)."""
    if budget not in _MIXANN_BUDGETS:
        raise ValueError(f"unknown budget {budget!r}; choose one of {', '.join(BUDGETS)}")
    return dict(_MIXANN_BUDGETS[budget])


def k_candidates(budget):
    """The K (max_neighbors) values MixAnN's validation search tries under ``budget``."""
    if budget not in _K_CANDIDATES:
        raise ValueError(f"unknown budget {budget!r}; choose one of {', '.join(BUDGETS)}")
    return tuple(_K_CANDIDATES[budget])
