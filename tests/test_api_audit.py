"""Regression tests for the API audit's bugs 6, 7, 8 and 10 (/tmp/audit/report.md): the paper
preset's ``sampling_strategy_``, one-hot ``validation_data``, label encoding for the final
estimator of MixAnNClassifier, and the ranges of ``make_diverse_minorities``."""

import numpy as np
import pytest
from conftest import TINY
from sklearn.neighbors import KNeighborsClassifier
from xgboost import XGBClassifier

from mixann import MixAnN, MixAnNClassifier
from mixann.datasets import make_diverse_minorities

FAST = dict(n_episodes=2, max_steps_per_episode=5)


# ---------------------------------------------------------------- bug 6
def test_paper_sampling_strategy_counts_every_class_with_plain_keys():
    # eta=0.6 without the guard: the paper's Eq. 2 labels some mixes majority (the audit's
    # repro gives {0: 4, 1: 3}); each class of synthetic_y_ must be counted.
    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    sampler = MixAnN(preset="paper", guard=False, eta=0.6, ddpg_updates=2, warmup_steps=5,
                     batch_size=8, random_state=0, **FAST).fit(X, y)
    labels, counts = np.unique(sampler.synthetic_y_, return_counts=True)
    assert len(labels) == 2  # the case the bug was about: rows of both classes
    assert sampler.sampling_strategy_ == dict(zip(labels.tolist(), counts.tolist()))
    assert all(type(k) is int for k in sampler.sampling_strategy_)


def test_binary_sampling_strategy_keeps_the_minority_with_a_plain_key():
    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    labels = np.where(y == 1, "fraud", "ok")
    sampler = MixAnN(random_state=0, **TINY).fit(X, labels)
    assert list(sampler.sampling_strategy_) == ["fraud"]
    assert type(next(iter(sampler.sampling_strategy_))) is str
    assert sampler.sampling_strategy_["fraud"] == int(np.sum(sampler.synthetic_y_ == "fraud"))


# ---------------------------------------------------------------- bug 7
@pytest.mark.parametrize("n_classes", [2, 3])
def test_one_hot_validation_data_is_decoded_as_y(n_classes):
    if n_classes == 2:
        X, y = make_diverse_minorities(n_samples=300, random_state=0)
    else:
        rng = np.random.RandomState(0)
        y = np.repeat([0, 1, 2], [200, 60, 40])
        X = rng.normal(size=(300, 2)) + y[:, None]
        order = rng.permutation(300)
        X, y = X[order], y[order]
    Y = np.eye(n_classes, dtype=int)[y]
    params = dict(TINY, random_state=0)
    one_hot = MixAnN(validation_data=(X[:60], Y[:60]), **params)
    X_res, Y_res = one_hot.fit_resample(X[60:], Y[60:])
    assert Y_res.shape == (len(X_res), n_classes)
    # The same bytes as with the labels given as one label per row.
    plain = MixAnN(validation_data=(X[:60], y[:60]), **params)
    X_plain, y_plain = plain.fit_resample(X[60:], y[60:])
    np.testing.assert_array_equal(X_res, X_plain)
    np.testing.assert_array_equal(Y_res.argmax(axis=1), y_plain)


def test_one_hot_and_plain_labels_mixed_are_refused():
    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    Y = np.eye(2, dtype=int)[y]
    with pytest.raises(ValueError, match="y is one-hot but validation_data labels are not"):
        MixAnN(validation_data=(X[:50], y[:50]), **FAST).fit(X[50:], Y[50:])
    with pytest.raises(ValueError, match="validation_data labels are one-hot but y is not"):
        MixAnN(validation_data=(X[:50], Y[:50]), **FAST).fit(X[50:], y[50:])
    with pytest.raises(ValueError, match="3 one-hot columns, y has 2"):
        Y3 = np.eye(3, dtype=int)[y[:50]]
        MixAnN(validation_data=(X[:50], Y3), **FAST).fit(X[50:], Y[50:])


# ---------------------------------------------------------------- bug 8
@pytest.mark.parametrize("labels", [("ok", "fraud"), (-1, 1)])
def test_classifier_encodes_labels_for_xgboost(labels):
    X, y = make_diverse_minorities(n_samples=200, random_state=0)
    y_given = np.where(y == 1, labels[1], labels[0])
    clf = MixAnNClassifier(estimator=XGBClassifier(n_estimators=5, n_jobs=1),
                           random_state=0, **TINY).fit(X, y_given)
    np.testing.assert_array_equal(clf.classes_, np.unique(y_given))
    pred = clf.predict(X)
    assert set(pred.tolist()) <= set(labels) and pred.dtype == y_given.dtype
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    # Columns in classes_ order: the likelier column is the predicted label.
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], pred)


def test_classifier_with_0_1_labels_is_unchanged():
    # The final estimator fitted on the raw 0/1 labels, as before the encoding.
    X, y = make_diverse_minorities(n_samples=200, random_state=0)
    params = dict(TINY, estimator=KNeighborsClassifier(3), random_state=0)
    clf = MixAnNClassifier(**params).fit(X, y)
    X_res, y_res = MixAnN(**params).fit_resample(X, y)
    ref = KNeighborsClassifier(3).fit(X_res, y_res)
    np.testing.assert_array_equal(clf.classes_, ref.classes_)
    assert clf.classes_.dtype == ref.classes_.dtype
    np.testing.assert_array_equal(clf.predict(X), ref.predict(X))
    assert clf.predict(X).dtype == ref.predict(X).dtype
    np.testing.assert_array_equal(clf.predict_proba(X), ref.predict_proba(X))


