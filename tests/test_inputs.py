"""Bad input: a clear ValueError/TypeError naming the problem, never a hang or partial result."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.svm import SVC

from mixann import MixAnN


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = np.array([0] * 50 + [1] * 10)
    return X, y


def _fit(X, y, tiny, **params):
    return MixAnN(random_state=0, **{**tiny, **params}).fit_resample(X, y)


def test_nan_and_inf(data, tiny):
    X, y = data
    X_nan = X.copy(); X_nan[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        _fit(X_nan, y, tiny)
    X_inf = X.copy(); X_inf[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        _fit(X_inf, y, tiny)


def test_length_mismatch(data, tiny):
    X, y = data
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        _fit(X, y[:-1], tiny)


def test_empty(tiny):
    with pytest.raises(ValueError, match="0 sample"):
        _fit(np.empty((0, 3)), np.empty(0), tiny)


def test_single_class(data, tiny):
    X, _ = data
    with pytest.raises(ValueError, match="1 class"):
        _fit(X, np.zeros(len(X), int), tiny)


def test_multiclass_class_of_one_row(data, tiny):
    # More than two classes are augmented one per class against the rest (test_multiclass.py);
    # each class smaller than the largest needs 2 rows, one to train on and one to validate.
    X, _ = data
    with pytest.raises(ValueError, match="class 2 has 1 sample"):
        _fit(X, np.array([0] * 40 + [1] * 19 + [2]), tiny)


def test_too_few_minority(data, tiny):
    X, _ = data
    y = np.array([0] * 59 + [1])
    with pytest.raises(ValueError, match="at least 2 minority samples"):
        _fit(X, y, tiny)


def test_sparse(data, tiny):
    X, y = data
    with pytest.raises(TypeError, match="sparse X is not supported"):
        _fit(sp.csr_matrix(X), y, tiny)


def test_estimator_without_predict_proba(data, tiny):
    X, y = data
    with pytest.raises(TypeError, match="predict_proba"):
        _fit(X, y, tiny, estimator=SVC())


def test_k_larger_than_training_split(data, tiny):
    X, y = data
    with pytest.raises(ValueError, match="max_neighbors=100 is larger than the training split"):
        _fit(X, y, tiny, max_neighbors=100)


@pytest.mark.parametrize("eta", [0.0, 1.0, -0.1, 1.5])
def test_eta_outside_open_interval(data, tiny, eta):
    X, y = data
    with pytest.raises(ValueError, match="eta"):
        _fit(X, y, tiny, eta=eta)


def test_unknown_metric(data, tiny):
    X, y = data
    with pytest.raises(ValueError, match="not a scikit-learn scorer name"):
        _fit(X, y, tiny, metric="f2_weird")


def test_continuous_target(data, tiny):
    X, _ = data
    with pytest.raises(ValueError, match="continuous"):
        _fit(X, np.linspace(0, 1, len(X)), tiny)


def test_bad_validation_data(data, tiny):
    X, y = data
    with pytest.raises(ValueError, match="features"):
        _fit(X, y, tiny, validation_data=(np.zeros((5, 2)), np.zeros(5)))


def test_validation_data_without_a_minority_row(data, tiny):
    # The reward and the draws would score a constant: refused, with the fix.
    X, y = data
    with pytest.raises(ValueError, match="validation_data holds no row of the minority class 1"):
        _fit(X, y, tiny, validation_data=(X[:20], y[:20]))
