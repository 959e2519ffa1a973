"""Session 45's fixes of points earlier audits left: AutoSMOTE's split, the "none" baseline's
output types, one-seed report cells, stale report files, and load_toy2's message."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mixann.baselines import AutoSMOTE, NoAugmentation
from mixann.bench.report import write_report
from mixann.datasets import load_toy2, make_diverse_minorities
from test_bench_tables import _fake_rows


def test_autosmote_does_not_depend_on_which_label_sorts_first():
    # The validation split was stratified on the labels themselves, so swapping the names of
    # the two classes drew another split and returned other rows (486 vs 602 here).
    X, y = make_diverse_minorities(n_samples=400, random_state=0)
    runs = [AutoSMOTE(n_iterations=3, random_state=0).fit_resample(X, labels)[0]
            for labels in (y, 1 - y, np.where(y == 1, "b", "a"), np.where(y == 1, "a", "b"))]
    for X_res in runs[1:]:
        np.testing.assert_array_equal(X_res, runs[0])


def test_none_returns_its_input_unchanged_column_types_included():
    X = pd.DataFrame({"count": [1, 2, 3, 4], "flag": [True, False, True, False]})
    y = pd.Series([0, 0, 0, 1], name="label")
    X_res, y_res = NoAugmentation().fit_resample(X, y)
    assert X_res is X and y_res is y
    assert [str(t) for t in X_res.dtypes] == ["int64", "bool"]  # was float64, float64
    with pytest.raises(ValueError, match="NaN"):
        NoAugmentation().fit_resample([[np.nan], [1.0]], [0, 1])


def test_a_one_seed_cell_shows_no_spread(tmp_path):
    # The std of one number is unknown, not 0: "± 0.00" read as "no spread at all".
    db = tmp_path / "one.sqlite"
    _fake_rows(db, [("vowels", "knn", "none", 0, 0.8), ("vowels", "knn", "mixann", 0, 0.9),
                    ("smtp", "knn", "none", 0, 0.7), ("smtp", "knn", "none", 1, 0.6),
                    ("smtp", "knn", "mixann", 0, 0.8), ("smtp", "knn", "mixann", 1, 0.9)])
    table = write_report(db, tmp_path / "out")["md"].read_text()
    assert "± 0.00" not in table
    assert "0.80/0.80/0.80 [paper" in table  # vowels' none: one seed, no ±
    assert "0.65/0.65/0.65 ± 0.07" in table  # smtp's none: two seeds, their std


def test_a_report_into_an_old_folder_removes_what_it_does_not_write(tmp_path):
    full, small, out = tmp_path / "full.sqlite", tmp_path / "small.sqlite", tmp_path / "out"
    base = [("vowels", "knn", m, s, f) for m, f in (("none", 0.8), ("mixann", 0.9))
            for s in range(2)]
    _fake_rows(full, base + [("vowels", "knn", "mixann-random-reward", s, 0.7)
                             for s in range(2)])
    _fake_rows(small, base)
    first = write_report(full, out)
    assert first["table4_md"].is_file()
    (out / "fig5.png").write_bytes(b"drawn apart")
    (out / "notes.txt").write_text("mine")
    second = write_report(small, out)
    assert "table4_md" not in second
    # table4.md/.csv came from the first database; report.md now says Table 4 is not run.
    assert not (out / "table4.md").exists() and not (out / "table4.csv").exists()
    assert (out / "fig5.png").read_bytes() == b"drawn apart"
    assert (out / "notes.txt").read_text() == "mine"
    assert all(path.is_file() for path in second.values())


def test_load_toy2_names_a_set_variable_that_points_nowhere(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere.csv"
    monkeypatch.setenv("MIXANN_TOY2", str(missing))
    with pytest.raises(FileNotFoundError) as err:
        load_toy2()
    assert "$MIXANN_TOY2 points there" in str(err.value) and str(missing) in str(err.value)
    assert "set MIXANN_TOY2 to the CSV" not in str(err.value)  # it was already set
    monkeypatch.delenv("MIXANN_TOY2")
    monkeypatch.setenv("MIXANN_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="set MIXANN_TOY2 to the CSV"):
        load_toy2()


def test_mixann_classifier_offers_the_classifiers_decision_function():
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import get_scorer

    from mixann import MixAnNClassifier

    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    labels = np.where(y == 1, "fraud", "ok")
    clf = MixAnNClassifier(LogisticRegression(), n_episodes=2, max_steps_per_episode=5,
                           random_state=0).fit(X, labels)
    np.testing.assert_array_equal(clf.decision_function(X), clf.estimator_.decision_function(X))
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(clf.predict_proba(X)))
    # Positive scores mean classes_[1], as for any sklearn binary classifier.
    assert list(clf.classes_) == ["fraud", "ok"]
    assert np.array_equal(clf.decision_function(X) > 0, clf.predict(X) == "ok")
    assert 0.5 < get_scorer("roc_auc")(clf, X, labels) <= 1
    # KNN (the default) has neither, so neither is offered, fitted or not.
    assert not hasattr(MixAnNClassifier(), "decision_function")
    knn = MixAnNClassifier(n_episodes=2, max_steps_per_episode=5, random_state=0).fit(X, y)
    assert not hasattr(knn, "decision_function")


def test_policy_map_refuses_data_that_is_not_what_the_sampler_learned_on(tmp_path):
    from mixann import MixAnN
    from mixann.plots import policy_map

    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    sampler = MixAnN(n_episodes=2, max_steps_per_episode=5, random_state=0).fit(X, y)
    # Labels without the sampler's minority used to draw every point as normal.
    with pytest.raises(ValueError, match="no row of the sampler's minority class 1"):
        policy_map(sampler, X, np.where(y == 1, "a", "b"), tmp_path / "p.png")
    # A sampler fitted on five features gave numpy's "dimensions ... must match" from vstack.
    wide = MixAnN(n_episodes=2, max_steps_per_episode=5, random_state=0).fit(
        np.hstack([X, X, X[:, :1]]), y)
    with pytest.raises(ValueError, match="fitted on 5 features"):
        policy_map(wide, X, y, tmp_path / "p.png")
    assert not (tmp_path / "p.png").exists()
