"""MixBoost (Kabra et al., 2020): mix-up of minority and majority samples, boosted by entropy."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.neighbors import KNeighborsClassifier
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval

from .._output import returns_input_types
from .random import binary_labels, check_neighbours, resample_sections, reseed


def prediction_entropy(proba):
    """Binary entropy (nats) of predicted probabilities ``proba`` of one class, in [0, log 2].

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.baselines.mixboost import prediction_entropy
    >>> np.round(prediction_entropy(np.array([0.0, 0.5, 1.0])), 4)
    array([0.    , 0.6931, 0.    ])
    """
    p = np.clip(np.asarray(proba, dtype=float), 1e-12, 1 - 1e-12)
    return -(p * np.log(p) + (1 - p) * np.log(1 - p))


class MixBoost(BaseEstimator):
    """MixBoost: iterative, entropy-guided mix-up of minority and majority samples.

    After Kabra et al., "MixBoost: Synthetic Oversampling with Boosted Mixup for Handling
    Extreme Imbalance" (2020), adapted to hard labels and any scikit-learn classifier:

    1. Fit a clone of ``estimator`` on the current data (the original data plus the synthetic
       samples of earlier rounds).
    2. Score every minority sample and up to ``max_candidates`` random majority samples with the
       classifier's prediction entropy ``H(p)``, ``p = P(minority | x)``. Sources are drawn with
       probability proportional to ``H + entropy_floor * log 2`` (the floor keeps every sample
       reachable when the classifier is certain everywhere): the "boost" step favours samples
       near the current decision boundary.
    3. For each of ``samples_per_round`` pairs (one minority source, one majority source, drawn
       independently), mix ``x = lam * x_min + (1 - lam) * x_maj`` with ``lam ~ Beta(alpha, beta)``.
       The defaults ``alpha=5, beta=2`` (mean 0.71) skew the mix towards the minority source.
    4. Label: scikit-learn classifiers need hard labels, so the original's soft label ``lam``
       becomes the minority when ``lam >= label_threshold`` (default 0.5), else the majority.
       With the defaults about 89% of the synthetic samples are minority; the rest are
       synthetic majority samples between the classes, which the MixAnN paper credits for
       MixBoost's gains on SMTP. ``label_threshold=0`` labels every sample minority.
    5. Repeat for ``n_rounds`` rounds. ``samples_per_round=None`` spreads the class gap
       (``n_majority - n_minority``) over the rounds, ceil(gap / n_rounds) each, so as many
       samples are made as plain oversampling to balance would, rounded up to a multiple of
       ``n_rounds`` (up to ``n_rounds - 1`` more: a gap of 5 over 20 rounds gives 20 rows).

    Parameters
    ----------
    estimator : classifier, default=None
        Guides the boost step; cloned, never modified. Default ``KNeighborsClassifier(10)``.
        Without ``predict_proba`` (e.g. ``SVC()``) every row is drawn with the same weight.
    n_rounds : int >= 1, default=5
        Mix/boost rounds (``make_sampler`` uses 5 for ``budget="quick"``, 20 for ``"paper"``).
    samples_per_round : int >= 1 or None, default=None
        Synthetic samples per round; ``None`` = ceil(gap / n_rounds).
    alpha, beta : float > 0, default=5.0, 2.0
        Parameters of the Beta distribution of the mixing ratio ``lam`` (weight of the minority).
    label_threshold : float in [0, 1], default=0.5
        ``lam`` at or above which a mixed sample is labelled minority.
    max_candidates : int >= 1, default=2000
        Majority samples scored per round (a random subset when there are more), for speed.
    entropy_floor : float >= 0, default=0.05
        Floor added to the entropy weights, as a share of the maximum entropy ``log 2``.
    random_state : int, RandomState instance or None, default=None
        Seed; the same seed gives the same output. An estimator's own ``random_state``
        is replaced by one drawn from this seed, as scikit-learn's ensembles do, so
        that this one seed fixes the whole run.

    Attributes
    ----------
    synthetic_X_ : ndarray of shape (n_synthetic, n_features)
    synthetic_y_ : ndarray of shape (n_synthetic,)
    lambdas_ : ndarray of shape (n_synthetic,)
        Mixing ratio of each synthetic sample.
    sources_ : ndarray of shape (n_synthetic, 2)
        Row indexes (minority, majority) of the mixed samples in the ``X`` given.

    Examples
    --------
    >>> from mixann.datasets import make_diverse_minorities
    >>> from mixann.baselines.mixboost import MixBoost
    >>> X, y = make_diverse_minorities(n_samples=400, random_state=0)
    >>> X_res, y_res = MixBoost(n_rounds=3, random_state=0).fit_resample(X, y)
    >>> len(X_res) - len(X)
    360
    """

    # Checked at each fit_resample: a bad value is named with its range instead of failing
    # deep inside numpy's Beta sampler or the classifier.
    _parameter_constraints = {
        # fit only: without predict_proba the draws are uniform (_weights), as before 1633a89.
        "estimator": [HasMethods(["fit"]), None],
        "n_rounds": [Interval(numbers.Integral, 1, None, closed="left")],
        "samples_per_round": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "alpha": [Interval(numbers.Real, 0, None, closed="neither")],
        "beta": [Interval(numbers.Real, 0, None, closed="neither")],
        "label_threshold": [Interval(numbers.Real, 0, 1, closed="both")],
        "max_candidates": [Interval(numbers.Integral, 1, None, closed="left")],
        "entropy_floor": [Interval(numbers.Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, n_rounds=5, samples_per_round=None, alpha=5.0, beta=2.0,
                 label_threshold=0.5, max_candidates=2000, entropy_floor=0.05, random_state=None):
        self.estimator = estimator
        self.n_rounds = n_rounds
        self.samples_per_round = samples_per_round
        self.alpha = alpha
        self.beta = beta
        self.label_threshold = label_threshold
        self.max_candidates = max_candidates
        self.entropy_floor = entropy_floor
        self.random_state = random_state

    def _weights(self, clf, X):
        """Sampling weights of the rows ``X``: prediction entropy plus a floor (``clf`` was
        fitted on minority-vs-rest codes, the minority 1)."""
        if hasattr(clf, "predict_proba"):
            column = list(clf.classes_).index(1)
            entropy = prediction_entropy(clf.predict_proba(X)[:, column])
        else:  # no probabilities: uniform draws
            entropy = np.zeros(len(X))
        weights = entropy + self.entropy_floor * np.log(2) + 1e-12
        return weights / weights.sum()

    @resample_sections
    @returns_input_types
    def fit_resample(self, X, y):
        """Return ``X, y`` followed by the synthetic samples of all rounds."""
        self._validate_params()
        X, y, is_min, minority, majority = binary_labels(X, y)
        rng = check_random_state(self.random_state)
        estimator = KNeighborsClassifier(10) if self.estimator is None else self.estimator
        min_rows, maj_rows = np.flatnonzero(is_min), np.flatnonzero(~is_min)
        per_round = self.samples_per_round
        if per_round is None:
            per_round = int(np.ceil(max(len(maj_rows) - len(min_rows), 0) / self.n_rounds))

        if per_round > 0:
            check_neighbours(estimator, len(y), "MixBoost")
        new_X, new_y, lambdas, sources = [], [], [], []
        for _ in range(self.n_rounds if per_round > 0 else 0):
            X_cur = np.vstack([X, *new_X]) if new_X else X
            y_cur = np.concatenate([y, *new_y]) if new_y else y
            clf = reseed(clone(estimator), rng)
            # Minority-vs-rest codes 1/0: any labels work with any classifier (XGBoost refuses
            # strings or {-1, 1}); the entropy is the same on codes.
            clf.fit(X_cur, (y_cur == minority).astype(int))
            candidates = maj_rows
            if len(candidates) > self.max_candidates:
                candidates = np.sort(rng.choice(maj_rows, self.max_candidates, replace=False))
            p_min = self._weights(clf, X[min_rows])
            p_maj = self._weights(clf, X[candidates])
            i = rng.choice(min_rows, size=per_round, p=p_min)
            j = rng.choice(candidates, size=per_round, p=p_maj)
            lam = rng.beta(self.alpha, self.beta, size=per_round)
            new_X.append(lam[:, None] * X[i] + (1 - lam[:, None]) * X[j])
            new_y.append(np.where(lam >= self.label_threshold, minority, majority).astype(y.dtype))
            lambdas.append(lam)
            sources.append(np.column_stack([i, j]))

        n_features = X.shape[1]
        self.synthetic_X_ = np.vstack(new_X) if new_X else np.empty((0, n_features))
        self.synthetic_y_ = np.concatenate(new_y) if new_y else np.empty(0, dtype=y.dtype)
        self.lambdas_ = np.concatenate(lambdas) if lambdas else np.empty(0)
        self.sources_ = np.vstack(sources).astype(int) if sources else np.empty((0, 2), dtype=int)
        return np.vstack([X, self.synthetic_X_]), np.concatenate([y, self.synthetic_y_])
