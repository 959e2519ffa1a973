"""How the classifier phi_t absorbs the synthetic samples of an episode.

An updater owns phi_t for one episode: :meth:`reset` returns to phi_0 (trained on the
training split only), :meth:`add` absorbs ``copies`` copies of one synthetic sample, and
:meth:`predict_proba` answers with P(y=0), P(y=1) columns. The environment only talks to
this interface, so a faster exact updater (incremental KNN) or an approximate one (warm
start) can replace :class:`RefitUpdater` without touching the MDP.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone

UPDATE_NAMES = ("auto", "refit")


class RefitUpdater:
    """The reference: refit a clone of ``estimator`` on train ∪ synthetic-so-far at every step.

    Works with any classifier that has ``fit`` and ``predict_proba``; each synthetic sample
    is repeated ``copies`` times (classifiers such as KNN take no sample weights).
    """

    name = "refit"

    def __init__(self, estimator, X_train, y_train):
        self.estimator = estimator
        self.X_train = np.asarray(X_train, dtype=float)
        self.y_train = np.asarray(y_train)
        self._base = clone(estimator).fit(self.X_train, self.y_train)
        self.reset()

    def reset(self):
        self._model = self._base
        self._syn_X, self._syn_y = [], []

    def add(self, x, y, copies):
        self._syn_X.append(np.repeat(np.asarray(x, dtype=float)[None], copies, axis=0))
        self._syn_y.append(np.full(copies, y, dtype=self.y_train.dtype))
        X = np.vstack([self.X_train, *self._syn_X])
        y = np.concatenate([self.y_train, *self._syn_y])
        self._model = clone(self.estimator).fit(X, y)

    def predict_proba(self, X):
        proba = self._model.predict_proba(X)
        # Order the columns as [P(y=0), P(y=1)] whatever order the estimator keeps.
        order = np.searchsorted(self._model.classes_, [0, 1])
        return np.asarray(proba)[:, order]


def make_updater(name, estimator, X_train, y_train):
    """Build the updater called ``name`` (``"refit"``; ``"auto"`` picks the fastest exact one)."""
    if name in ("auto", "refit"):
        return RefitUpdater(estimator, X_train, y_train)
    raise ValueError(f"update must be one of {UPDATE_NAMES}, got {name!r}")
