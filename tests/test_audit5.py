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
    assert X_res.equals(X) and y_res.equals(y) and y_res.name == "label"
    # Copies (twentieth audit): scaling the output in place leaves the caller's data alone.
    X_res["count"] *= 10
    y_res[:] = 1
    assert X["count"].tolist() == [1, 2, 3, 4] and y.tolist() == [0, 0, 0, 1]
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


# ------------------------------------------------ session 45's sixth audit: the core (helper 16)
def _tiny_minority(n_minority):
    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    idx = np.r_[np.flatnonzero(y == 0)[:100], np.flatnonzero(y == 1)[:n_minority]]
    return X[idx], y[idx]


@pytest.mark.parametrize("preset", ["paper", "default"])
def test_the_carved_validation_part_always_holds_a_minority_row(preset):
    from mixann import MixAnN

    # Two minority rows: stratifying put both in training for every seed, and the reward,
    # guard and draws scored a validation part of one class (baseline_score 1.0).
    X, y = _tiny_minority(2)
    sampler = MixAnN(preset=preset, n_episodes=2, max_steps_per_episode=5, random_state=0)
    sampler.fit_resample(X, y)
    assert sampler.history_["baseline_score"] < 1.0
    train_idx, val_idx, _, y_val = sampler._split(X, y, 0)
    assert y_val.sum() == 1 and y[train_idx].sum() == 1
    assert len(val_idx) == 21 and sorted(np.r_[train_idx, val_idx]) == list(range(len(y)))


