"""``selection_prune``: the volume search keeps scoring only the best share of its candidates
after its first folds (docs/quality.md, row 93)."""

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from mixann import MixAnN
from mixann.bench.runner import parse_method, resolve_methods
from mixann.rollout import spread, swap
from mixann.selection import kept_candidates, prune_folds, select_volume


def _scattered(seed=1):
    # A uniform majority and two small anomaly clusters: augmentation changes the scores.
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.uniform(0, 1, (300, 2)), rng.normal(0.5, 0.03, (30, 2))])
    X[300:315] += 0.3
    return X, np.array([0] * 300 + [1] * 30)


class _CountingTree(DecisionTreeClassifier):
    """A decision tree that counts its fits (class-level: clones share the list)."""

    fits = []

    def fit(self, X, y, sample_weight=None):
        type(self).fits.append(len(y))
        return super().fit(X, y, sample_weight=sample_weight)


GENERATORS = {"spread": lambda Xp, yp, n, g: spread(Xp, yp, n, rng=g),
              "swap": lambda Xp, yp, n, g: swap(Xp, yp, n, rng=g)}
VOLUMES = (0.0, 0.05, 0.1, 0.2, 0.5, 1.0)


def _search(prune=None, on_prune=None, estimator=None, n_jobs=None):
    X, y = _scattered()
    return select_volume(GENERATORS, estimator or DecisionTreeClassifier(random_state=0),
                         X[::2], y[::2], X[1::2], y[1::2], VOLUMES, n_splits=5, n_repeats=1,
                         metric="f1_macro", seed=0, prune=prune, on_prune=on_prune,
                         n_jobs=n_jobs)


def test_prune_folds_is_half_of_one_repeat_rounded_down():
    assert [prune_folds(n) for n in (2, 3, 4, 5, 10)] == [1, 1, 2, 2, 5]


def test_kept_candidates_hand_computed():
    early = {(None, 0.0): 0.50, ("a", 0.1): 0.80, ("a", 0.5): 0.70, ("b", 0.1): 0.70,
             ("b", 0.5): 0.90, ("b", 1.0): 0.60}
    # ceil(0.3 * 6) = 2 best: b 0.5 and a 0.1; no augmentation is kept whatever it scores.
    assert kept_candidates(early, 0.3) == [(None, 0.0), ("a", 0.1), ("b", 0.5)]
    # ceil(0.5 * 6) = 3: the 0.70 tie goes to the smaller volume (b 0.1), as choose() does.
    assert kept_candidates(early, 0.5) == [(None, 0.0), ("a", 0.1), ("b", 0.1), ("b", 0.5)]
    assert kept_candidates(early, 1.0) == list(early)
    for bad in (0.0, -0.1, 1.5):
        with pytest.raises(ValueError, match=r"share of candidates kept must be in \(0, 1\]"):
            kept_candidates(early, bad)


def test_a_pruned_search_scores_the_kept_candidates_as_the_full_search_does():
    full_best, full = _search()
    seen = []
    best, kept = _search(prune=0.25, on_prune=lambda early, k: seen.append((early, k)))
    assert len(seen) == 1
    early, kept_list = seen[0]
    assert set(early) == set(full)  # every candidate was scored on the first two folds
    assert list(kept) == kept_list and (None, 0.0) in kept
    n_keep = int(np.ceil(0.25 * len(full)))
    assert len(kept) in (n_keep, n_keep + 1)  # + no augmentation, when it is not among them
    dropped = set(full) - set(kept)
    assert dropped and min(early[c] for c in kept if c[0]) >= max(early[c] for c in dropped)
    # The kept candidates' rows and fits are the full search's: the same scores to the bit.
    assert {c: full[c] for c in kept} == kept
    if full_best in kept:
        assert best == full_best
    assert best == max(kept, key=lambda c: (kept[c][0], -c[1]))


def test_pruning_fits_fewer_classifiers():
    _CountingTree.fits = []
    _search(estimator=_CountingTree(random_state=0))
    n_full = len(_CountingTree.fits)
    _CountingTree.fits = []
    _, kept = _search(prune=0.25, estimator=_CountingTree(random_state=0))
    n_pruned = len(_CountingTree.fits)
    n_candidates = 1 + 2 * (len(VOLUMES) - 1)
    assert n_full == 5 * n_candidates
    assert n_pruned == 2 * n_candidates + 3 * len(kept) < n_full


def _tiny_fit(estimator, **params):
    X, y = _scattered()
    sampler = MixAnN(estimator=estimator, mix_kinds=("spread", "swap"), random_state=0,
                     n_episodes=1, max_steps_per_episode=5, warmup_steps=5, ddpg_updates=2,
                     n_draws=1, **params)
    X_res, _ = sampler.fit_resample(X, y)
    return sampler, X_res


def test_mixann_selection_prune_returns_the_full_searchs_rows_when_its_choice_is_kept():
    X, y = _scattered()
    # A stump of depth 2 gains from augmentation here (swap at 0.35 of the gap, on every
    # fold), so the rows compared below are synthetic ones, not an empty set.
    tree = DecisionTreeClassifier(max_depth=2, random_state=0)
    full, X_full = _tiny_fit(tree)
    pruned, X_pruned = _tiny_fit(tree, selection_prune=0.25)
    h, hf = pruned.history_, full.history_
    assert hf["pruned"] == [] and len(h["pruned"]) > 0
    assert len(h["candidates"]) + len(h["pruned"]) == len(hf["candidates"])
    full_scores = {(c["kind"], c["volume"]): c["score"] for c in hf["candidates"]}
    assert all(full_scores[(c["kind"], c["volume"])] == c["score"] for c in h["candidates"])
    assert hf["mix_kind"] is not None  # the full search's choice adds rows ...
    assert (hf["mix_kind"], hf["volume"]) in {(c["kind"], c["volume"]) for c in h["candidates"]}
    # ... and the pruned search kept it, so it returns the same rows.
    assert (h["mix_kind"], h["volume"]) == (hf["mix_kind"], hf["volume"])
    assert len(X_full) > len(X) and np.array_equal(X_pruned, X_full)


