"""The paper's "Random" baseline: synthetic anomalies are averages of two random anomalies."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state, check_X_y

from .._output import returns_input_types
from ..classifiers import fewer_neighbours, random_state_params


#: The Parameters and Returns sections every horizontal baseline's ``fit_resample`` shares.
RESAMPLE_SECTIONS = """

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric, finite features (a DataFrame comes back as one).
        y : array-like of shape (n_samples,)
            Two classes; the less frequent one is the minority.

        Returns
        -------
        X_res : array-like of shape (n_samples + n_synthetic, n_features)
            ``X`` first, then the synthetic rows.
        y_res : array-like of shape (n_samples + n_synthetic,)
            ``y`` first, then the synthetic rows' labels.
        """


def resample_sections(fit_resample):
    """Append :data:`RESAMPLE_SECTIONS` to a baseline's one-line ``fit_resample`` docstring."""
    fit_resample.__doc__ = fit_resample.__doc__.rstrip() + RESAMPLE_SECTIONS
    return fit_resample


def binary_labels(X, y):
    """Validate ``(X, y)`` for a two-class problem and find the minority.

    Returns ``X`` (float ndarray), ``y`` (ndarray, caller's labels), ``is_min`` (bool mask of
    the minority = less frequent class; on a tie, the class sorted last), the minority label and
    the majority label. Shared by the horizontal baselines.
    """
    X, y = check_X_y(X, y, dtype=float, y_numeric=False)
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) != 2:
        raise ValueError(f"expected two classes, got {len(classes)} ({classes.tolist()[:5]}); these "
                         "samplers are for binary (normal vs. anomaly) data")
    minority_idx = 1 if counts[1] <= counts[0] else 0
    minority, majority = classes[minority_idx], classes[1 - minority_idx]
    return X, y, y == minority, minority, majority


def check_neighbours(estimator, n_rows, who):
    """Refuse a KNN ``estimator`` whose ``n_neighbors`` exceeds the ``n_rows`` it is fitted on.

    Why: scikit-learn's own error ("Expected n_neighbors <= n_samples_fit") names neither the
    sampler nor a fix, and on tiny data the default ``KNeighborsClassifier(10)`` meets it.
    Estimators without an ``n_neighbors`` (or a pipeline around a KNN) are left to their own
    errors.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from mixann.baselines.random import check_neighbours
    >>> check_neighbours(KNeighborsClassifier(10), 9, "AutoSMOTE")
    Traceback (most recent call last):
    ...
    ValueError: AutoSMOTE fits its estimator on 9 rows, fewer than its n_neighbors=10; give more rows, or pass estimator=KNeighborsClassifier(n_neighbors=8)
    """
    k = getattr(estimator, "n_neighbors", None)
    if isinstance(k, numbers.Integral) and not isinstance(k, bool) and k > n_rows:
        raise ValueError(f"{who} fits its estimator on {n_rows} rows, fewer than its "
                         f"n_neighbors={k}; give more rows, or pass "
                         f"{fewer_neighbours(int(k), n_rows)}")


def reseed(estimator, rng):
    """``estimator`` with every ``random_state`` parameter, nested ones included (a pipeline's
    ``clf__random_state``), set to one seed drawn from ``rng``; no draw when it has none.

    Why: MixBoost and AutoSMOTE replace their estimator's seed, as scikit-learn's ensembles do,
    so that their own ``random_state`` fixes the whole run; an unseeded forest inside a
    pipeline would otherwise make two runs with the same seed differ. One draw, whatever the
    number of parameters, so an estimator with a top-level seed only draws as it always did.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from mixann.baselines.random import reseed
    >>> pipe = reseed(make_pipeline(StandardScaler(), RandomForestClassifier()),
    ...               np.random.RandomState(0))
    >>> pipe[-1].random_state == np.random.RandomState(0).randint(2**31 - 1)
    True
    """
    names = random_state_params(estimator)
    if names:
        seed = rng.randint(2**31 - 1)
        estimator.set_params(**dict.fromkeys(names, seed))
    return estimator


class RandomMix(BaseEstimator):
    """Oversample by averaging two random distinct minority samples until the classes are balanced.

    This is the "Random" row of the paper's Table 2: each synthetic anomaly is
    ``(x_i + x_j) / 2`` for two distinct minority samples ``i != j`` drawn uniformly
    (with replacement across synthetic samples), labelled as the minority.

    Parameters
    ----------
    random_state : int, RandomState instance or None, default=None
        Seed of the pair draws.

    Attributes
    ----------
    synthetic_X_ : ndarray of shape (n_synthetic, n_features)
        The generated samples (appended after the original ones by :meth:`fit_resample`).
    pairs_ : ndarray of shape (n_synthetic, 2)
        Row indexes (into the ``X`` given) of the two samples averaged for each synthetic one.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.baselines.random import RandomMix
    >>> X = np.arange(20.0).reshape(10, 2); y = np.array([0] * 7 + [1] * 3)
    >>> X_res, y_res = RandomMix(random_state=0).fit_resample(X, y)
    >>> X_res.shape, int((y_res == 1).sum())
    ((14, 2), 7)
    """

    def __init__(self, random_state=None):
        self.random_state = random_state

    @resample_sections
    @returns_input_types
    def fit_resample(self, X, y):
        """Return ``X, y`` followed by the synthetic minority samples."""
        X, y, is_min, minority, _ = binary_labels(X, y)
        rng = check_random_state(self.random_state)
        minority_rows = np.flatnonzero(is_min)
        n_new = len(y) - 2 * len(minority_rows)
        if n_new > 0 and len(minority_rows) < 2:
            raise ValueError("RandomMix needs at least 2 minority samples to average")
        i = rng.randint(0, len(minority_rows), size=max(n_new, 0))
        j = rng.randint(0, max(len(minority_rows) - 1, 1), size=max(n_new, 0))
        j = j + (j >= i)  # a uniform draw among the other minority samples: j != i
        self.pairs_ = np.column_stack([minority_rows[i], minority_rows[j]]).astype(int)
        self.synthetic_X_ = (X[self.pairs_[:, 0]] + X[self.pairs_[:, 1]]) / 2.0
        y_new = np.full(len(self.synthetic_X_), minority, dtype=y.dtype)
        return np.vstack([X, self.synthetic_X_]), np.concatenate([y, y_new])