def test_a_large_volume_is_delivered_on_few_anomalies_among_many_rows():
    from mixann import MixAnN

    # 200 rounds of chains from 4 anomalies capped "boundary" at 4 x 5 x 200 = 4,000 rows of
    # the 9,996 that volume 1.0 asks for, while history_ said volume 1.0.
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(10_000, 2)), rng.normal(3, 1, size=(4, 2))])
    y = np.r_[np.zeros(10_000, int), np.ones(4, int)]
    sampler = MixAnN(volumes=(1.0,), guard=False, minority_multiples=(), mix_kinds=("boundary",),
                     n_draws=1, n_episodes=2, max_steps_per_episode=5, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert len(X_res) - len(X) == 9_996 and (y_res == 1).sum() == (y_res == 0).sum()


def test_the_same_seed_gives_the_same_bytes_with_an_unseeded_forest():
    from sklearn.ensemble import RandomForestClassifier

    from mixann import MixAnN, MixAnNClassifier

    X, y = make_diverse_minorities(n_samples=400, random_state=0)
    forest = RandomForestClassifier(n_estimators=5)
    runs = [MixAnN(forest, n_episodes=2, max_steps_per_episode=5, random_state=0).fit_resample(X, y)
            for _ in range(2)]
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    probas = [MixAnNClassifier(forest, n_episodes=2, max_steps_per_episode=5, random_state=0)
              .fit(X, y).predict_proba(X) for _ in range(2)]
    np.testing.assert_array_equal(probas[0], probas[1])
    assert forest.random_state is None  # the caller's estimator is not changed
    # A seed the caller gave is kept: the fitted classifier trains as it would alone.
    seeded = MixAnNClassifier(RandomForestClassifier(n_estimators=5, random_state=3), n_episodes=2,
                              max_steps_per_episode=5, random_state=0).fit(X, y)
    assert seeded.estimator_.random_state == 3


def test_building_an_agent_leaves_torch_s_global_generator_alone():
    import torch

    from mixann.ddpg import DDPGAgent

    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    agent = DDPGAgent(10, seed=3)
    assert torch.equal(torch.rand(3), expected)  # the target networks used to draw from it
    for net, target in ((agent.actor, agent.actor_target), (agent.critic, agent.critic_target)):
        for a, b in zip(net.state_dict().values(), target.state_dict().values()):
            assert torch.equal(a, b)


def test_features_whose_squared_distances_overflow_are_refused():
    from mixann import MixAnN

    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    # The paper preset returned nothing with an overflow warning; the default preset said
    # "Input X contains NaN" of an X that holds none.
    for preset in ("paper", "default"):
        with pytest.raises(ValueError, match="too large for distances.*MinMaxScaler"):
            MixAnN(preset=preset, n_episodes=2, random_state=0).fit_resample(X * 1e154, y)
    with pytest.raises(ValueError, match="validation_data's X_val holds values up to"):
        MixAnN(n_episodes=2, validation_data=(X * 1e154, y), random_state=0).fit_resample(X, y)


def test_mix_refuses_an_alpha_that_would_broadcast_over_features():
    from mixann.mixup import mix

    # A 1-D alpha as long as one sample's features was taken as a per-feature mix.
    with pytest.raises(ValueError, match=r"alpha must be one number or one per row"):
        mix([0.0, 2.0], [1.0, 0.0], [0.25, 0.5])
    with pytest.raises(ValueError, match=r"alpha of shape \(3,\) for x0 of shape \(2, 2\)"):
        mix(np.zeros((2, 2)), np.ones((2, 2)), [0.1, 0.2, 0.3])
    np.testing.assert_allclose(mix(np.zeros((2, 2)), np.ones((2, 2)), [0.25, 1.0]),
                               [[0.75, 0.75], [0.0, 0.0]])


# ------------------------------------ session 45's seventh audit: detectors, data (helper 17)
def test_xgbod_still_warns_about_a_misspelt_parameter():
    import warnings

    from mixann.detectors import make_detector

    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        make_detector("xgbod", budget="test").fit(X, y)
    assert not [w for w in caught if "are not used" in str(w.message)]  # pyod's own "silent"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        make_detector("xgbod", budget="test", max_dpeth=2).fit(X, y)
    assert [w for w in caught if '"max_dpeth"' in str(w.message)]  # was hidden with "silent"


@pytest.mark.parametrize("make", [lambda D, S: D(hidden=(0,)), lambda D, S: S(hidden=(16, 0)),
                                  lambda D, S: S(rep_dim=0), lambda D, S: D(hidden=(8, 2.5))])
def test_detectors_refuse_layer_widths_that_are_not_positive_integers(make):
    from mixann.detectors import DeepSAD, DevNet

    X, y = make_diverse_minorities(n_samples=100, random_state=0)
    # A width 0 fitted and gave every row one score, so the threshold flagged every row.
    with pytest.raises(ValueError, match="positive integer"):
        make(DevNet, DeepSAD).fit(X, y)


def test_a_file_that_is_not_an_npz_archive_is_named_as_such(tmp_path):
    from mixann.datasets import load_dataset

    (tmp_path / "page.npz").write_text("<html><body>not data</body></html>")
    with pytest.raises(ValueError) as err:  # numpy advised allow_pickle=True here
        load_dataset("page", tmp_path)
    assert "page.npz is not a numpy .npz archive (it starts with b'<html>" in str(err.value)
    assert "allow_pickle" not in str(err.value)
    np.save(tmp_path / "one.npy", np.zeros(3))
    (tmp_path / "one.npy").rename(tmp_path / "one.npz")
    with pytest.raises(ValueError, match=r"holds one numpy array.*np.savez"):  # was a TypeError
        load_dataset("one", tmp_path)


def test_a_tilde_in_the_data_folder_is_the_home_folder(monkeypatch, tmp_path):
    from pathlib import Path

    from mixann.datasets import data_dir, toy2_path

    monkeypatch.setenv("MIXANN_DATA", "~/mixann-data")
    assert data_dir() == Path.home() / "mixann-data"
    assert data_dir("~/other") == Path.home() / "other"
    monkeypatch.setenv("MIXANN_TOY2", "~/toy2.csv")
    assert toy2_path() == Path.home() / "toy2.csv"


def test_load_toy2_refuses_an_empty_cell(tmp_path):
    csv = tmp_path / "toy2.csv"
    csv.write_text("label,x,y\nnominal,0.1,0.2\nanomaly,0.9,\n")
    with pytest.raises(ValueError, match=r"empty or not finite in 1 row\(s\) \(first: data row 2\)"):
        load_toy2(csv)


def test_save_policy_after_a_fit_on_classes_of_equal_size_says_none_was_trained(tmp_path):
    from mixann import MixAnN

    X = np.random.default_rng(0).normal(size=(30, 2))
    sampler = MixAnN(n_episodes=2, max_steps_per_episode=5, random_state=0).fit(X, np.repeat([0, 1, 2], 10))
    assert sampler.samplers_ == {}
    with pytest.raises(ValueError, match="no class was augmented, so no policy was trained"):
        sampler.save_policy(tmp_path / "p.pt")
