"""MixAnNClassifier: augment with MixAnN, then fit the classifier on the result."""

from __future__ import annotations

import copy

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._available_if import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from .defaults import default_estimator
from .input_checks import NestedEstimatorParams
from .sampler import MixAnN
from .seeding import drawn_seed, seed_unset_random_states


class MixAnNClassifier(NestedEstimatorParams, MetaEstimatorMixin, ClassifierMixin,
                       BaseEstimator):
    """Augment with :class:`MixAnN`, then fit a clone of ``estimator`` on the result.

    Takes exactly the parameters of :class:`MixAnN` (the same ``__init__`` is reused so the
    two never drift apart); ``estimator`` is both the classifier MixAnN learns the
    augmentation for and the one fitted on the augmented data.

    Parameters
    ----------
    estimator, preset, ..., random_state, verbose
        Those of :class:`MixAnN`, with the same names, defaults and meanings. An unseeded
        ``estimator`` gets the seed MixAnN draws from ``random_state``, so the same
        ``random_state`` gives the same predictions.

    Attributes
    ----------
    sampler_ : MixAnN
        The fitted sampler (its ``history_``, ``synthetic_X_`` ...).
    estimator_ : classifier
        The classifier fitted on the augmented data.
    classes_ : ndarray
        Class labels.

    Examples
    --------
    >>> from mixann import MixAnNClassifier
    >>> from mixann.datasets import make_diverse_minorities
    >>> X, y = make_diverse_minorities(n_samples=300, random_state=0)
    >>> clf = MixAnNClassifier(n_episodes=2, max_steps_per_episode=5, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    __init__ = MixAnN.__init__  # same parameters, same defaults, one definition
    _parameter_constraints = MixAnN._parameter_constraints

    def fit(self, X, y):
        """Augment (X, y) with MixAnN and fit a clone of ``estimator`` on the result.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_classes) one-hot

        Returns
        -------
        self : MixAnNClassifier
        """
        self._validate_params()  # errors name MixAnNClassifier, the class the user called
        params = self.get_params(deep=False)
        if isinstance(self.random_state, np.random.RandomState):
            # The sampler draws from a copy, so that the draw seeding the classifier below is
            # the sampler's own first draw, as with an int (was the instance's second draw).
            params["random_state"] = copy.deepcopy(self.random_state)
        self.sampler_ = MixAnN(**params)
        X_res, y_res = self.sampler_.fit_resample(X, y)
        self.n_features_in_ = self.sampler_.n_features_in_
        if hasattr(self.sampler_, "feature_names_in_"):
            self.feature_names_in_ = self.sampler_.feature_names_in_
        else:  # a refit on an array must not keep an earlier DataFrame's names
            self.__dict__.pop("feature_names_in_", None)
        base = self.estimator if self.estimator is not None else default_estimator()
        # The classifier fitted on the result is seeded as the sampler's was (a random_state
        # it was given is kept), so the same random_state gives the same predictions.
        seed = drawn_seed(self.random_state)
        base = seed_unset_random_states(clone(base), seed)
        y_res = np.asarray(y_res)
        if y_res.ndim == 2 and y_res.shape[1] == 1:
            # A column-vector y (a one-column DataFrame) comes back as one: one label per
            # row, not one-hot (a one-hot y has a column per class, two at least).
            y_res = y_res.ravel()
        if y_res.ndim == 1:
            # Codes 0..k-1, as sklearn's meta-estimators pass: some classifiers (XGBoost)
            # refuse other labels, e.g. strings or {-1, 1}; predict maps the codes back.
            self._encoder = LabelEncoder().fit(y_res)
            self.estimator_ = clone(base).fit(np.asarray(X_res, dtype=float),
                                              self._encoder.transform(y_res))
            self.classes_ = self._encoder.classes_
        else:  # a one-hot y comes back one-hot: the estimator's own multi-output labels
            self._encoder = None
            self.estimator_ = clone(base).fit(np.asarray(X_res, dtype=float), y_res)
            self.classes_ = self.estimator_.classes_
        return self

    def _checked(self, X):
        check_is_fitted(self, "estimator_")
        return validate_data(self, X=X, reset=False, dtype=float, ensure_all_finite=True)

    def predict(self, X):
        """Class labels from the classifier trained on the augmented data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            In ``y``'s own labels.
        """
        X = self._checked(X)
        pred = self.estimator_.predict(X)
        if self._encoder is None:  # a one-hot y: the estimator's own labels
            return pred
        return self._encoder.classes_[np.asarray(pred, dtype=np.intp)]

    def predict_proba(self, X):
        """Class probabilities (columns in the order of ``classes_``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        X = self._checked(X)
        return self.estimator_.predict_proba(X)

    @available_if(lambda self: _classifier_has(self, "predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities, where the classifier has them (columns: ``classes_``)."""
        X = self._checked(X)
        return self.estimator_.predict_log_proba(X)

    @available_if(lambda self: _classifier_has(self, "decision_function"))
    def decision_function(self, X):
        """The classifier's decision function, where it has one (e.g. ``LogisticRegression``,
        ``SVC``; not KNN or XGBoost); its columns follow ``classes_`` as the classifier's do.

        Examples
        --------
        >>> from sklearn.linear_model import LogisticRegression
        >>> from mixann import MixAnNClassifier
        >>> from mixann.datasets import make_diverse_minorities
        >>> X, y = make_diverse_minorities(n_samples=300, random_state=0)
        >>> clf = MixAnNClassifier(LogisticRegression(), n_episodes=2, max_steps_per_episode=5,
        ...                        random_state=0).fit(X, y)
        >>> clf.decision_function(X[:3]).shape
        (3,)
        >>> hasattr(MixAnNClassifier(), "decision_function")  # the default KNN has none
        False
        """
        X = self._checked(X)
        return self.estimator_.decision_function(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags


def _classifier_has(clf, method):
    """Whether MixAnNClassifier can offer ``method``: the fitted classifier has it, or before
    fitting the one that will be fitted (sklearn's ``available_if`` convention)."""
    fitted = clf.__dict__.get("estimator_")
    if fitted is not None:
        return hasattr(fitted, method)
    return hasattr(clf.estimator if clf.estimator is not None else default_estimator(), method)
