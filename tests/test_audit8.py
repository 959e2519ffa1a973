"""Session 46's eighth audit (MixAnN inside scikit-learn and imbalanced-learn): validation
columns by name, MixAnNClassifier's parameter errors, ColumnTransformers that pick columns by
name, a column-vector y in MixAnNClassifier, and binary scorers with multiclass_choice=
"all-classes"; and its ninth (the same seed, the same bytes): MixBoost and AutoSMOTE with a
pipeline's unseeded classifier, and the policy map's regions."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import check_param_validation

from mixann import MixAnN, MixAnNClassifier
from mixann.baselines import AutoSMOTE, MixBoost
from mixann.datasets import make_diverse_minorities
from mixann.metrics import check_metric_multiclass

TINY = dict(n_episodes=2, max_steps_per_episode=5, ddpg_updates=2, warmup_steps=5,
            batch_size=8, hidden_sizes=(16, 16))


@pytest.fixture(scope="module")
def frames():
    X, y = make_diverse_minorities(n_samples=400, random_state=0)
    X_val, y_val = make_diverse_minorities(n_samples=300, random_state=5)
    return (pd.DataFrame(X, columns=["a", "b"]), y,
            pd.DataFrame(X_val, columns=["a", "b"]), y_val)


def test_validation_columns_in_another_order_are_refused(frames):
    X, y, X_val, y_val = frames
    # Only the width was compared, so the reward scored validation rows with a and b swapped.
    with pytest.raises(ValueError, match="validation_data's X_val: The feature names should "
                                         "match"):
        MixAnN(validation_data=(X_val[["b", "a"]], y_val), random_state=0, **TINY).fit(X, y)
    with pytest.raises(ValueError, match="validation_data's X_val"):
        MixAnN(validation_data=(X_val.rename(columns={"b": "c"}), y_val), random_state=0,
               **TINY).fit(X, y)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        MixAnN(validation_data=(X_val.to_numpy(), y_val), random_state=0, **TINY).fit(X, y)
    with warnings.catch_warnings():  # the same names in the same order: silent
        warnings.simplefilter("error", UserWarning)
        MixAnN(validation_data=(X_val, y_val), random_state=0, **TINY).fit(X, y)
    with pytest.raises(ValueError, match="validation_data has 3 features, X has 2"):
        MixAnN(validation_data=(X_val.assign(c=0.0), y_val), random_state=0, **TINY).fit(X, y)


def test_mixann_classifier_names_itself_in_parameter_errors():
    X, y = make_diverse_minorities(n_samples=200, random_state=0)
    with pytest.raises(InvalidParameterError, match="parameter of MixAnNClassifier"):
        MixAnNClassifier(eta=2.0, **TINY).fit(X, y)
    check_param_validation("MixAnNClassifier", MixAnNClassifier(**TINY))


def test_column_transformer_by_name_is_refused_before_training(frames):
    X, y, _, _ = frames
    by_name = make_pipeline(ColumnTransformer([("scale", StandardScaler(), ["a", "b"])]),
                            LogisticRegression())
    for model in (MixAnN(estimator=by_name, **TINY), MixAnNClassifier(by_name, **TINY)):
        with pytest.raises(ValueError, match="'scale' picks columns by name.*by position"):
            model.fit(X, y)
    by_position = make_pipeline(ColumnTransformer([("scale", StandardScaler(), [0, 1])]),
                                LogisticRegression())
    clf = MixAnNClassifier(by_position, random_state=0, **TINY).fit(X, y)
    assert clf.predict(X.iloc[:3]).shape == (3,)


def test_mixann_classifier_column_vector_labels_are_encoded(frames):
    X, y, _, _ = frames
    from xgboost import XGBClassifier

    labels = pd.DataFrame({"label": np.where(y == 1, "fraud", "ok")})
    clf = MixAnNClassifier(XGBClassifier(n_estimators=5, n_jobs=1), mix_kinds=("spread",),
                           n_draws=1, random_state=0, **TINY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn's DataConversionWarning for a column y
        clf.fit(X, labels)
    assert clf.classes_.tolist() == ["fraud", "ok"]
    assert set(clf.predict(X).tolist()) <= {"fraud", "ok"}


def test_binary_scorer_refused_with_all_classes_before_training():
    X, y = make_classification(n_samples=300, n_classes=3, n_informative=3,
                               weights=[0.7, 0.2, 0.1], random_state=0)
    sampler = MixAnN(metric="roc_auc", multiclass_choice="all-classes", random_state=0, **TINY)
    with pytest.raises(ValueError, match="metric='roc_auc' cannot score more than two classes"):
        sampler.fit(X, y)
    assert not hasattr(sampler, "samplers_")  # nothing trained
    for metric in ("f1", "precision"):
        with pytest.raises(ValueError, match="multiclass_choice='one-vs-rest'"):
            check_metric_multiclass(metric)
    assert check_metric_multiclass("roc_auc_ovr") == "roc_auc_ovr"
    # One-vs-rest scores binary problems: roc_auc stays fine there.
    MixAnN(metric="roc_auc", random_state=0, **TINY).fit(X, y)


def _pipeline_forest():
    from sklearn.ensemble import RandomForestClassifier

    return make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=5))


@pytest.mark.parametrize("make", [
    lambda: MixBoost(estimator=_pipeline_forest(), n_rounds=2, random_state=0),
    lambda: AutoSMOTE(estimator=_pipeline_forest(), n_iterations=3, random_state=0),
], ids=["mixboost", "autosmote"])
def test_learned_baselines_seed_a_pipelines_classifier(make):
    # Only a top-level random_state was replaced, so the forest inside drew from the OS.
    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    first, second = (make().fit_resample(X, y)[0] for _ in range(2))
    np.testing.assert_array_equal(first, second)


def test_policy_map_draws_the_same_regions_for_an_unseeded_forest(tmp_path):
    from sklearn.ensemble import RandomForestClassifier

    from mixann.plots import policy_map

    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    sampler = MixAnN(estimator=RandomForestClassifier(n_estimators=20), random_state=0,
                     **TINY).fit(X, y)
    for name in ("a.png", "b.png"):
        policy_map(sampler, X, y, tmp_path / name)
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
