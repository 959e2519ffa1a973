"""The iterative mix-up MDP of Section 3.3.

* State: ``s_t = (x0, x1)``, two training points of different labels, standardised and
  concatenated. The first ``x0`` of an episode is a random training point; ``x1`` is always
  the nearest training point whose label differs from ``x0``'s. Optionally (``state_proba``,
  the issue's "model-aware state") three more inputs: the un-augmented classifier's
  P(minority) at x0 and at x1 and their distance (:func:`model_features`).
* Step: decode the action (k, alpha, n, eps); mix (Eq. 1, Eq. 2); the classifier absorbs n
  copies; reward from the validation metric (Eq. 5) and the uncertainty around ``x_syn``
  (Eq. 6); next ``x0`` drawn uniformly among the k nearest training points of ``x_syn``.
* Termination: ``eps >= 0.5`` or ``max_steps`` steps, so no policy can loop forever.

Neighbour indexes over the training split are built once (Algorithm 1, line 4). Mixing
happens in the caller's feature space, which is also where neighbours are measured (the
space the classifier sees); only the networks see standardised inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from .ddpg import scale_action
from .metrics import score_proba
from .mixup import mix_pair
from .neighbour_index import NeighbourIndex
from .reward import step_reward, uncertainty
from .selection import _proba  # [P(y=0), P(y=1)] whatever order the estimator keeps


def state_width(n_features, model_aware):
    """Inputs of the actor: two standardised points, plus 3 with the model-aware state.

    Examples
    --------
    >>> from mixann.env import state_width
    >>> state_width(6, False), state_width(6, True)
    (12, 15)
    """
    return 2 * int(n_features) + (3 if model_aware else 0)


def in_sample_proba(estimator, X, y):
    """P(minority) of every row of ``X`` under a clone of ``estimator`` fitted on ``(X, y)``.

    The model-aware state's view of "where the classifier is unsure": in-sample, because the
    rollout must compute it on whatever data it is given, the same way as in training.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from mixann.env import in_sample_proba
    >>> X = np.array([[0.0], [1.0], [2.0], [10.0]]); y = np.array([0, 0, 1, 1])
    >>> in_sample_proba(KNeighborsClassifier(n_neighbors=2), X, y).tolist()
    [0.0, 0.0, 0.5, 1.0]
    """
    return _proba(clone(estimator).fit(X, y), X)[:, 1].astype(float)


def model_features(Z, proba, i0, i1):
    """The model-aware part of the state: ``(P(minority) at x0, at x1, distance)`` per pair.

    Parameters
    ----------
    Z : ndarray of shape (n, d)
        The standardised rows (the networks' inputs).
    proba : ndarray of shape (n,)
        P(minority) of each row under the un-augmented classifier.
    i0, i1 : array of int, shape (m,)
        The rows of ``x0`` and ``x1`` of each pair.

    Returns
    -------
    ndarray of shape (m, 3), float32
        The two probabilities and ``||Z[i0] - Z[i1]|| / sqrt(d)``: the Euclidean distance
        per feature, so its scale does not grow with the width of the data.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.env import model_features
    >>> Z = np.array([[0.0, 0.0], [3.0, 4.0]]); p = np.array([0.2, 0.9])
    >>> model_features(Z, p, [0], [1]).astype(float).round(4).tolist()  # 5 / sqrt(2)
    [[0.2, 0.9, 3.5355]]
    """
    # Index before converting: this runs at every step of training, and Z can be wide.
    Z, proba = np.asarray(Z), np.asarray(proba, dtype=float)
    i0, i1 = np.asarray(i0, dtype=np.intp), np.asarray(i1, dtype=np.intp)
    gap = np.asarray(Z[i0], dtype=float) - Z[i1]
    distance = np.linalg.norm(gap, axis=1) / np.sqrt(Z.shape[1])
    return np.column_stack([proba[i0], proba[i1], distance]).astype(np.float32)


def nearest_opposite(X, y):
    """For each row of ``X``, the index of the nearest row with the other label.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.env import nearest_opposite
    >>> nearest_opposite(np.array([[0.0], [1.0], [5.0], [9.0]]), np.array([0, 0, 1, 1]))
    array([2, 2, 1, 1])
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    out = np.empty(len(X), dtype=np.intp)
    for label in np.unique(y):
        own, other = np.flatnonzero(y == label), np.flatnonzero(y != label)
        _, pos = NearestNeighbors(n_neighbors=1).fit(X[other]).kneighbors(X[own])
        out[own] = other[pos[:, 0]]
    return out


@dataclass
class Episode:
    """The synthetic samples of one episode, one row per distinct sample (with its copies)."""

    X: list = field(default_factory=list)
    y: list = field(default_factory=list)
    copies: list = field(default_factory=list)
    sources: list = field(default_factory=list)  # (i0, i1) training-split indices
    alpha: list = field(default_factory=list)

    def extend(self, other):
        """Append every sample of ``other`` (used to keep episodes across the run)."""
        for name in ("X", "y", "copies", "sources", "alpha"):
            getattr(self, name).extend(getattr(other, name))

    def grown(self, X_train, y_train):
        """The training data followed by each sample repeated ``copies`` times."""
        if not self.X:
            return X_train, y_train
        copies = np.asarray(self.copies)
        return (np.vstack([X_train, np.repeat(np.asarray(self.X), copies, axis=0)]),
                np.concatenate([y_train, np.repeat(np.asarray(self.y), copies)]))


@dataclass(frozen=True)
class StepInfo:
    k: int
    alpha: float
    n: int
    eps: float
    reward: float
    delta_metric: float
    confidence: float
    metric: float


class MixUpEnv:
    """The MDP over a training split, scored on a validation split.

    Parameters
    ----------
    X_train, y_train : ndarray
        Training split; labels in {0, 1} (1 = minority).
    X_val, y_val : ndarray
        Validation split for the metric M.
    updater : object
        Owns the classifier phi_t (see :mod:`mixann.updaters`); built on this training split
        and these validation rows, it answers ``proba_validation()`` and
        ``proba_training(indices)`` (row indices into ``X_train``).
    metric : str
        scikit-learn scorer name for M (the episode's score, ``StepInfo.metric``).
    baseline : MovingBaseline
        The window of recent reward-metric values behind Eq. 5 (shared across episodes).
    rng : numpy.random.Generator
        All randomness of the transitions.
    max_neighbors, max_oversample, eta, reward_scale, reward_kind, max_steps
        See :class:`mixann.MixAnN`.
    mix_kind : {"paper", "boundary"}
        How a step mixes (:func:`mixann.mixup.mix_pair`): Eq. 1-2 (paper preset) or
        :func:`mixann.mixup.minority_mix` (default preset).
    state_proba : ndarray of shape (n_train,) or None
        P(minority) of every training row under the un-augmented classifier: when given,
        the state gains :func:`model_features` (3 inputs) after ``(x0, x1)``.
    reward_metric : str or None
        Scorer behind the reward's Eq. 5 (None: ``metric``). A smoother one than macro-F1
        (e.g. ``"neg_brier_score"``) moves with every changed validation probability, not
        only with changed predictions.
    """

    def __init__(self, X_train, y_train, X_val, y_val, *, updater, metric, baseline, rng,
                 max_neighbors, max_oversample, eta, reward_scale, reward_kind, max_steps,
                 mix_kind="paper", state_proba=None, reward_metric=None):
        self.X_train = np.asarray(X_train, dtype=float)
        self.y_train = np.asarray(y_train)
        self.X_val, self.y_val = np.asarray(X_val, dtype=float), np.asarray(y_val)
        self.updater, self.metric, self.baseline, self.rng = updater, metric, baseline, rng
        self.reward_metric = reward_metric or metric
        # The "random" ablation draws its rewards from its own generator, so every reward kind
        # walks the same pairs until the rewards (hence the learned actions) differ.
        self._reward_rng = np.random.default_rng(int(rng.integers(2**63)))
        self.max_neighbors, self.max_oversample = max_neighbors, max_oversample
        self.eta, self.reward_scale, self.reward_kind = eta, reward_scale, reward_kind
        self.max_steps, self.mix_kind = max_steps, mix_kind
        # The networks' input standardisation; numpy out whatever sklearn.set_config's
        # transform_output says (a DataFrame would be indexed by column, not by row).
        self.scaler = StandardScaler().set_output(transform="default").fit(self.X_train)
        self._z = self.scaler.transform(self.X_train).astype(np.float32)
        self._neighbours = NeighbourIndex(self.X_train, max_neighbors)
        self._opposite = nearest_opposite(self.X_train, self.y_train)
        self.state_proba = None if state_proba is None else np.asarray(state_proba, dtype=float)
        if self.state_proba is not None and self.state_proba.shape != (len(self.X_train),):
            raise ValueError(f"state_proba must hold one probability per training row "
                             f"({len(self.X_train)}), got shape {self.state_proba.shape}")
        self.state_dim = state_width(self.X_train.shape[1], self.state_proba is not None)
        self._last_score = None  # (validation probabilities, scores) of the last scored step

    def _score(self, proba_val):
        """``(M, reward metric)`` of phi_t on validation; reused when the probabilities did not
        change (an added sample often moves no validation row of a KNN): saves the scorers."""
        last = self._last_score
        if last is not None and np.array_equal(last[0], proba_val):
            return last[1]
        value = score_proba(self.metric, proba_val, self.y_val)
        reward_value = (value if self.reward_metric == self.metric
                        else score_proba(self.reward_metric, proba_val, self.y_val))
        self._last_score = (np.array(proba_val, copy=True), (value, reward_value))
        return value, reward_value

    def state(self):
        pair = np.concatenate([self._z[self.i0], self._z[self.i1]])
        if self.state_proba is None:
            return pair
        extra = model_features(self._z, self.state_proba, [self.i0], [self.i1])[0]
        return np.concatenate([pair, extra])

    def reset(self):
        """Start an episode from the original data and a random first pair."""
        self.updater.reset()
        self.episode = Episode()
        self.t = 0
        self.i0 = int(self.rng.integers(len(self.X_train)))
        self.i1 = int(self._opposite[self.i0])
        return self.state()

    def step(self, unit_action):
        """Apply one unit action in [0, 1]^4.

        Returns ``(next_state, reward, done, terminated, info)``: ``done`` ends the episode,
        ``terminated`` says the policy chose to end it (eps >= 0.5) rather than the step cap.
        """
        a = scale_action(unit_action, self.max_neighbors, self.max_oversample)
        y0, y1 = self.y_train[self.i0], self.y_train[self.i1]
        x_syn, y_syn, weight, first = mix_pair(self.mix_kind, self.X_train[self.i0], y0,
                                               self.X_train[self.i1], y1, a.alpha, self.eta)
        y_syn, weight = int(y_syn), float(weight)
        sources = (self.i0, self.i1) if first else (self.i1, self.i0)
        self.updater.add(x_syn, y_syn, a.n)
        ep = self.episode
        ep.X.append(x_syn), ep.y.append(y_syn), ep.copies.append(a.n)
        ep.sources.append(sources), ep.alpha.append(weight)

        neighbors = self._neighbours.query(x_syn[None], a.k)[0]
        # The updater answers by row: the validation rows (the same every step) and the
        # training rows around x_syn, so an incremental updater needs no full query.
        metric_value, reward_value = self._score(self.updater.proba_validation())
        delta = self.baseline.improvement(reward_value)
        self.baseline.push(reward_value)
        confidence = uncertainty(self.updater.proba_training(neighbors))
        reward = step_reward(self.reward_kind, metric_value=reward_value, delta_metric=delta,
                             confidence=confidence, scale=self.reward_scale, rng=self._reward_rng)

        self.i0 = int(neighbors[self.rng.integers(len(neighbors))])
        self.i1 = int(self._opposite[self.i0])
        self.t += 1
        terminated = a.eps >= 0.5
        done = terminated or self.t >= self.max_steps
        info = StepInfo(k=a.k, alpha=a.alpha, n=a.n, eps=a.eps, reward=reward,
                        delta_metric=delta, confidence=confidence, metric=metric_value)
        return self.state(), reward, done, terminated, info
