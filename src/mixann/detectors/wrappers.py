"""One constructor for the paper's label-informed detectors (Table 3): XGBOD, DevNet, DeepSAD.

Every detector returned by :func:`make_detector` has ``fit(X, y)`` (``y``: 1 = anomaly) and
``decision_function(X)`` (higher = more anomalous).

Budgets (``budget=``):

* ``"test"``: tiny, for unit tests (well under a second of training on a few hundred samples);
* ``"quick"``: a few seconds on vowels (1456 x 12);
* ``"paper"``: the reference settings: pyod's full XGBOD detector bank (53 detectors), DevNet's
  reference schedule (50 epochs x 20 batches of 512), Deep SAD's 150 epochs.
"""

from __future__ import annotations

import warnings

import numpy as np

from .deepsad import DeepSAD
from .devnet import DevNet
from .threshold import anomaly_labels

DETECTOR_NAMES = ("xgbod", "devnet", "deepsad")
BUDGETS = ("test", "quick", "paper")

_DEVNET_BUDGETS = {
    "test": dict(epochs=2, n_batches=5, batch_size=64),
    "quick": dict(epochs=20, n_batches=20, batch_size=256),
    "paper": dict(epochs=50, n_batches=20, batch_size=512),
}
_DEEPSAD_BUDGETS = {
    "test": dict(epochs=3, batch_size=64),
    "quick": dict(epochs=30, batch_size=128),
    "paper": dict(epochs=150, batch_size=128),
}
_XGBOD_N_ESTIMATORS = {"test": 20, "quick": 100, "paper": 100}


def _xgbod_bank(budget, n_samples, random_state):
    """Unsupervised detectors whose scores XGBOD appends as features, with standardisation flags.

    ``None`` (budget "paper") lets XGBOD build its own default bank.
    """
    from pyod.models.hbos import HBOS
    from pyod.models.iforest import IForest
    from pyod.models.knn import KNN
    from pyod.models.lof import LOF

    if budget == "paper":
        return None, None
    if budget == "test":
        # No HBOS here: its numba kernels take seconds to compile on first use.
        ks_knn, ks_lof, bins, n_trees = (5,), (10,), (), 20
    else:
        ks_knn, ks_lof, bins, n_trees = (5, 10, 20), (10, 20), (10,), 100
    dets, flags = [], []
    for k in ks_knn:
        if k < n_samples:
            dets.append(KNN(n_neighbors=k, method="largest"))
            flags.append(True)
    for k in ks_lof:
        if k < n_samples:
            dets.append(LOF(n_neighbors=k))
            flags.append(True)
    for b in bins:
        dets.append(HBOS(n_bins=b))
        flags.append(False)
    dets.append(IForest(n_estimators=n_trees, random_state=random_state))
    flags.append(False)
    return dets, flags


#: xgboost's warning when pyod's removed ``silent`` is the only unused parameter. Only that one
#: is hidden: xgboost names every unused parameter in one warning, so a typo such as
#: ``max_dpeth`` still warns.
_ONLY_SILENT_UNUSED = r'(?s).*Parameters: \{ "silent" \} are not used'


