"""Regression tests for the points left after the second audit and for the third audit."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import TINY  # noqa: E402

from mixann import MixAnN  # noqa: E402
from mixann.datasets import load_toy2, make_diverse_minorities  # noqa: E402
from mixann.detectors import fit_predict_detector, make_detector  # noqa: E402
from mixann.detectors.threshold import anomaly_labels, threshold_candidates  # noqa: E402
from mixann.plots import _scatter  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return make_diverse_minorities(n_samples=300, random_state=0)


def test_validation_data_as_a_two_item_list_is_the_tuple(data):
    # A list used to fail parameter validation with the whole array printed in the message.
    X, y = data
    X_tr, y_tr, X_val, y_val = X[:200], y[:200], X[200:], y[200:]
    as_tuple = MixAnN(validation_data=(X_val, y_val), random_state=0, **TINY)
    as_list = MixAnN(validation_data=[X_val, y_val], random_state=0, **TINY)
    a, b = as_tuple.fit_resample(X_tr, y_tr), as_list.fit_resample(X_tr, y_tr)
    assert a[0].tobytes() == b[0].tobytes() and a[1].tobytes() == b[1].tobytes()


def test_one_minority_sample_message_fits_validation_data(data):
    X, y = data
    y1 = np.zeros_like(y)
    y1[0] = 1
    with pytest.raises(ValueError, match="at least 2 minority samples") as info:
        MixAnN(validation_data=(X[:50], y[:50]), **TINY).fit_resample(X, y1)
    assert "one to validate" not in str(info.value)


@pytest.mark.parametrize("name", ["xgbod", "devnet", "deepsad"])
@pytest.mark.parametrize("labels", [("ok", "fraud"), (0.0, 0.7), (1, 2)])
def test_detectors_refuse_labels_other_than_0_and_1(data, name, labels):
    # astype(int) used to fail on strings with "invalid literal for int()" and to turn 0.7
    # into 0 (a training set without anomalies) or keep 2 as a third label.
    X, y = data
    y_other = np.where(y == 1, labels[1], labels[0])
    with pytest.raises(ValueError, match="y_train must hold 0 .normal. and 1 .anomaly. only") as e:
        fit_predict_detector(name, X[:200], y_other[:200], X[200:250], y_other[200:250], X[250:],
                             budget="test")
    assert all(repr(label) in str(e.value) for label in labels)  # what y holds is named
    with pytest.raises(ValueError, match="y must hold 0"):
        make_detector(name, budget="test").fit(X[:200], y_other[:200])


def test_anomaly_labels_accepts_numbers_and_booleans_and_checks_validation_labels():
    assert anomaly_labels([0, 1.0, True, False]).tolist() == [0, 1, 1, 0]
    assert anomaly_labels(np.array([[0], [1]])).dtype == np.int64
    with pytest.raises(ValueError, match=r"y_val must hold .* got \['a', 'b'\]"):
        threshold_candidates([0.1, 0.9], ["a", "b"], 0.5)


def test_a_missing_toy2_path_given_by_the_caller_is_not_told_to_pass_a_path(tmp_path):
    with pytest.raises(FileNotFoundError) as given:
        load_toy2(tmp_path / "none.csv")
    assert str(given.value) == f"toy2 case-study file not found at {tmp_path / 'none.csv'}"


def test_case_study_panels_list_only_the_synthetic_kinds_they_hold():
    # SMOTE's rows are all anomalies: no "synthetic normal" marker in the legend.
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    y = np.array([0, 1, 0])
    fig, ax = plt.subplots()
    _scatter(ax, X, y, np.array([[0.5, 0.5]]), np.array([1]))
    assert ax.get_legend_handles_labels()[1] == ["normal", "anomaly", "synthetic anomaly"]
    _scatter(ax, X, y, np.empty((0, 2)), np.empty(0))
    assert "synthetic normal" not in ax.get_legend_handles_labels()[1]
    plt.close(fig)


def test_balance_with_more_classes_balances_each_class_with_the_largest():
    # The balance pick's volume 1.0 was read against the one-vs-rest gap: a class of 30 rows
    # next to classes of 179 and 91 grew to 270, past the largest class.
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=300, n_classes=3, n_informative=4,
                               weights=[0.6, 0.3, 0.1], random_state=0)
    sampler = MixAnN(selection_rule="balance", random_state=0, **TINY)
    _, y_res = sampler.fit_resample(X, y)
    counts = np.bincount(y)
    assert np.bincount(y_res).tolist() == [counts.max()] * 3
    assert sampler.history_["volume"] == {1: 1.0, 2: 1.0}
    # A binary sampler still balances its own two classes.
    y01 = (y == 2).astype(int)
    _, y01_res = MixAnN(selection_rule="balance", random_state=0, **TINY).fit_resample(X, y01)
    assert np.bincount(y01_res).tolist() == [np.sum(y01 == 0)] * 2


def test_a_selection_sample_too_small_for_the_folds_names_selection_max_rows(data):
    X, y = data
    with pytest.raises(ValueError, match=r"selection_max_rows=10 rows: .*n_neighbors.*raise "
                                         r"selection_max_rows"):
        MixAnN(selection_max_rows=10, random_state=0, **TINY).fit_resample(X, y)


@pytest.mark.parametrize("hidden", [(0,), (-1,), (8.5,), (8, "a"), (True,)])
def test_hidden_sizes_must_be_positive_integers(data, hidden):
    # (0,) used to build an actor that ignores its input; the others failed inside torch.
    X, y = data
    with pytest.raises(ValueError, match="hidden_sizes must hold positive integers"):
        MixAnN(**{**TINY, "hidden_sizes": hidden}).fit_resample(X, y)


def test_an_estimator_without_predict_proba_gets_the_hint_that_fixes_it(data):
    # The generic parameter check fired first, so the SVC(probability=True) hint never showed.
    from sklearn.svm import SVC

    X, y = data
    with pytest.raises(TypeError, match=r"use e.g. SVC\(probability=True\)"):
        MixAnN(estimator=SVC(), **TINY).fit_resample(X, y)


def test_volumes_and_multiples_may_be_numpy_arrays(data):
    X, y = data
    params = {**TINY, "volumes": (0.25, 1.0), "minority_multiples": (1.0,), "random_state": 0}
    as_tuples = MixAnN(**params).fit_resample(X, y)
    params.update(volumes=np.array([0.25, 1.0]), minority_multiples=np.array([1.0]))
    as_arrays = MixAnN(**params).fit_resample(X, y)
    assert as_tuples[0].tobytes() == as_arrays[0].tobytes()


# ---------------------------------------------------------------- the learned baselines
@pytest.mark.parametrize("y_val_of, message", [
    (lambda yv: yv, r"use the classes of y \['fraud', 'ok'\]"),  # 0/1 where y is strings
    (lambda yv: np.full(len(yv), "ok"), "no row of the minority class 'fraud'"),
])
def test_autosmote_checks_its_validation_labels(data, y_val_of, message):
    # Both used to pass: every draw then scored the same constant and rows came back anyway.
    from mixann.baselines.autosmote import AutoSMOTE

    X, y = data
    X_val, y_val = make_diverse_minorities(n_samples=150, random_state=1)
    with pytest.raises(ValueError, match=message):
        AutoSMOTE(n_iterations=2, random_state=0, validation_data=(X_val, y_val_of(y_val))
                  ).fit_resample(X, np.where(y == 1, "fraud", "ok"))


def test_autosmote_checks_the_validation_width_and_takes_a_list(data):
    from mixann.baselines.autosmote import AutoSMOTE

    X, y = data
    X_val, y_val = make_diverse_minorities(n_samples=150, random_state=1)
    with pytest.raises(ValueError, match="validation_data has 1 features, X has 2"):
        AutoSMOTE(n_iterations=2, validation_data=(X_val[:, :1], y_val)).fit_resample(X, y)
    a = AutoSMOTE(n_iterations=2, random_state=0, validation_data=(X_val, y_val)).fit_resample(X, y)
    b = AutoSMOTE(n_iterations=2, random_state=0, validation_data=[X_val, y_val]).fit_resample(X, y)
    assert a[0].tobytes() == b[0].tobytes()


@pytest.mark.parametrize("name, params, message", [
    ("autosmote", dict(gaps=()), "gaps must be a non-empty list of numbers in"),
    ("autosmote", dict(gaps=[1.5]), "gaps must be a non-empty list of numbers in"),
    ("autosmote", dict(ratios=[]), "ratios must be a non-empty list of finite numbers >= 0"),
    ("autosmote", dict(ratios=[-1]), "ratios must be a non-empty list of finite numbers >= 0"),
    ("autosmote", dict(k_neighbors=0), "'k_neighbors' parameter of AutoSMOTE must be an int"),
    ("mixboost", dict(alpha=0), "'alpha' parameter of MixBoost must be a float in the range"),
    ("mixboost", dict(beta=-1), "'beta' parameter of MixBoost must be a float"),
    ("mixboost", dict(max_candidates=0), "'max_candidates' parameter of MixBoost must be an int"),
    ("mixboost", dict(entropy_floor=-1), "'entropy_floor' parameter of MixBoost must be a float"),
    ("mixboost", dict(samples_per_round=-5), "'samples_per_round' parameter of MixBoost"),
    ("mixboost", dict(n_rounds=2.5), "'n_rounds' parameter of MixBoost must be an int"),
])
def test_learned_baselines_name_a_bad_parameter(data, name, params, message):
    # These failed deep in numpy or KNN with no parameter named, or returned no rows silently.
    from mixann.baselines.autosmote import AutoSMOTE
    from mixann.baselines.mixboost import MixBoost

    X, y = data
    sampler = (AutoSMOTE(n_iterations=2, **params) if name == "autosmote"
               else MixBoost(n_rounds=params.pop("n_rounds", 2), **params))
    with pytest.raises(ValueError, match=message):
        sampler.fit_resample(X, y)
