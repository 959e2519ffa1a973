"""MixAnN end to end: the synthetic-sample invariant, determinism, sklearn/imblearn use, models."""

import re

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import Pipeline
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from xgboost import XGBClassifier

from mixann import MixAnN, MixAnNClassifier


def _check_invariant(sampler, X, y):
    """Every synthetic row is alpha*X[i0] + (1-alpha)*X[i1]. Paper preset: y[i0] != y[i1],
    labelled by Eq. 2. Default preset: labelled minority with X[i0] a minority point; "boundary"
    mixes it with a majority X[i1], alpha in [eta, 1] (mixann.mixup.minority_mix); "interior"
    with another minority point; "spread" is the midpoint of two distinct minority points; "copy"
    repeats a minority row. "swap" is no convex mix: each feature is one of its two distinct
    minority sources', and alpha the share taken from the first. "beta-mix" mixes an anomaly
    X[i0] with a majority X[i1], labelled minority where alpha >= 0.5 and majority below."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    i0, i1 = sampler.synthetic_sources_.T
    alpha = sampler.synthetic_alpha_
    assert np.all((alpha >= 0) & (alpha <= 1))
    if sampler.preset == "default" and sampler.history_["mix_kind"] == "swap":
        from_first = sampler.synthetic_X_ == X[i0]
        assert np.all(from_first | (sampler.synthetic_X_ == X[i1]))
        # A feature both sources share counts as the first's: alpha can only be above it.
        assert np.all(from_first.mean(axis=1) >= alpha - 1e-12)
        assert np.all(sampler.synthetic_y_ == sampler.minority_label_)
        assert np.all(y[i0] == y[i1]) and np.all(y[i0] == sampler.minority_label_)
        assert np.all(i0 != i1)
        return
    expected = alpha[:, None] * X[i0] + (1 - alpha[:, None]) * X[i1]
    np.testing.assert_allclose(sampler.synthetic_X_, expected, rtol=0, atol=1e-12)
    if sampler.preset == "paper":
        assert np.all(y[i0] != y[i1])
        np.testing.assert_array_equal(sampler.synthetic_y_,
                                      np.where(alpha >= sampler.eta, y[i0], y[i1]))
        return
    minority = sampler.minority_label_
    if sampler.history_["mix_kind"] == "beta-mix":
        # MixBoost's mix: an anomaly and a majority row, an anomaly where its share >= 0.5.
        assert np.all(y[i0] == minority) and np.all(y[i1] != minority)
        np.testing.assert_array_equal(sampler.synthetic_y_ == minority, alpha >= 0.5)
        return
    assert np.all(sampler.synthetic_y_ == minority) and np.all(y[i0] == minority)
    if sampler.history_["mix_kind"] == "boundary":
        assert np.all(y[i1] != minority) and np.all(alpha >= sampler.eta - 1e-12)
    elif sampler.history_["mix_kind"] == "interior":
        assert np.all(y[i1] == minority) and np.all(i0 != i1)
    elif sampler.history_["mix_kind"] == "spread":
        assert np.all(y[i1] == minority) and np.all(i0 != i1) and np.all(alpha == 0.5)
    elif sampler.history_["mix_kind"] == "copy":
        assert np.all(i0 == i1) and np.all(alpha == 1)


def test_default_preset_on_vowels(vowels, tiny):
    from mixann.selection import volume_target

    X, y = vowels
    # selection_prune=None: every candidate on every fold (KNN's default prunes, row 95; the
    # pruned search has its own tests in test_selection_prune.py).
    sampler = MixAnN(random_state=0, guard=False, selection_prune=None, **tiny)
    X_res, y_res = sampler.fit_resample(X, y)
    h = sampler.history_
    cands = {(c["kind"], c["volume"]): c["score"] for c in h["candidates"]}
    assert h["preset"] == "default" and set(cands) == {
        (k, v) for k in ("boundary", "spread") for v in (0.25, 1.0)}  # guard=False: no 0
    assert cands[(h["mix_kind"], h["volume"])] == max(cands.values())
    target = volume_target(h["volume"], (y == sampler.minority_label_).astype(int))
    n_min = int(np.sum(sampler.synthetic_y_ == sampler.minority_label_))
    # generation stops in the round that reaches the target; one sample brings <= N copies
    assert target <= n_min < target + sampler.max_oversample
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(X_res[len(X):], sampler.synthetic_X_)
    _check_invariant(sampler, X, y)


def test_copy_kind_returns_each_anomaly_equally_often(diverse, tiny):
    X, y = diverse
    # One draw: with more, and no validation_data, draws come from the training part only, so
    # the anomalies carved out for validation get no copies (test_default_preset's n_draws tests)
    sampler = MixAnN(random_state=0, guard=False, n_draws=1, **{**tiny, "mix_kinds": ("copy",)})
    X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.history_["mix_kind"] == "copy" and len(X_res) > len(X)
    _check_invariant(sampler, X, y)
    counts = np.bincount(sampler.synthetic_sources_[:, 0], minlength=len(y))[y == 1]
    assert counts.max() - counts.min() <= 1


def test_swap_kind_crosses_over_two_anomalies(diverse, tiny):
    X, y = diverse
    sampler = MixAnN(random_state=0, guard=False, **{**tiny, "mix_kinds": ("swap",)})
    X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.history_["mix_kind"] == "swap" and len(X_res) > len(X)
    _check_invariant(sampler, X, y)
    # The same seed gives the same bytes, as for every kind.
    again = MixAnN(random_state=0, guard=False, **{**tiny, "mix_kinds": ("swap",)})
    assert again.fit_resample(X, y)[0].tobytes() == X_res.tobytes()


def test_invariant_on_vowels(vowels, paper_tiny):
    X, y = vowels
    tiny = paper_tiny
    sampler = MixAnN(random_state=0, guard=False, **tiny)
    X_res, y_res = sampler.fit_resample(X, y)
    n_syn = len(sampler.synthetic_X_)
    assert n_syn > 0
    assert X_res.shape == (len(X) + n_syn, X.shape[1])
    np.testing.assert_array_equal(X_res[: len(X)], X)  # the caller's whole X comes first
    np.testing.assert_array_equal(X_res[len(X):], sampler.synthetic_X_)
    np.testing.assert_array_equal(y_res[len(y):], sampler.synthetic_y_)
    _check_invariant(sampler, X, y)
    h = sampler.history_
    assert len(h["episodes"]) == tiny["n_episodes"]
    assert sum(e["n_steps"] for e in h["episodes"]) == len(h["steps"])
    assert {"episode", "k", "alpha", "n", "eps", "reward", "delta_metric", "confidence",
            "metric"} <= set(h["steps"][0])
    chosen = h["episodes"][h["returned_episode"]]
    assert chosen["score"] == max(e["score"] for e in h["episodes"])
    assert chosen["n_synthetic"] == n_syn


def test_same_seed_same_bytes(diverse, tiny):
    X, y = diverse
    s1 = MixAnN(random_state=3, guard=False, **tiny)
    s2 = MixAnN(random_state=3, guard=False, **tiny)
    s1.fit_resample(X, y), s2.fit_resample(X, y)
    assert s1.synthetic_X_.tobytes() == s2.synthetic_X_.tobytes()
    assert s1.history_ == s2.history_
    for p1, p2 in zip(s1.actor_.parameters(), s2.actor_.parameters()):
        assert p1.detach().numpy().tobytes() == p2.detach().numpy().tobytes()


def test_fit_learns_what_fit_resample_returns(diverse, tiny):
    # imbalanced-learn's own fit looks for a sampling_strategy parameter, which MixAnN has not.
    X, y = diverse
    fitted = MixAnN(random_state=3, guard=False, **tiny)
    assert fitted.fit(X, y) is fitted
    X_res, y_res = MixAnN(random_state=3, guard=False, **tiny).fit_resample(X, y)
    assert len(fitted.synthetic_X_) > 0
    assert np.vstack([X, fitted.synthetic_X_]).tobytes() == X_res.tobytes()
    assert np.array_equal(np.concatenate([y, fitted.synthetic_y_]), y_res)


def test_same_bytes_whatever_torch_threads(tiny):
    """The bench's workers run torch on one thread, a user's process on all its cores: the
    same seed must give the same samples and weights either way. Torch splits the networks'
    products by thread count only on wide states (here from about 800 numbers: 400 features), where
    ``n_threads=1`` (the default) is what keeps the bytes equal; ``n_threads=None`` leaves
    torch alone and there the weights differ."""
    import torch

    from mixann.datasets import make_diverse_minorities

    X, y = make_diverse_minorities(n_samples=200, n_features=1000, random_state=1)
    params = dict(tiny, hidden_sizes=(64, 64), batch_size=64, ddpg_updates=10,
                  mix_kinds=("boundary",), guard=False, random_state=5)

    def actor_bytes(sampler):
        return b"".join(p.detach().numpy().tobytes() for p in sampler.actor_.parameters())

    previous, fitted = torch.get_num_threads(), {}
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            for n_threads in (1, None):
                sampler = MixAnN(n_threads=n_threads, **params)
                sampler.fit_resample(X, y)
                fitted[threads, n_threads] = sampler
            assert torch.get_num_threads() == threads  # restored after fit_resample
    finally:
        torch.set_num_threads(previous)
    one, two = fitted[1, 1], fitted[2, 1]
    assert len(one.synthetic_X_) > 0
    assert one.synthetic_X_.tobytes() == two.synthetic_X_.tobytes()
    assert actor_bytes(one) == actor_bytes(two)
    # Without the fixed count the thread setting shows in the weights: the check above can fail.
    assert actor_bytes(fitted[1, None]) != actor_bytes(fitted[2, None])


def test_different_seed_differs(diverse, tiny):
    X, y = diverse
    s1 = MixAnN(random_state=0, guard=False, **tiny)
    s2 = MixAnN(random_state=1, guard=False, **tiny)
    s1.fit_resample(X, y), s2.fit_resample(X, y)
    assert s1.history_["steps"] != s2.history_["steps"]


def test_guard_returns_nothing_when_no_episode_wins(diverse, paper_tiny):
    X, y = diverse
    sampler = MixAnN(random_state=0, guard=True, **paper_tiny)
    sampler.fit_resample(X, y)
    h = sampler.history_
    best = max(e["score"] for e in h["episodes"])
    assert h["guard_fired"] == (best <= h["baseline_score"])
    if h["guard_fired"]:
        assert len(sampler.synthetic_X_) == 0 and h["returned_episode"] is None
    else:
        assert len(sampler.synthetic_X_) > 0


@pytest.mark.parametrize("preset", ["default", "paper"])
def test_guard_fires_when_baseline_is_perfect(tiny, preset):
    # Two well-separated blobs: the un-augmented KNN is already perfect on validation (and on
    # every fold), so nothing can beat it and the guard must return the data unchanged.
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 0.1, (200, 2)), rng.normal(10, 0.1, (20, 2))])
    y = np.array([0] * 200 + [1] * 20)
    sampler = MixAnN(random_state=0, **{**tiny, "preset": preset})
    X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.history_["baseline_score"] == 1.0
    assert sampler.history_["guard_fired"] is True
    assert X_res.shape == X.shape and sampler.synthetic_X_.shape == (0, 2)
    if preset == "default":
        # The guard is volume 0 winning exact ties; selection_rule="best-larger" sends the
        # same tie (every candidate perfect out of fold) to the larger volume instead.
        larger = MixAnN(random_state=0, selection_rule="best-larger", **tiny)
        larger.fit_resample(X, y)
        h = larger.history_
        assert larger.selection_rule_ == "best-larger" and not h["guard_fired"]
        assert {c["score"] for c in h["candidates"]} == {1.0} and h["volume"] == 1.0


def test_pipeline_and_dataframe(diverse, tiny):
    X, y = diverse
    frame = pd.DataFrame(X, columns=["f0", "f1"])
    labels = pd.Series(np.where(y == 1, "fraud", "ok"), name="label")
    sampler = MixAnN(random_state=0, guard=False, **tiny)
    X_res, y_res = sampler.fit_resample(frame, labels)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == ["f0", "f1"]
    assert isinstance(y_res, pd.Series) and set(y_res) == {"fraud", "ok"}
    assert sampler.minority_label_ == "fraud"
    _check_invariant(sampler, frame.to_numpy(), labels.to_numpy())

    pipe = Pipeline([("mixann", MixAnN(random_state=0, **tiny)),
                     ("knn", KNeighborsClassifier(n_neighbors=10))])
    pipe.fit(frame, labels)
    assert set(pipe.predict(frame)) <= {"fraud", "ok"}
    assert pipe.get_params()["mixann__eta"] == 0.3
    pipe.set_params(mixann__eta=0.4)
    assert pipe.named_steps["mixann"].eta == 0.4


def test_dataframe_integer_and_boolean_columns_come_back_as_float(diverse, tiny):
    # Cast back to int or bool, a synthetic 1.5 would read 1 and a mix of False and True
    # would read True: the returned rows must be the synthetic rows themselves.
    X, y = diverse
    frame = pd.DataFrame({"count": np.round(X[:, 0] * 10).astype(int), "flag": X[:, 1] > 0,
                          "x": X[:, 1].astype(np.float32)})
    sampler = MixAnN(random_state=0, guard=False, **tiny)
    X_res, _ = sampler.fit_resample(frame, y)
    assert X_res.dtypes.to_dict() == {"count": np.float64, "flag": np.float64, "x": np.float32}
    synthetic = X_res.iloc[len(frame):].to_numpy(dtype=float)
    assert not np.all(synthetic[:, :2] == np.round(synthetic[:, :2]))  # fractions survive
    np.testing.assert_allclose(synthetic, sampler.synthetic_X_, rtol=1e-6)
    np.testing.assert_array_equal(X_res.iloc[:len(frame)].to_numpy(dtype=float),
                                  frame.to_numpy(dtype=float))


@pytest.mark.parametrize("estimator", [
    KNeighborsClassifier(n_neighbors=10),
    XGBClassifier(n_estimators=20, max_depth=3, n_jobs=1, verbosity=0),
    MLPClassifier(hidden_layer_sizes=(16,), max_iter=50, random_state=0),
], ids=["knn", "xgboost", "mlp"])
def test_each_classifier(vowels, tiny, estimator):
    X, y = vowels
    clf = MixAnNClassifier(estimator=estimator, random_state=0, guard=False,
                           **{**tiny, "n_episodes": 2, "max_steps_per_episode": 3})
    clf.fit(X, y)
    assert clf.predict(X).shape == (len(X),)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    _check_invariant(clf.sampler_, X, y)


def test_validation_data_uses_all_of_x(diverse, tiny):
    X, y = diverse
    X_val, y_val = X[:80], y[:80]
    sampler = MixAnN(random_state=0, guard=False, validation_data=(X_val, y_val), **tiny)
    sampler.fit_resample(X[80:], y[80:])
    _check_invariant(sampler, X[80:], y[80:])
    assert sampler.synthetic_sources_.max() < len(X) - 80


def test_verbose_progress_runs(diverse, tiny, capsys):
    X, y = diverse
    MixAnN(random_state=0, verbose=True, **tiny).fit_resample(X, y)
    captured = capsys.readouterr()
    out = captured.err  # on stderr, as tqdm's are: stdout stays the caller's
    assert "MixAnN val f1_macro" in out and captured.out == ""
    # the search's own bar, finished: TINY's 2 folds
    assert re.search(r"volume search, folds\W+2/2", out)


def test_on_fold_reports_every_fold():
    # select_volume's hook behind the bar: in order, with the total, whole at each fold's end
    # and in fractions of a fold as its fits come back (two here: volume 0 and 0.5).
    from sklearn.neighbors import KNeighborsClassifier

    from mixann.rollout import spread
    from mixann.selection import select_volume

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2)); y = (np.arange(60) < 8).astype(int)
    for knn, expected in [
            # refitted per candidate (a brute-force search)
            (KNeighborsClassifier(3, algorithm="brute"),
             [(i + j / 2, 6) for i in range(6) for j in (1, 2)]),
            # one neighbour search per fold (mixann.knn_votes): every candidate at once
            (KNeighborsClassifier(3), [(i + 1, 6) for i in range(6)])]:
        calls = []
        select_volume({"spread": spread}, knn, X[:40], y[:40], X[40:], y[40:],
                      (0.0, 0.5), n_splits=3, n_repeats=2, metric="f1_macro", seed=0,
                      on_fold=lambda done, total: calls.append((done, total)))
        assert calls == expected


def test_accumulate_returns_union_of_kept_episodes(vowels, paper_tiny):
    X, y = vowels
    sampler = MixAnN(random_state=0, guard=False, accumulate=True,
                     **{**paper_tiny, "n_episodes": 4})
    sampler.fit_resample(X, y)
    episodes = sampler.history_["episodes"]
    kept = [e for e in episodes if e.get("kept")]
    assert kept, "the first non-empty episode scoring >= the un-augmented classifier is kept"
    assert len(sampler.synthetic_X_) == sum(e["n_synthetic"] for e in kept)
    # each kept episode scored at least as well as every episode kept before it
    scores = [e["score"] for e in kept]
    assert scores == sorted(scores) and scores[0] >= sampler.history_["baseline_score"]
    _check_invariant(sampler, X, y)


@pytest.mark.parametrize("kind", ["no-improvement", "no-exploration", "random"])
def test_ablation_changes_only_the_reward(diverse, tiny, kind):
    X, y = diverse
    # Warm-up covers the first episode, so its actions are the same random draws for all kinds.
    params = {**tiny, "warmup_steps": tiny["max_steps_per_episode"], "guard": False}
    full = MixAnN(random_state=0, reward="full", **params)
    ablated = MixAnN(random_state=0, reward=kind, **params)
    full.fit_resample(X, y), ablated.fit_resample(X, y)
    same = ("episode", "k", "alpha", "n", "eps", "metric", "delta_metric", "confidence")
    first_full = [s for s in full.history_["steps"] if s["episode"] == 0]
    first_abl = [s for s in ablated.history_["steps"] if s["episode"] == 0]
    assert [{k: s[k] for k in same} for s in first_full] == [{k: s[k] for k in same} for s in first_abl]
    for s in ablated.history_["steps"]:
        expected = {"no-improvement": 10 * s["metric"] * s["confidence"],
                    "no-exploration": 10 * s["delta_metric"]}.get(kind)
        if expected is None:
            assert 0.0 <= s["reward"] < 1.0
        else:
            assert s["reward"] == pytest.approx(expected)
    for s in full.history_["steps"]:
        assert s["reward"] == pytest.approx(10 * s["delta_metric"] * s["confidence"])
