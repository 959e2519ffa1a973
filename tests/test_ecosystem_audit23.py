"""Audit 23: MixAnN in the scikit-learn / imbalanced-learn ecosystem as a practitioner uses it.

Global configuration (``transform_output``, ``assume_finite``), pandas inputs (a Series as X,
missing labels) and nested parameters of the default estimator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklearn
from conftest import TINY
from imblearn.pipeline import make_pipeline
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier

from mixann import MixAnN, MixAnNClassifier
from mixann.bench.protocol import split
from mixann.datasets import make_diverse_minorities

@pytest.fixture(scope="module")
def data():
    return make_diverse_minorities(n_samples=200, random_state=0)


def frame(X):
    return pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])


# ---------------------------------------------------------------- transform_output="pandas"
@pytest.mark.parametrize("preset", ["default", "paper"])
def test_pandas_transform_output_gives_the_same_rows(data, preset):
    # The environment's StandardScaler returned a DataFrame under this setting, which the
    # state then indexed by column: KeyError deep in env.state().
    X, y = data
    X = frame(X)
    expected, _ = MixAnN(**TINY, preset=preset, random_state=0).fit_resample(X, y)
    with sklearn.config_context(transform_output="pandas"):
        got, _ = MixAnN(**TINY, preset=preset, random_state=0).fit_resample(X, y)
    pd.testing.assert_frame_equal(got, expected)


def test_pandas_transform_output_in_a_pipeline_and_the_classifier(data):
    X, y = data
    X = frame(X)
    pipe = make_pipeline(MixAnN(**TINY, random_state=0), KNeighborsClassifier(5))
    expected = pipe.fit(X, y).predict_proba(X)
    clf_expected = MixAnNClassifier(**TINY, random_state=0).fit(X, y).predict_proba(X)
    with sklearn.config_context(transform_output="pandas"):
        np.testing.assert_array_equal(sklearn.clone(pipe).fit(X, y).predict_proba(X), expected)
        clf = MixAnNClassifier(**TINY, random_state=0).fit(X, y)
        np.testing.assert_array_equal(clf.predict_proba(X), clf_expected)


def test_bench_split_returns_arrays_under_pandas_output(data):
    X, y = data
    with sklearn.config_context(transform_output="pandas"):
        parts = split(X, y, seed=0)
    for part in (parts.X_train, parts.X_val, parts.X_test):
        assert isinstance(part, np.ndarray)


# ---------------------------------------------------------------- a Series as X
@pytest.mark.parametrize("make", [lambda: MixAnN(**TINY).fit_resample,
                                  lambda: MixAnNClassifier(**TINY).fit])
def test_a_series_as_x_is_refused_as_one_dimensional(data, make):
    # Was AttributeError: 'Float64DType' object has no attribute 'items' (mixann._output).
    X, y = data
    with pytest.raises(ValueError, match="2-dimensional"):
        make()(pd.Series(X[:, 0], name="f0"), y)


# ---------------------------------------------------------------- assume_finite=True
@pytest.mark.parametrize("value, word", [(np.nan, "NaN"), (np.inf, "infinity")])
@pytest.mark.parametrize("where", ["X", "validation_data"])
def test_non_finite_values_are_refused_under_assume_finite(data, value, word, where):
    # scikit-learn skips its finiteness check under assume_finite: a NaN came back as NaN
    # synthetic rows (silently), an inf as "values up to inf, too large".
    X, y = data
    bad = X.copy()
    bad[np.flatnonzero(y == 1)[0], 0] = value
    if where == "X":
        sampler, args = MixAnN(**TINY, random_state=0), (bad, y)
    else:
        sampler, args = MixAnN(**TINY, validation_data=(bad, y), random_state=0), (X, y)
    with sklearn.config_context(assume_finite=True):
        with pytest.raises(ValueError, match=f"contains {word}.*assume_finite"):
            sampler.fit_resample(*args)


# ---------------------------------------------------------------- missing labels
def missing_labels(y, kind):
    labels = np.where(y == 1, "fraud", "ok")
    if kind == "None":
        out = pd.Series(labels, dtype=object)
        out[[3, 7]] = None
    elif kind == "nan":
        out = pd.Series(labels, dtype=object)
        out[[3, 7]] = np.nan
    elif kind == "string":
        out = pd.Series(labels, dtype="string")
        out[[3, 7]] = pd.NA
    elif kind == "category":
        out = pd.Series(labels, dtype="category")
        out[[3, 7]] = np.nan
    else:  # nullable integers
        out = pd.Series(y, dtype="Int64")
        out[[3, 7]] = pd.NA
    return out


KINDS = ["None", "nan", "string", "category", "Int64"]


@pytest.mark.parametrize("kind", KINDS)
def test_missing_labels_are_named_by_the_classifier(data, kind):
    # Was "Unknown label type: unknown. Maybe you are trying to fit a classifier ... on a
    # regression target" (or "Input y contains NaN").
    X, y = data
    with pytest.raises(ValueError, match=r"2 missing labels .* positions 3, 7; .*drop"):
        MixAnNClassifier(**TINY).fit(X, missing_labels(y, kind))


@pytest.mark.parametrize("kind", ["None", "Int64"])
def test_missing_labels_are_named_by_the_sampler(data, kind):
    # Without the change: "Unknown label type: unknown ... regression target", "Input y
    # contains NaN", or numpy's TypeError "'<' not supported between 'NoneType' and 'str'".
    X, y = data
    with pytest.raises(ValueError) as info:
        MixAnN(**TINY).fit_resample(X, missing_labels(y, kind))
    assert "2 missing labels" in str(info.value)


# ---------------------------------------------------------------- estimator__ with estimator=None
def test_nested_parameters_of_the_default_estimator_say_to_pass_it(data):
    # Was AttributeError: 'NoneType' object has no attribute 'set_params'.
    X, y = data
    with pytest.raises(ValueError, match=r"estimator=None.*estimator=KNeighborsClassifier"):
        MixAnNClassifier().set_params(estimator__n_neighbors=3)
    grid = GridSearchCV(make_pipeline(MixAnNClassifier(**TINY)),
                        {"mixannclassifier__estimator__n_neighbors": [3]}, cv=2)
    with pytest.raises(ValueError, match="estimator=None"):
        grid.fit(X, y)
    # Given in the same call, or on an estimator that has one, it still works.
    clf = MixAnNClassifier().set_params(estimator=KNeighborsClassifier(),
                                        estimator__n_neighbors=3)
    assert clf.estimator.n_neighbors == 3
    assert clf.set_params(estimator__n_neighbors=4).get_params()["estimator__n_neighbors"] == 4


def test_nested_parameters_of_the_sampler_s_default_estimator_say_to_pass_it():
    pipe = make_pipeline(MixAnN(**TINY), KNeighborsClassifier())
    with pytest.raises(ValueError, match="estimator=None"):
        pipe.set_params(mixann__estimator__n_neighbors=3)
