"""AutoSMOTE (Zha et al., 2022): SMOTE whose decisions are learned by hierarchical RL."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import HasMethods, Interval

from .._output import returns_input_types
from ..multiclass import plain_label
from ..selection import keep_minority_in_validation
from .random import binary_labels, check_neighbours, resample_sections, reseed


def _softmax(logits):
    z = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def _draw(rng, probs):
    """One categorical draw per row of ``probs`` (inverse CDF, deterministic given ``rng``)."""
    u = rng.uniform(size=(len(probs), 1))
    return np.minimum((probs.cumsum(axis=1) < u).sum(axis=1), probs.shape[1] - 1)


def _allocate(total, weights):
    """Split the integer ``total`` proportionally to ``weights`` (largest remainder)."""
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=int)
    share = total * weights / weights.sum()
    counts = np.floor(share).astype(int)
    counts[np.argsort(-(share - counts), kind="stable")[: total - counts.sum()]] += 1
    return counts


class AutoSMOTE(BaseEstimator):
    """SMOTE with a hierarchical policy learned by REINFORCE on a validation reward.

    A small, CPU-friendly rendering of Zha et al., "Towards Automated Imbalanced Learning with
    Deep Hierarchical Reinforcement Learning" (CIKM 2022). ``fit_resample`` carves a stratified
    validation split (``validation_size``) from the data; synthetic samples are made from the
    training part's minority; the reward of a policy draw is the macro-F1 on the validation
    split of a clone of ``estimator`` fitted on training part ∪ synthetic samples.

    * **High level** (cross-instance): a softmax over tabular logits picks the over-sampling
      ratio ``rho`` from ``ratios`` (default {0, 0.1, ..., 1}); ``rho * (n_majority -
      n_minority)`` synthetic samples are made (on the training part). ``rho = 0`` is
      "no augmentation", so the policy can learn to leave the data alone.
    * **Low level** (instance-specific), linear softmax policies on a per-minority-instance state
      ``s_i`` = (1, share of majority among its 10 nearest training neighbours, distance to its
      k-th nearest minority neighbour / the median of those distances):
      a *count* level in {0, 1, 2, 3} per instance (the budget is split across instances in
      proportion to these levels, largest remainder); for each sample, *which* of the instance's
      ``k_neighbors`` nearest minority neighbours to interpolate with; and the *interpolation
      ratio* from ``gaps`` (default {0.1, 0.3, 0.5, 0.7, 0.9}): ``x = x_i + g (x_nn - x_i)``.
    * **Training**: ``n_iterations`` policy draws (episodes of one decision tree each). After
      each, every policy takes a REINFORCE step ``lr * A * grad log pi`` with advantage ``A`` =
      reward minus the mean of the earlier rewards (the first baseline is the no-augmentation
      score); low-level gradients are averaged over their decisions.
    * **Output**: the caller's whole ``X, y`` plus the synthetic set of the best-scoring draw on
      validation (ties: the earliest). Tiny minorities (< 5 samples) skip the split and use all
      data for both fitting and reward; fewer than 2 training minority samples give no samples.

    Parameters
    ----------
    estimator : classifier, default=None
        Cloned for each reward. Default ``KNeighborsClassifier(10)``.
    n_iterations : int >= 1, default=10
        Policy draws (``make_sampler`` uses 10 for ``budget="quick"``, 60 for ``"paper"``).
    k_neighbors : int >= 1, default=5
        Minority neighbours to choose from (capped by the training minority size - 1).
    ratios : sequence of float >= 0, default=None
        High-level choices; ``None`` = ``np.linspace(0, 1, 11)``.
    gaps : sequence of float in [0, 1], default=(0.1, 0.3, 0.5, 0.7, 0.9)
        Interpolation-ratio choices.
    learning_rate : float >= 0, default=2.0
        Policy-gradient step size.
    validation_size : float, default=0.2
        Share of the data used for the reward (stratified; the part always holds a minority row).
    validation_data : tuple (X_val, y_val), default=None
        An explicit validation set for the reward; then all of X is used for training.
    random_state : int, RandomState instance or None, default=None
        Seed; the same seed gives the same output. An estimator's own ``random_state``
        is replaced by one drawn from this seed, as scikit-learn's ensembles do, so
        that this one seed fixes the whole run.

    Attributes
    ----------
    synthetic_X_ : ndarray of shape (n_synthetic, n_features)
        The best draw's samples (appended after the input by :meth:`fit_resample`).
    baseline_score_ : float
        Validation macro-F1 without augmentation.
    best_iteration_ : int or None
        Index into ``history_`` of the returned draw.
    history_ : list of dict
        Per draw: ``ratio``, ``n_synthetic``, ``score``.

    Examples
    --------
    >>> from mixann.datasets import make_diverse_minorities
    >>> from mixann.baselines.autosmote import AutoSMOTE
    >>> X, y = make_diverse_minorities(n_samples=400, random_state=0)
    >>> sampler = AutoSMOTE(n_iterations=3, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> len(X_res) - len(X) == len(sampler.synthetic_X_), len(sampler.history_)
    (True, 3)
    """

    # Checked at each fit_resample (the choices' values by _choices): a bad value is named
    # with its range instead of failing deep inside numpy or the classifier.
    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_iterations": [Interval(numbers.Integral, 1, None, closed="left")],
        "k_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "ratios": ["array-like", None],
        "gaps": ["array-like"],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="left")],
        "validation_size": [Interval(numbers.Real, 0, 1, closed="neither")],
        "validation_data": [tuple, list, None],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, n_iterations=10, k_neighbors=5, ratios=None,
                 gaps=(0.1, 0.3, 0.5, 0.7, 0.9), learning_rate=2.0, validation_size=0.2,
                 validation_data=None, random_state=None):
        self.estimator = estimator
        self.n_iterations = n_iterations
        self.k_neighbors = k_neighbors
        self.ratios = ratios
        self.gaps = gaps
        self.learning_rate = learning_rate
        self.validation_size = validation_size
        self.validation_data = validation_data
        self.random_state = random_state

    def _score(self, X_fit, y_fit, X_val, y_val):
        # Fitted on minority-vs-rest codes 1/0, so any labels work with any classifier
        # (XGBoost refuses strings or {-1, 1}); a two-class macro-F1 is the same on codes.
        clf = clone(self._estimator).fit(X_fit, (np.asarray(y_fit) == self._minority).astype(int))
        return f1_score((np.asarray(y_val) == self._minority).astype(int), clf.predict(X_val),
                        average="macro", zero_division=0)

    @resample_sections
    @returns_input_types
    def fit_resample(self, X, y):
        """Return ``X, y`` followed by the synthetic minority samples of the best draw."""
        self._validate_params()
        X, y, is_min, minority, _ = binary_labels(X, y)
        self._minority = minority
        ratios, gaps = _choices(self.ratios, self.gaps)
        rng = check_random_state(self.random_state)
        self._estimator = reseed(clone(KNeighborsClassifier(10) if self.estimator is None
                                       else self.estimator), rng)
        split_seed = rng.randint(2**31 - 1)
        if self.validation_data is not None:
            # An explicit validation set (the benchmark gives the one MixAnN gets): train on all X.
            X_val, y_val = _checked_validation(self.validation_data, X, y, minority)
            X_tr, y_tr = X, y
        elif is_min.sum() >= 5:
            # Split row indexes (the same split as splitting X and y themselves).
            tr, va = train_test_split(np.arange(len(y)), test_size=self.validation_size,
                                      stratify=is_min, random_state=split_seed)
            # Else every reward scores one class and the "best" draw is noise.
            tr, va = keep_minority_in_validation(tr, va, is_min, split_seed)
            X_tr, X_val, y_tr, y_val = X[tr], X[va], y[tr], y[va]
        else:
            X_tr, X_val, y_tr, y_val = X, X, y, y
        check_neighbours(self._estimator, len(y_tr), "AutoSMOTE")
        X_min = X_tr[y_tr == minority]
        self.history_, self.best_iteration_ = [], None
        self.synthetic_X_ = np.empty((0, X.shape[1]))
        self.baseline_score_ = self._score(X_tr, y_tr, X_val, y_val)
        k = min(self.k_neighbors, len(X_min) - 1)
        if k < 1:
            return X, y

        # Per-instance state: bias, local danger, relative sparsity.
        neigh = NearestNeighbors(n_neighbors=k + 1).fit(X_min).kneighbors(X_min)
        dist, nn_idx = neigh[0][:, 1:], neigh[1][:, 1:]
        m = min(10, len(X_tr) - 1)
        around = NearestNeighbors(n_neighbors=m + 1).fit(X_tr).kneighbors(X_min, return_distance=False)
        danger = (y_tr[around[:, 1:]] != minority).mean(axis=1)
        sparsity = np.clip(dist[:, -1] / (np.median(dist[:, -1]) + 1e-12), 0, 5)
        S = np.column_stack([np.ones(len(X_min)), danger, sparsity])

        theta_h = np.zeros(len(ratios))
        W_count, W_nn, W_gap = (np.zeros((n, S.shape[1])) for n in (4, k, len(gaps)))
        gap_total = max(int((y_tr != minority).sum()) - len(X_min), 0)
        rewards, best_score, best_X = [self.baseline_score_], -np.inf, self.synthetic_X_
        for _ in range(self.n_iterations):
            pi_h = _softmax(theta_h)
            a_h = int(_draw(rng, pi_h[None])[0])
            pi_count = _softmax(S @ W_count.T)
            levels = _draw(rng, pi_count)
            per_instance = _allocate(int(round(ratios[a_h] * gap_total)), levels.astype(float))
            src = np.repeat(np.arange(len(X_min)), per_instance)
            pi_nn, pi_gap = _softmax(S[src] @ W_nn.T), _softmax(S[src] @ W_gap.T)
            a_nn, a_gap = _draw(rng, pi_nn), _draw(rng, pi_gap)
            partner = X_min[nn_idx[src, a_nn]]
            X_syn = X_min[src] + gaps[a_gap][:, None] * (partner - X_min[src])
            y_syn = np.full(len(X_syn), minority, dtype=y.dtype)
            score = self._score(np.vstack([X_tr, X_syn]), np.concatenate([y_tr, y_syn]), X_val, y_val)
            self.history_.append({"ratio": float(ratios[a_h]), "n_synthetic": len(X_syn),
                                  "score": float(score)})
            if score > best_score:
                best_score, best_X, self.best_iteration_ = score, X_syn, len(self.history_) - 1

            # REINFORCE: grad log softmax = onehot - pi (times the state for linear policies).
            advantage, lr = score - np.mean(rewards), self.learning_rate
            rewards.append(score)
            theta_h += lr * advantage * (np.eye(len(ratios))[a_h] - pi_h)
            W_count += lr * advantage * (np.eye(4)[levels] - pi_count).T @ S / len(S)
            if len(src):
                W_nn += lr * advantage * (np.eye(k)[a_nn] - pi_nn).T @ S[src] / len(src)
                W_gap += lr * advantage * (np.eye(len(gaps))[a_gap] - pi_gap).T @ S[src] / len(src)

        self.synthetic_X_ = best_X
        y_new = np.full(len(best_X), minority, dtype=y.dtype)
        return np.vstack([X, best_X]), np.concatenate([y, y_new])


def _choices(ratios, gaps):
    """``ratios`` (None: 0, 0.1, ..., 1) and ``gaps`` as float arrays, or a ValueError naming
    the parameter: empty choices leave nothing to draw, and a gap outside [0, 1] would put a
    sample beyond its two sources."""
    ratios = np.linspace(0, 1, 11) if ratios is None else np.asarray(ratios, dtype=float).ravel()
    gaps = np.asarray(gaps, dtype=float).ravel()
    if not len(ratios) or not np.all(np.isfinite(ratios)) or np.any(ratios < 0):
        raise ValueError(f"ratios must be a non-empty list of finite numbers >= 0 (shares of the "
                         f"class gap to generate), got {ratios.tolist()}")
    if not len(gaps) or np.any(~np.isfinite(gaps)) or np.any((gaps < 0) | (gaps > 1)):
        raise ValueError(f"gaps must be a non-empty list of numbers in [0, 1] (interpolation "
                         f"ratios), got {gaps.tolist()}")
    return ratios, gaps


def _checked_validation(validation_data, X, y, minority):
    """``validation_data`` as ``(X_val, y_val)`` arrays checked against the training data, as
    :class:`mixann.MixAnN` checks its own: otherwise every draw scores a constant reward."""
    if len(validation_data) != 2:
        raise ValueError("validation_data must be a pair (X_val, y_val)")
    X_val = check_array(validation_data[0], dtype=float)
    y_val = np.asarray(validation_data[1]).ravel()
    if X_val.shape[1] != X.shape[1]:
        raise ValueError(f"validation_data has {X_val.shape[1]} features, X has {X.shape[1]}")
    classes = np.unique(y)
    if len(y_val) != len(X_val) or not np.isin(y_val, classes).all():
        raise ValueError("validation_data labels must match X_val in length and use the "
                         f"classes of y {[plain_label(c) for c in classes]}")
    if not np.any(y_val == minority):
        raise ValueError(f"validation_data holds no row of the minority class "
                         f"{plain_label(minority)!r}; the "
                         "reward scores how well it is found: give a validation set with some")
    return X_val, y_val