class XGBODDetector:
    """``pyod.models.xgbod.XGBOD`` with a budget-sized detector bank and quiet fitting.

    XGBOD (Zhao & Hryniewicki, IJCNN 2018) appends the scores of unsupervised detectors to the
    features and trains a supervised XGBoost classifier on the result; ``decision_function`` is
    the classifier's anomaly probability and :meth:`predict` its own decision (probability > 0.5).
    pyod's XGBOD passes a removed ``silent`` argument to xgboost and lets its detectors warn about
    receiving ``y``; both warnings are silenced here (xgboost's only while ``silent`` is the
    one unused parameter it names, so a misspelt ``**xgbod_kwargs`` key still warns).

    Parameters
    ----------
    budget : {"test", "quick", "paper"}, default="quick"
        Size of the detector bank (see the module docstring).
    random_state : int, default=0
        Seed of the isolation forests and of xgboost.
    **xgbod_kwargs
        Passed on to ``XGBOD`` (e.g. ``n_estimators``, ``max_depth``).
    """

    def __init__(self, budget="quick", random_state=0, **xgbod_kwargs):
        self.budget = budget
        self.random_state = random_state
        self.xgbod_kwargs = xgbod_kwargs

    def get_params(self, deep=True):
        """The constructor's arguments, ``XGBOD``'s own among them, as ``clone`` and
        ``GridSearchCV`` expect (``**xgbod_kwargs`` is not a parameter scikit-learn can see).

        Examples
        --------
        >>> from sklearn.base import clone
        >>> from mixann.detectors import XGBODDetector
        >>> clone(XGBODDetector(budget="test", max_depth=2)).get_params()
        {'budget': 'test', 'random_state': 0, 'max_depth': 2}
        """
        return {"budget": self.budget, "random_state": self.random_state, **self.xgbod_kwargs}

    def set_params(self, **params):
        """Set ``budget``, ``random_state`` or any ``XGBOD`` argument; returns self."""
        kwargs = dict(self.xgbod_kwargs)  # a copy: a clone must not share the dict
        for key, value in params.items():
            if key in ("budget", "random_state"):
                setattr(self, key, value)
            else:
                kwargs[key] = value
        self.xgbod_kwargs = kwargs
        return self

    def __repr__(self):
        changed = {k: v for k, v in self.get_params().items()
                   if (k, v) not in (("budget", "quick"), ("random_state", 0))}
        return f"XGBODDetector({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    def fit(self, X, y):
        """Fit pyod's XGBOD (its detectors' scores as extra features for XGBoost).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            0 or 1 only (other labels are refused, named).

        Returns
        -------
        self : XGBODDetector
        """
        from pyod.models.xgbod import XGBOD

        if self.budget not in BUDGETS:  # else a KeyError from the budget tables
            raise ValueError(f"budget={self.budget!r}; choose one of {', '.join(BUDGETS)}")
        X = np.asarray(X, dtype=float)
        y = anomaly_labels(y)
        dets, flags = _xgbod_bank(self.budget, X.shape[0], self.random_state)
        kwargs = dict(n_estimators=_XGBOD_N_ESTIMATORS[self.budget], n_jobs=1)
        kwargs.update(self.xgbod_kwargs)
        self.model_ = XGBOD(estimator_list=dets, standardization_flag_list=flags,
                            random_state=self.random_state, **kwargs)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_ONLY_SILENT_UNUSED)
            warnings.filterwarnings("ignore", message=r"y should not be presented")
            self.model_.fit(X, y)
        return self

    def decision_function(self, X):
        """Anomaly probability of the XGBoost classifier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,)
        """
        if not hasattr(self, "model_"):  # as DevNet and DeepSAD say it
            raise RuntimeError("XGBODDetector is not fitted; call fit(X, y) first")
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_ONLY_SILENT_UNUSED)
            return np.asarray(self.model_.decision_function(np.asarray(X, dtype=float)), dtype=float)

    def predict(self, X):
        """The classifier's own labels (probability > 0.5), XGBOD's default decision.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            1 = anomaly, 0 = normal.
        """
        return (self.decision_function(X) > 0.5).astype(int)


def make_detector(name, random_state=0, budget="quick", **overrides):
    """Build one of the paper's label-informed detectors.

    Parameters
    ----------
    name : {"xgbod", "devnet", "deepsad"}
        Detector.
    random_state : int, default=0
        Seed.
    budget : {"test", "quick", "paper"}, default="quick"
        Training budget (see the module docstring).
    **overrides
        Constructor arguments overriding the budget's (e.g. ``epochs=10``, ``eta=2.0``; for XGBOD,
        arguments of ``pyod.models.xgbod.XGBOD``).

    Returns
    -------
    detector
        An unfitted object with ``fit(X, y)`` and ``decision_function(X)``.

    Examples
    --------
    >>> from mixann.detectors import make_detector
    >>> type(make_detector("deepsad", budget="test")).__name__
    'DeepSAD'
    """
    if budget not in BUDGETS:
        raise ValueError(f"budget must be one of {BUDGETS}, got {budget!r}")
    if name == "xgbod":
        return XGBODDetector(budget=budget, random_state=random_state, **overrides)
    if name == "devnet":
        return DevNet(**{**_DEVNET_BUDGETS[budget], "random_state": random_state, **overrides})
    if name == "deepsad":
        return DeepSAD(**{**_DEEPSAD_BUDGETS[budget], "random_state": random_state, **overrides})
    raise ValueError(f"unknown detector {name!r}; choose from {DETECTOR_NAMES}")