# ---------------------------------------------------------------- bug 10
@pytest.mark.parametrize("share", [1.5, -0.5, float("nan")])
def test_make_diverse_minorities_refuses_isolated_share_out_of_range(share):
    with pytest.raises(ValueError, match=r"isolated_share must be in \[0, 1\]"):
        make_diverse_minorities(n_samples=100, isolated_share=share)


@pytest.mark.parametrize("n", [0, 1, 3, 4])
def test_make_diverse_minorities_refuses_too_few_samples(n):
    with pytest.raises(ValueError, match="n_samples must be >= 5"):
        make_diverse_minorities(n_samples=n)


def test_make_diverse_minorities_refuses_a_minority_as_large_as_the_majority():
    with pytest.raises(ValueError, match="3 minority and 3 majority rows"):
        make_diverse_minorities(n_samples=6, anomaly_ratio=0.49)


@pytest.mark.parametrize("n, share", [(5, 0.0), (5, 1.0), (1000, 0.3)])
def test_make_diverse_minorities_edges_still_work(n, share):
    X, y = make_diverse_minorities(n_samples=n, isolated_share=share, random_state=0)
    assert X.shape == (n, 2) and 0 < y.sum() < n - y.sum()


def test_one_fixed_volume_as_documented(diverse, tiny):
    """volumes=(v,), minority_multiples=(), guard=False: the volume search has one candidate."""
    X, y = diverse
    params = {**tiny, "volumes": (0.5,), "minority_multiples": (), "guard": False}
    sampler = MixAnN(random_state=0, **params)
    sampler.fit(X, y)
    assert {c["volume"] for c in sampler.history_["candidates"]} == {0.5}
    assert sampler.history_["volume"] == 0.5
    n_min, n_maj = np.sum(y == 1), np.sum(y == 0)
    assert len(sampler.synthetic_X_) == round(0.5 * (n_maj - n_min))


# ---------------------------------------------------------------- the second audit (session 42)
@pytest.mark.parametrize("shape", ["column", "frame"])
def test_validation_labels_as_a_column_vector(diverse, tiny, shape):
    import pandas as pd

    X, y = diverse
    X_val, y_val = make_diverse_minorities(n_samples=100, random_state=1)
    column = y_val.reshape(-1, 1) if shape == "column" else pd.DataFrame({"label": y_val})
    flat = MixAnN(random_state=0, validation_data=(X_val, y_val), **tiny).fit_resample(X, y)
    as_column = MixAnN(random_state=0, validation_data=(X_val, column), **tiny).fit_resample(X, y)
    assert np.array_equal(flat[0], as_column[0]) and np.array_equal(flat[1], as_column[1])


@pytest.mark.parametrize("method", ["mixboost", "autosmote"])
@pytest.mark.parametrize("coding", ["strings", "plus-minus-one"])
def test_learned_baselines_take_any_labels_with_xgboost(diverse, method, coding):
    from mixann.baselines import make_sampler

    X, y = diverse
    labels = {"strings": np.array(["ok", "fraud"]), "plus-minus-one": np.array([-1, 1])}[coding]
    y_coded = labels[y]

    def run(target):
        estimator = XGBClassifier(n_estimators=5, n_jobs=1)
        return make_sampler(method, estimator=estimator, y=target, budget="test",
                            random_state=0).fit_resample(X, target)

    X_coded, y_res_coded = run(y_coded)
    np.testing.assert_array_equal(y_res_coded[: len(y)], y_coded)
    assert set(y_res_coded[len(y):]) <= set(labels) and len(X_coded) > len(X)
    if coding == "plus-minus-one":  # the labels sort as 0/1 do: the same split, the same rows
        X_plain, y_res_plain = run(y)
        np.testing.assert_array_equal(X_coded, X_plain)
        np.testing.assert_array_equal(y_res_coded, labels[y_res_plain])


def test_plots_refuse_what_they_cannot_draw(tmp_path, diverse, tiny):
    from mixann.plots import case_study, policy_map

    X, y = diverse
    with pytest.raises(ValueError, match="labels 0 .normal. and 1 .anomaly."):
        case_study(tmp_path / "cs.png", X, np.where(y == 1, "fraud", "ok"), methods=["none"])
    labels = np.where(y == 0, 0, np.where(X[:, 0] > 0, 1, 2))
    sampler = MixAnN(random_state=0, **tiny).fit(X, labels)
    with pytest.raises(ValueError, match="fitted on 3 classes: draw one class's sampler"):
        policy_map(sampler, X, labels, tmp_path / "p.png")
    assert not list(tmp_path.iterdir())


def test_text_columns_are_named(diverse, tiny):
    import pandas as pd

    X, y = diverse
    frame = pd.DataFrame({"a": X[:, 0], "colour": np.where(y == 1, "red", "blue"), "b": X[:, 1]})
    with pytest.raises(ValueError, match=r"column\(s\) \['colour'\] of X are not numbers"):
        MixAnN(**tiny).fit_resample(frame, y)
    numeric = frame.drop(columns="colour")
    with pytest.raises(ValueError, match="of validation_data's X_val are not numbers"):
        MixAnN(validation_data=(frame, y), **tiny).fit_resample(numeric, y)