@pytest.mark.parametrize("bad", [0, 1.5, -0.2])
def test_selection_prune_outside_0_1_is_refused(bad):
    X, y = _scattered()
    with pytest.raises(ValueError, match="selection_prune"):
        MixAnN(selection_prune=bad).fit_resample(X, y)


def test_the_bench_sweeps_selection_prune():
    assert resolve_methods("", ["selection_prune=0.25,0.5"]) == [
        "mixann[selection_prune=0.25]", "mixann[selection_prune=0.5]"]
    assert parse_method("mixann[selection_prune=0.25]") == ("mixann", {"selection_prune": 0.25})
    with pytest.raises(ValueError, match=r"selection_prune values must be numbers in \(0, 1\]"):
        parse_method("mixann[selection_prune=0]")
    with pytest.raises(ValueError, match="default preset"):
        parse_method("mixann-paper[selection_prune=0.5]")


def test_a_pruned_search_gives_the_same_choice_with_parallel_fits():
    # Two phases of fits, each in one joblib pool; the prune reads the first phase's scores
    # only after every one of its fits is back, so n_jobs cannot change what is kept.
    assert _search(prune=0.25, n_jobs=2) == _search(prune=0.25)


def test_kept_candidates_break_ties_the_way_the_rule_does():
    # selection_rule="best-larger" sends an exact tie at the top to the larger volume, so the
    # pruning must not drop the larger volumes of that tie before the last folds.
    early = {(None, 0.0): 1.0, ("spread", 0.25): 1.0, ("spread", 1.0): 1.0,
             ("boundary", 0.25): 1.0, ("boundary", 1.0): 1.0}
    # Two of five kept (ceil(0.25 * 5)), no augmentation among them: ties lean smaller.
    assert kept_candidates(early, 0.25) == [(None, 0.0), ("spread", 0.25)]
    assert kept_candidates(early, 0.25, larger_ties=True) == [
        (None, 0.0), ("spread", 1.0), ("boundary", 1.0)]


def test_kept_candidates_count_is_not_thrown_by_float_rounding():
    # 0.7 * 10 is 7.000000000000001 in floats; its plain ceiling kept 8 of 10.
    early = {("k", v / 10): float(v) for v in range(1, 11)}
    assert len(kept_candidates(early, 0.7)) == 7


def test_auto_prunes_for_xgboost_the_mlp_and_knn_only():
    # XGBoost's linear booster since session 72 (row 98), its random forest not.
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from xgboost import XGBClassifier, XGBRFClassifier

    from mixann.defaults import PRUNE_SHARE, default_selection_prune

    assert PRUNE_SHARE == 0.25
    for measured in (XGBClassifier(), XGBClassifier(booster="dart"), MLPClassifier(),
                     KNeighborsClassifier(), XGBClassifier(booster="gblinear"),
                     make_pipeline(StandardScaler(), XGBClassifier(booster="gblinear")),
                     make_pipeline(StandardScaler(), XGBClassifier()),
                     make_pipeline(StandardScaler(), MLPClassifier()),
                     make_pipeline(StandardScaler(), KNeighborsClassifier())):
        assert default_selection_prune(measured) == PRUNE_SHARE
    # Classifiers whose pruned search was never measured keep the full search.
    for other in (XGBRFClassifier(), XGBRFClassifier(booster="gblinear"),
                  DecisionTreeClassifier(), make_pipeline(StandardScaler(),
                                                          DecisionTreeClassifier())):
        assert default_selection_prune(other) is None


def test_the_default_prunes_xgboosts_an_mlps_and_a_knns_search_and_not_a_trees():
    # XGBoost's linear booster too (row 98).
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from xgboost import XGBClassifier

    xgb, _ = _tiny_fit(XGBClassifier(n_estimators=5, max_depth=2, n_jobs=1, random_state=0))
    assert xgb.selection_prune == "auto" and xgb.selection_prune_ == 0.25
    assert len(xgb.history_["pruned"]) > 0
    mlp, _ = _tiny_fit(MLPClassifier(hidden_layer_sizes=(4,), max_iter=30, random_state=0))
    assert mlp.selection_prune_ == 0.25 and len(mlp.history_["pruned"]) > 0
    knn, _ = _tiny_fit(KNeighborsClassifier(10))
    assert knn.selection_prune_ == 0.25 and len(knn.history_["pruned"]) > 0
    linear, _ = _tiny_fit(XGBClassifier(booster="gblinear", n_estimators=5, n_jobs=1,
                                        random_state=0))
    assert linear.selection_prune_ == 0.25 and len(linear.history_["pruned"]) > 0
    tree, _ = _tiny_fit(DecisionTreeClassifier(max_depth=2, random_state=0))
    assert tree.selection_prune_ is None and tree.history_["pruned"] == []


def test_a_share_of_one_is_the_full_search():
    # Every candidate is kept after the first folds, so each is scored on every fold with
    # the full search's rows: the same choice, scores and rows.
    tree = DecisionTreeClassifier(max_depth=2, random_state=0)
    full, X_full = _tiny_fit(tree, selection_prune=None)
    one, X_one = _tiny_fit(tree, selection_prune=1.0)
    assert one.history_["pruned"] == []
    assert one.history_["candidates"] == full.history_["candidates"]
    assert np.array_equal(X_one, X_full)
