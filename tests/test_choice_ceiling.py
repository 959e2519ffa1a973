"""benchmarks/choice_ceiling.py: the choice rules on hand-computed scores, and one real cell."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mixann.bench.runner import Cell, run_cell

from conftest import load_benchmark


@pytest.fixture(scope="module")
def ceiling():
    return load_benchmark("choice_ceiling")


SCORES = {(None, 0.0): 0.5, ("a", 0.1): 0.9, ("a", 0.2): 0.6, ("a", 0.5): 0.6, ("a", 1.0): 0.8,
          ("b", 0.1): 0.7, ("b", 0.2): 0.75, ("b", 0.5): 0.7, ("b", 1.0): 0.5}


def test_smooth_choice_averages_neighbouring_volumes(ceiling):
    # a: 0.1 -> mean(0.5, 0.9, 0.6) = 0.667, 1.0 -> mean(0.6, 0.8) = 0.7;
    # b: 0.1 -> mean(0.5, 0.7, 0.75) = 0.65, 0.2 -> mean(0.7, 0.75, 0.7) = 0.717 (the best);
    # the single best score, a at 0.1, loses its lead once its neighbours count.
    assert ceiling.smooth_choice(SCORES) == ("b", 0.2)
    assert max(SCORES, key=SCORES.get) == ("a", 0.1)


def test_median_se_choice_takes_the_middle_of_the_near_ties(ceiling):
    scores = {(None, 0.0): (0.80, 0.01), ("a", 0.1): (0.84, 0.02), ("a", 0.5): (0.86, 0.03),
              ("a", 1.0): (0.70, 0.05), ("b", 0.2): (0.83, 0.01), ("b", 0.35): (0.85, 0.02)}
    # Best: a at 0.5 (0.86), floor 0.86 - 0.03 = 0.83: a 0.1, b 0.2, b 0.35, a 0.5 are near;
    # by volume 0.1, 0.2, 0.35, 0.5 -> the upper middle, b at 0.35 (the argmax is a at 0.5,
    # the one-standard-error rule a at 0.1).
    assert ceiling.median_se_choice(scores) == ("b", 0.35)
    # b and no augmentation only: best b 0.35 (0.85), floor 0.83: b 0.2 and b 0.35 -> 0.35.
    assert ceiling.median_se_choice(scores, kinds=("b",)) == ("b", 0.35)
    # A wide standard error lets no augmentation in: floor 0.86 - 0.07 = 0.79 takes every
    # candidate but a at 1.0; by volume 0, 0.1, 0.2, 0.35, 0.5 -> the middle, b at 0.2.
    wide = {**scores, ("a", 0.5): (0.86, 0.07)}
    assert ceiling.median_se_choice(wide) == ("b", 0.2)
    # One candidate within reach: the rule is the argmax.
    assert ceiling.median_se_choice({(None, 0.0): (0.5, 0.0), ("a", 0.1): (0.9, 0.0)}) == \
        ("a", 0.1)


def test_best_larger_breaks_exact_ties_towards_balance(ceiling):
    scores = {(None, 0.0): (0.60, 0.1), ("a", 0.05): (0.93, 0.05), ("a", 0.35): (0.93, 0.04),
              ("b", 0.35): (0.93, 0.02), ("b", 1.0): (0.91, 0.03)}
    # Three exact ties at 0.93: the default rule takes the smallest volume (a at 0.05), this
    # one the largest (0.35), and between a and b at 0.35 the earlier candidate, a.
    assert ceiling.choose(scores) == ("a", 0.05)
    assert ceiling.choose(scores, larger_ties=True) == ("a", 0.35)
    # Without a tie both rules take the argmax, whatever its volume.
    untied = {**scores, ("a", 0.05): (0.94, 0.05)}
    assert ceiling.choose(untied, larger_ties=True) == ("a", 0.05)
    record = {"dataset": "d", "candidates": [
        {"kind": k, "volume": v, "score": sc, "se": se, "f1": 0.5 + v / 2}
        for (k, v), (sc, se) in scores.items()]}
    replayed = ceiling.replay_rules(record)
    assert replayed["picks"]["best-larger"] == ["a", 0.35]
    assert replayed["rules"]["best-larger"] == 0.675 and replayed["rules"]["best"] == 0.525


def test_balance_rule_is_spread_at_volume_one_whatever_the_scores(ceiling):
    scores = {(None, 0.0): (0.9, 0.01), ("spread", 0.1): (0.8, 0.01),
              ("spread", 1.0): (0.5, 0.01)}
    assert ceiling.score_only_picks(scores)["balance"] == ("spread", 1.0)
    # A record without that candidate (another grid or other kinds) has no balance rule.
    assert "balance" not in ceiling.score_only_picks({(None, 0.0): (0.9, 0.01),
                                                      ("boundary", 1.0): (0.5, 0.01)})


def test_blend_counts_average_the_best_candidates(ceiling):
    targets = {0.1: 10, 0.2: 20, 0.5: 50, 1.0: 100}
    # Best three of SCORES: a 0.1 (0.9), a 1.0 (0.8), b 0.2 (0.75): a (10 + 100) / 3, b 20 / 3.
    assert ceiling.blend_counts(SCORES, 3, targets) == {"a": 37, "b": 7}
    # Four: b at 0.1 and 0.5 tie at 0.7; the smaller volume comes first.
    assert ceiling.blend_counts(SCORES, 4, targets) == {"a": 28, "b": 8}
    # No augmentation among the best adds nothing but still takes its share.
    assert ceiling.blend_counts({(None, 0.0): 0.9, ("a", 0.5): 0.8}, 2, targets) == {"a": 25}


def test_one_cell_scores_every_candidate_on_test(ceiling, shared_datasets):
    record = ceiling.run_one(("knn", "vowels", 0, "test", str(shared_datasets / "adbench"),
                              {"choice_metrics": ("neg_brier_score", "f1_macro"),
                               "baseline": "autosmote", "cleaners": ("tomek",),
                               "blends": (1, 3)}))
    candidates = {(c["kind"], c["volume"]): c for c in record["candidates"]}
    assert len(candidates) == len(record["candidates"]) > 2
    assert (None, 0.0) in candidates
    assert set(record["rules"]) == {"fitted", "best", "best-larger", "smooth", "one-se",
                                    "balance", "median-se", "median-se:spread", "oracle",
                                    "metric:neg_brier_score", "metric:f1_macro",
                                    "fitted+tomek", "oracle+tomek", "baseline:autosmote",
                                    "oracle+autosmote", "blend-1", "blend-3"}
    # Choosing again from the record's candidates repeats every rule that needs nothing else.
    replayed = ceiling.replay_rules(record)
    for rule in ("best", "best-larger", "one-se", "balance", "median-se", "median-se:spread",
                 "oracle"):
        assert replayed["rules"][rule] == record["rules"][rule], rule
        assert replayed["picks"][rule] == list(record["picks"][rule]), rule
    # A blend of one candidate is the default rule's pick, rows and all.
    assert record["rules"]["blend-1"] == record["rules"]["best"]
    # The baseline is the bench's own cell: the same test F1 as `mixann bench` gives it.
    bench = run_cell(Cell("vowels", "knn", "autosmote", 0, "test"),
                     data_dir=shared_datasets / "adbench")
    assert record["baseline"] == {"method": "autosmote", "f1": bench["f1"]}
    assert record["rules"]["oracle+autosmote"] == max(record["rules"]["oracle"], bench["f1"])
    assert record["rules"]["oracle+tomek"] == max(c["cleaned"]["tomek"]
                                                  for c in candidates.values())
    # Choosing again with MixAnN's own metric repeats its choice: same folds, same rollouts.
    assert record["picks"]["metric:f1_macro"] == record["picks"]["best"]
    # Each rule's F1 is that of its pick; the oracle is the best of them all.
    for rule, pick in record["picks"].items():
        assert record["rules"][rule] == candidates[tuple(pick)]["f1"]
    assert record["rules"]["oracle"] == max(c["f1"] for c in candidates.values())
    assert 0.0 <= record["rules"]["fitted"] <= 1.0
    # The default rule's pick is the best pooled out-of-fold score.
    best = max(candidates.values(), key=lambda c: c["score"])["score"]
    assert candidates[tuple(record["picks"]["best"])]["score"] == best


def test_cleaners_remove_majority_rows_only(ceiling):
    # Rows 0 (class 0) and 1 (class 1) are each other's nearest neighbours: a Tomek link.
    # TomekLinks aimed at class 0 drops row 0 and keeps every class-1 row.
    X = np.array([[0.0], [0.1], [1.0], [1.2], [5.0], [5.3], [9.0]])
    y = np.array([0, 1, 1, 1, 0, 0, 0])
    X_clean, y_clean = ceiling.make_cleaner("tomek").fit_resample(X, y)
    assert X_clean.ravel().tolist() == [0.1, 1.0, 1.2, 5.0, 5.3, 9.0]
    assert y_clean.tolist() == [1, 1, 1, 0, 0, 0]
    with pytest.raises(ValueError, match="unknown cleaner"):
        ceiling.make_cleaner("smote")


def test_doctests(ceiling):
    import doctest

    result = doctest.testmod(ceiling)
    assert result.attempted > 0 and result.failed == 0


def test_mix_kinds_replace_the_candidate_kinds(ceiling, shared_datasets):
    record = ceiling.run_one(("knn", "vowels", 0, "test", str(shared_datasets / "adbench"),
                              {"mix_kinds": ("spread", "copy")}))
    assert record["mix_kinds"] == ["spread", "copy"]
    kinds = {c["kind"] for c in record["candidates"]}
    assert kinds == {None, "spread", "copy"}


# --- benchmarks/extra_kinds.py: kinds measured and not kept (rows 36, 43, 46, 47) -------------

def test_extra_kinds_doctests(extra_kinds):
    import doctest

    result = doctest.testmod(extra_kinds)
    assert result.attempted > 0 and result.failed == 0


def test_rose_noise_is_silverman_times_the_minority_std(extra_kinds):
    # Minority rows (0, 0), (2, 0), (0, 4): n = 3, d = 2, Silverman h = (4 / 12) ** (1 / 6)
    # = 0.83268; population std per feature sqrt(8/9) = 0.94281 and 2 * 0.94281 = 1.88562;
    # the noise's std per feature is their product: 0.78505 and 1.57009.
    X = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 4.0], [9.0, 9.0]])
    y = np.array([1, 1, 1, 0])
    assert extra_kinds.silverman_bandwidth(3, 2) == pytest.approx(0.83268, abs=1e-5)
    out = extra_kinds.rose(X, y, 30000, np.random.default_rng(0))
    noise = out.X - X[out.sources[:, 0]]
    assert set(out.sources[:, 0].tolist()) == {0, 1, 2} and out.y.tolist() == [1] * 30000
    assert noise.std(axis=0) == pytest.approx([0.78505, 1.57009], rel=0.02)
    assert extra_kinds.rose(X, y, 0, np.random.default_rng(0)).X.shape == (0, 2)


def test_local_noise_is_half_the_nearest_anomaly_distance(extra_kinds):
    # Minority rows (0, 0), (3, 0), (0, 8): nearest other anomaly at 3, 3 and 8 (the row at
    # (0, 0); (3, 0) is sqrt(73) away). Noise std per feature = 0.5 * distance / sqrt(2):
    # 1.06066, 1.06066, 2.82843.
    X = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 8.0], [9.0, 9.0]])
    y = np.array([1, 1, 1, 0])
    out = extra_kinds.local(X, y, 30000, np.random.default_rng(0))
    noise = out.X - X[out.sources[:, 0]]
    for row, expected in [(0, 1.06066), (1, 1.06066), (2, 2.82843)]:
        assert noise[out.sources[:, 0] == row].std(axis=0) == pytest.approx([expected] * 2,
                                                                             rel=0.03)


def test_smote_samples_lie_on_segments_to_a_near_anomaly(extra_kinds):
    # Anomalies on a line at 0, 1, 2, 10 (and a majority row far away); with k = 2 the anomaly
    # at 0 mixes with 1 or 2, never with 10; every sample lies between its two sources.
    X = np.array([[0.0], [1.0], [2.0], [10.0], [50.0]])
    y = np.array([1, 1, 1, 1, 0])
    out = extra_kinds.smote(X, y, 4000, np.random.default_rng(0), k=2)
    assert np.bincount(out.sources[:, 0], minlength=5).tolist() == [1000, 1000, 1000, 1000, 0]
    assert set(out.sources[out.sources[:, 0] == 0, 1].tolist()) == {1, 2}
    assert set(out.sources[out.sources[:, 0] == 3, 1].tolist()) == {1, 2}
    low = np.minimum(X[out.sources[:, 0], 0], X[out.sources[:, 1], 0])
    high = np.maximum(X[out.sources[:, 0], 0], X[out.sources[:, 1], 0])
    assert np.all((out.X[:, 0] >= low) & (out.X[:, 0] <= high))
    assert out.X[:, 0].std() > 0.5  # a uniform ratio, not midpoints only


def test_swap_extra_kind_is_the_librarys(extra_kinds):
    # Row 53 measured swap as an extra kind; the library's kind gives the same bytes.
    from mixann.rollout import swap

    X = np.random.default_rng(3).random((40, 6))
    y = (np.arange(40) < 8).astype(int)
    ours = extra_kinds.swap(X, y, 50, np.random.default_rng(1))
    assert ours.X.tobytes() == swap(X, y, 50, np.random.default_rng(1)).X.tobytes()


def test_borderline_anchors_on_danger_rows_or_on_every_anomaly(extra_kinds):
    # Anomaly 4 has majority rows on both sides (2 of its 2 neighbours: noise, not danger);
    # 5 and 6 each have one anomaly and one majority row (danger); 7 and 8 are a safe pair.
    X = np.array([[0.0], [1.0], [2.0], [3.0], [1.5], [3.4], [3.6], [20.0], [20.2]])
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1])
    assert extra_kinds.danger_rows(X, y, m=2).tolist() == [5, 6]
    out = extra_kinds.borderline(X, y, 5, np.random.default_rng(0), k=1, m=2)
    assert set(map(tuple, out.sources.tolist())) == {(5, 6), (6, 5)}
    assert sorted(np.bincount(out.sources[:, 0])[5:].tolist()) == [2, 3]  # whole passes
    # No anomaly in danger: every anomaly anchors, as in SMOTE.
    safe = np.array([[0.0], [1.0], [10.0], [10.5], [11.0]])
    assert extra_kinds.danger_rows(safe, np.array([0, 0, 1, 1, 1]), m=2).tolist() == [2, 3, 4]
    assert extra_kinds.borderline(X, y, 0, np.random.default_rng(0)).X.shape == (0, 1)


def test_hard_draws_anomalies_in_proportion_to_the_classifiers_misses(extra_kinds):
    from sklearn.neighbors import KNeighborsClassifier

    # Majority rows at 0..0.9; anomalies: a cluster at 5.0..5.5 (found out of fold by a 1-NN),
    # and two lone ones inside the majority (missed), at 0.25 and 0.65.
    X = np.concatenate([np.arange(10) / 10, [5.0, 5.1, 5.2, 5.3, 5.4, 5.5, 0.25, 0.65]])[:, None]
    y = np.array([0] * 10 + [1] * 8)
    one_nn = KNeighborsClassifier(1)
    weights = extra_kinds.miss_weights(one_nn, X, y, np.random.default_rng(0))
    assert weights.tolist() == [0.0] * 6 + [1.0, 1.0]
    out = extra_kinds.hard(X, y, 1000, np.random.default_rng(0), estimator=one_nn, k=1)
    counts = np.bincount(out.sources[:, 0], minlength=18)
    assert counts[:16].sum() == 0 and counts[16] + counts[17] == 1000
    assert 400 < counts[16] < 600  # equal weights, independent draws
    # Each lone anomaly mixes with its nearest anomaly: the other lone one.
    assert set(map(tuple, out.sources.tolist())) == {(16, 17), (17, 16)}
    # A classifier that misses nothing: every anomaly is drawn alike.
    clear = np.concatenate([np.arange(10) / 10, [5.0, 5.1, 5.2, 5.3, 5.4, 5.5]])[:, None]
    y_clear = np.array([0] * 10 + [1] * 6)
    out = extra_kinds.hard(clear, y_clear, 600, np.random.default_rng(0), estimator=one_nn, k=1)
    assert np.all(np.bincount(out.sources[:, 0], minlength=16)[10:] > 60)
    assert extra_kinds.hard(X, y, 0, np.random.default_rng(0)).X.shape == (0, 1)
    # Registering binds the classifier it is told of.
    import mixann.rollout as rollout_module

    extra_kinds.register("hard", one_nn)
    assert rollout_module.ACTOR_FREE_KINDS["hard"].keywords == {"estimator": one_nn}


def test_off_majority_extra_kinds_are_the_librarys_filter(extra_kinds):
    # Row 61 measured them as extra kinds; spread's is the library's kind, swap's the same
    # filter (mixann.rollout.off_majority) around swap: the same bytes.
    from mixann.rollout import ACTOR_FREE_KINDS, off_majority, swap

    X = np.random.default_rng(3).random((60, 4))
    y = (np.arange(60) < 9).astype(int)
    assert extra_kinds.EXTRA_KINDS["spread-off-majority"] is \
        ACTOR_FREE_KINDS["spread-off-majority"]
    ours = extra_kinds.EXTRA_KINDS["swap-off-majority"](X, y, 40, np.random.default_rng(1))
    theirs = off_majority(swap)(X, y, 40, np.random.default_rng(1))
    assert ours.X.tobytes() == theirs.X.tobytes()


def test_on_majority_puts_the_rows_among_the_majority_first(extra_kinds):
    # Row 86: anomalies at 0, 2 and 10, the majority row at 6. Landing ratios (nearest anomaly
    # over nearest majority row) of the drawn points 1, 5, 0.5, 6 and 4: 1/5, 3/1, 0.5/5.5,
    # 4/0 = inf and 2/2 = 1. Above 1 (5 and 6) come first in the order drawn, then the rest from
    # the largest ratio down: 4, 1, 0.5.
    from mixann.rollout import Rollout

    X = np.array([[0.0], [2.0], [10.0], [6.0]])
    y = np.array([1, 1, 1, 0])
    drawn = np.array([[1.0], [5.0], [0.5], [6.0], [4.0]])

    def fixed(X, y, n_minority, rng):
        return Rollout(drawn, np.ones(5, dtype=int), np.zeros((5, 2), dtype=np.intp),
                       np.full(5, 0.5))

    out = extra_kinds.on_majority(fixed, pool=1)(X, y, 5, np.random.default_rng(0))
    assert out.X[:, 0].tolist() == [5.0, 6.0, 4.0, 1.0, 0.5]
    assert extra_kinds.on_majority(fixed, pool=1)(X, y, 2, None).X[:, 0].tolist() == [5.0, 6.0]
    assert extra_kinds.EXTRA_KINDS["spread-on-majority"](X, y, 0, np.random.default_rng(0)) \
        .X.shape == (0, 1)


def test_extrapolate_pushes_each_anomaly_half_a_step_from_a_near_anomaly(extra_kinds):
    # Anomalies at 0, 1 and 10 (majority at 5): each one's nearest anomaly is 1, 0 and 1, so
    # the samples are 0 + (0 - 1) / 2 = -0.5, 1 + (1 - 0) / 2 = 1.5 and 10 + (10 - 1) / 2 = 14.5.
    X = np.array([[0.0], [1.0], [10.0], [5.0]])
    y = np.array([1, 1, 1, 0])
    out = extra_kinds.extrapolate(X, y, 6, np.random.default_rng(0), k=1)
    expected = {0: -0.5, 1: 1.5, 2: 14.5}
    assert [expected[a] for a in out.sources[:, 0]] == out.X[:, 0].tolist()
    assert np.bincount(out.sources[:, 0]).tolist() == [2, 2, 2]  # whole passes
    assert np.all(out.alpha == 1.5) and np.all(out.y == 1)
    # The spread-near-minority kind is the library's filter at a limit of 2 around spread.
    from mixann.rollout import off_majority, spread

    X = np.random.default_rng(3).random((60, 4))
    y = (np.arange(60) < 9).astype(int)
    ours = extra_kinds.EXTRA_KINDS["spread-near-minority"](X, y, 40, np.random.default_rng(1))
    theirs = off_majority(spread, limit=2.0)(X, y, 40, np.random.default_rng(1))
    assert ours.X.tobytes() == theirs.X.tobytes()
    assert extra_kinds.extrapolate(X, y, 0, np.random.default_rng(0)).X.shape == (0, 4)


def test_teacher_kept_puts_the_teachers_anomalies_first_in_drawn_order(extra_kinds):
    # Row 66: spread's pool of 4 n midpoints, those the teacher calls anomalies (P >= 1/2) first
    # in the order drawn, then the rest from the most to the least anomalous.
    from mixann.rollout import spread

    X = np.r_[np.zeros((40, 1)), np.ones((10, 1)), -np.ones((10, 1))]  # anomalies at -1 and 1
    y = np.r_[np.zeros(40), np.ones(20)].astype(int)
    pool = spread(X, y, 4 * 7, np.random.default_rng(5))
    proba = extra_kinds.teacher_proba(X, y, pool.X)
    assert np.all(proba[pool.X[:, 0] == 0.0] < 0.5) and np.all(proba[pool.X[:, 0] != 0.0] > 0.5)
    passing = np.flatnonzero(proba >= 0.5)
    failing = np.flatnonzero(proba < 0.5)
    failing = failing[np.argsort(-proba[failing], kind="stable")]
    expected = np.r_[passing, failing][:7]
    out = extra_kinds.teacher_kept(spread)(X, y, 7, np.random.default_rng(5))
    assert out.X.tobytes() == pool.X[expected].tobytes()
    assert out.sources.tolist() == pool.sources[expected].tolist()
    assert extra_kinds.EXTRA_KINDS["spread-teacher"](X, y, 0, np.random.default_rng(0)).X.shape \
        == (0, 1)
    # The teacher is a function of the data: refitting on the same rows gives the same numbers.
    extra_kinds._TEACHER.clear()
    assert extra_kinds.teacher_proba(X, y, pool.X).tobytes() == proba.tobytes()


def test_empty_region_keeps_points_as_far_from_the_majority_as_its_rows_are_apart(extra_kinds):
    # Majority rows at x = 0, 1, ..., 9 on the line y = 0: each one's nearest neighbour is 1
    # away, so the threshold (any quantile) is 1; the box is [0, 9] x [0, 5] (anomalies at the
    # top corners), where most uniform points are more than 1 from the line.
    from sklearn.neighbors import NearestNeighbors

    X = np.r_[np.column_stack([np.arange(10.0), np.zeros(10)]), [[0.0, 5.0], [9.0, 5.0]]]
    y = np.r_[np.zeros(10), np.ones(2)].astype(int)
    out = extra_kinds.empty_region(X, y, 30, np.random.default_rng(2))
    far = NearestNeighbors(n_neighbors=1).fit(X[:10]).kneighbors(out.X)[0][:, 0]
    assert out.X.shape == (30, 2) and np.all(far >= 1.0)
    assert np.all((out.X >= [0, 0]) & (out.X <= [9, 5]))
    corner = np.where(out.X[:, 0] < 4.5, 10, 11)  # the nearer anomaly, by x (same height)
    assert out.sources[:, 0].tolist() == corner.tolist() == out.sources[:, 1].tolist()
    assert extra_kinds.empty_region(X, y, 0, np.random.default_rng(0)).X.shape == (0, 2)


def test_register_makes_a_kind_valid_and_rejects_unknown_names(extra_kinds):
    from mixann import MixAnN
    from mixann.datasets import make_diverse_minorities

    with pytest.raises(ValueError, match="unknown extra kind .cross."):
        extra_kinds.register("cross")
    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    with pytest.raises(ValueError, match="mix_kinds"):
        MixAnN(mix_kinds=("spread", "rose"), random_state=0).fit_resample(X, y)
    extra_kinds.register("rose")
    extra_kinds.register("rose")  # twice is harmless
    import mixann.sampler as sampler_module
    assert sampler_module.MIX_KINDS.count("rose") == 1


def test_one_cell_with_an_extra_kind(ceiling, extra_kinds, shared_datasets):
    record = ceiling.run_one(("knn", "vowels", 0, "test", str(shared_datasets / "adbench"),
                              {"extra_kind": "rose"}))
    assert record["mix_kinds"] == ["boundary", "spread", "rose"]
    candidates = {(c["kind"], c["volume"]): c for c in record["candidates"]}
    assert {kind for kind, _ in candidates} == {None, "boundary", "spread", "rose"}
    assert {"without:rose", "oracle-without:rose"} <= set(record["rules"])
    without = candidates[tuple(record["picks"]["without:rose"])]
    others = [c for c in candidates.values() if c["kind"] != "rose"]
    # The default rule among the other kinds: their best pooled out-of-fold score.
    assert without["kind"] != "rose" and without["score"] == max(c["score"] for c in others)
    assert record["rules"]["oracle-without:rose"] == max(c["f1"] for c in others)
    for rule, pick in record["picks"].items():
        assert record["rules"][rule] == candidates[tuple(pick)]["f1"]
    # Replayed without the extra kind, the record gives the library's own choice again.
    replayed = ceiling.replay_rules(json.loads(json.dumps(record)), without="rose")
    assert replayed["picks"]["best"] == record["picks"]["without:rose"]
    assert replayed["rules"]["oracle"] == record["rules"]["oracle-without:rose"]


def test_an_extra_kind_the_default_already_scores_is_not_doubled(ceiling, extra_kinds,
                                                                  shared_datasets):
    # beta-mix joined XGBoost's default kinds in row 89; --extra-kind beta-mix still gives
    # the rules without it, over the default's kinds listed once.
    from xgboost import XGBClassifier

    from mixann.defaults import default_mix_kinds
    record = ceiling.run_one(("xgboost", "vowels", 0, "test", str(shared_datasets / "adbench"),
                              {"extra_kind": "beta-mix"}))
    assert record["mix_kinds"] == list(default_mix_kinds(XGBClassifier()))
    assert record["mix_kinds"].count("beta-mix") == 1
    assert {"without:beta-mix", "oracle-without:beta-mix"} <= set(record["rules"])
    others = [c for c in record["candidates"] if c["kind"] != "beta-mix"]
    assert record["rules"]["oracle-without:beta-mix"] == max(c["f1"] for c in others)


def test_replay_keeps_no_augmentation_among_the_candidates(ceiling):
    record = {"dataset": "a", "candidates": [
        {"kind": None, "volume": 0.0, "score": 0.90, "se": 0.01, "f1": 0.8},
        {"kind": "spread", "volume": 0.1, "score": 0.85, "se": 0.01, "f1": 0.9},
        {"kind": "hard", "volume": 0.1, "score": 0.95, "se": 0.01, "f1": 0.7}]}
    assert ceiling.replay_rules(record)["picks"]["best"] == ["hard", 0.1]
    # Without the extra kind, no augmentation is the best and must stay a candidate.
    replayed = ceiling.replay_rules(record, without="hard")
    assert replayed["picks"]["best"] == [None, 0.0]
    assert replayed["rules"] == {"best": 0.8, "best-larger": 0.8, "one-se": 0.8,
                                 "median-se": 0.8, "median-se:spread": 0.8, "oracle": 0.9}
    # The same with no kind left out, on a record that never had the extra kind.
    plain = {**record, "candidates": record["candidates"][:2]}
    assert ceiling.replay_rules(plain)["picks"]["best"] == [None, 0.0]


def test_summarise_shows_shared_rules_and_replay_needs_a_file(ceiling, tmp_path, monkeypatch,
                                                               capsys):
    old = {"dataset": "a", "rules": {"best": 0.5, "one-se": 0.4, "oracle": 0.9}}
    new = {"dataset": "a", "rules": {"best": 0.7, "one-se": 0.8, "median-se": 0.7,
                                     "oracle": 0.9}}
    text = ceiling.summarise([old, new])
    # median-se is missing from the older record, so it is left out rather than failing.
    assert "median-se" not in text
    assert "one-se" in text and "+0.0000 ± 0.1000  1/0/1" in text  # -0.1 and +0.1
    for argv, message in [(["--replay"], "give it with --summarise"),
                          (["--summarise", "f.jsonl", "--without-kind", "hard"],
                           "add --replay")]:
        monkeypatch.setattr("sys.argv", ["choice_ceiling.py", *argv])
        with pytest.raises(SystemExit):
            ceiling.main()
        assert message in capsys.readouterr().err
    path = tmp_path / "cells.jsonl"
    path.write_text(json.dumps({**new, "candidates": [{"kind": "spread"}]}) + "\n")
    monkeypatch.setattr("sys.argv", ["choice_ceiling.py", "--summarise", str(path), "--replay",
                                     "--without-kind", "hard"])
    with pytest.raises(SystemExit):
        ceiling.main()
    assert "no candidate of kind 'hard'" in capsys.readouterr().err


def test_compare_pairs_two_files_cell_by_cell(ceiling):
    def cell(dataset, seed, best, f1s):
        return {"dataset": dataset, "seed": seed, "rules": {"best": best},
                "candidates": [{"kind": "spread", "volume": 0.1 * i, "f1": f}
                               for i, f in enumerate(f1s)]}

    ten = [cell("a", 5, 0.9, [0.8, 0.9]), cell("b", 5, 0.6, [0.6, 0.7])]
    five = [cell("a", 5, 0.8, [0.8, 0.9]), cell("b", 5, 0.7, [0.6, 0.7]),
            cell("b", 6, 0.1, [0.1, 0.2])]  # a cell only one file has is left out
    (diff, se, wtl), same = ceiling.compare(ten, five)
    assert round(diff, 6) == 0.0 and wtl == (1, 0, 1) and same  # (+0.1 - 0.1) / 2 datasets
    assert round(se, 6) == 0.1
    other_samples = [cell("a", 5, 0.8, [0.8, 0.95])]
    assert ceiling.compare(ten, other_samples)[1] is False
    with pytest.raises(ValueError, match="share no"):
        ceiling.compare(ten, [cell("c", 0, 0.5, [])])


def _pooled_record(dataset, seed, none, spread, hard=None):
    """A record with no augmentation and spread at 0.5 (and hard at 0.5): score = f1 + 0.1."""
    candidates = [{"kind": None, "volume": 0.0, "score": none, "se": 0.01, "f1": none - 0.1},
                  {"kind": "spread", "volume": 0.5, "score": spread, "se": 0.01,
                   "f1": spread - 0.1}]
    if hard is not None:
        candidates.append({"kind": "hard", "volume": 0.5, "score": hard, "se": 0.01,
                           "f1": hard - 0.1})
    return {"dataset": dataset, "seed": seed, "rules": {"best": 0.0}, "picks": {},
            "candidates": candidates}


def test_cross_dataset_rules_leave_the_own_dataset_out(ceiling):
    # Dataset a gains 0.3 from spread on its own folds; b and c lose 0.05 and 0.15 with it.
    records = [_pooled_record("a", 0, 0.5, 0.8), _pooled_record("a", 1, 0.5, 0.8),
               _pooled_record("b", 0, 0.7, 0.65), _pooled_record("c", 0, 0.7, 0.55)]
    assert ceiling.candidate_gains(records[2:])[("spread", 0.5)] == pytest.approx(-0.1)
    out = ceiling.cross_dataset_rules(records, weights=(1.0, 4.0))
    # a's prior comes from b and c (spread -0.1): pooled keeps no augmentation, the own
    # score (+0.3) still wins at w = 1 (0.8 - 0.1 > 0.5) and loses at w = 4 (0.8 - 0.4 < 0.5).
    assert out[0]["picks"]["pooled"] == [None, 0.0]
    assert out[0]["rules"]["pooled"] == pytest.approx(0.4)
    assert out[0]["picks"]["shrunk-1"] == ["spread", 0.5]
    assert out[0]["picks"]["shrunk-4"] == [None, 0.0]
    # b's prior is a's +0.3 and c's -0.15 (mean over records: (0.3 + 0.3 - 0.15) / 3 = 0.15).
    assert out[2]["picks"]["pooled"] == ["spread", 0.5]
    assert out[2]["rules"]["best"] == 0.0  # the record's own rules are kept
    # A prior file replaces leaving one out: here c alone, where spread loses.
    held = ceiling.cross_dataset_rules(records[2:3], prior=records[3:], weights=())
    assert held[0]["picks"]["pooled"] == [None, 0.0]


def test_cross_dataset_rules_without_a_kind(ceiling):
    # hard scores best everywhere; without it, spread is the pooled pick and hard is gone.
    records = [_pooled_record(d, 0, 0.5, 0.6, hard=0.9) for d in "ab"]
    assert ceiling.cross_dataset_rules(records)[0]["picks"]["pooled"] == ["hard", 0.5]
    out = ceiling.cross_dataset_rules(records, without="hard")
    assert out[0]["picks"]["pooled"] == ["spread", 0.5]
    assert {c["kind"] for c in out[0]["candidates"]} == {None, "spread"}


def test_pooled_cli(ceiling, tmp_path, monkeypatch, capsys):
    path = tmp_path / "cells.jsonl"
    path.write_text("".join(json.dumps(_pooled_record(d, 0, 0.5, 0.6)) + "\n" for d in "ab"))
    monkeypatch.setattr("sys.argv", ["choice_ceiling.py", "--summarise", str(path), "--pooled"])
    ceiling.main()
    text = capsys.readouterr().out
    assert "pooled" in text and "shrunk-0.5" in text
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps(_pooled_record("a", 0, 0.5, 0.6)) + "\n")
    for argv, message in [(["--pooled"], "give it with --summarise"),
                          (["--summarise", str(path), "--prior-from", str(path)],
                           "add --pooled"),
                          (["--summarise", str(one), "--pooled"], "needs two or more")]:
        monkeypatch.setattr("sys.argv", ["choice_ceiling.py", *argv])
        with pytest.raises(SystemExit):
            ceiling.main()
        assert message in capsys.readouterr().err
    # With a prior file, one dataset is enough.
    monkeypatch.setattr("sys.argv", ["choice_ceiling.py", "--summarise", str(one), "--pooled",
                                     "--prior-from", str(path)])
    ceiling.main()
    assert "pooled" in capsys.readouterr().out


# --- --other-seeds / --fixed-hindsight: one setting per dataset, picked on test F1 (row 52) ---

def test_fixed_pick_rules_pick_on_other_seeds_and_score_here(ceiling):
    # On seeds 0-1, spread (f1 = score - 0.1) beats no augmentation on a, loses on b.
    old = [_pooled_record("a", 0, 0.5, 0.7), _pooled_record("a", 1, 0.6, 0.65),
           _pooled_record("b", 0, 0.8, 0.6, hard=0.95)]
    new = [_pooled_record("a", 5, 0.7, 0.6), _pooled_record("b", 5, 0.6, 0.7, hard=0.5)]
    out = ceiling.fixed_pick_rules(new, old)
    # The pick is the same for every seed of a dataset and scored on the new split: a takes
    # spread (0.575 > 0.45 on average) and gets its 0.5 here, though no augmentation has 0.6.
    assert out[0]["picks"]["other-seeds"] == ["spread", 0.5]
    assert out[0]["rules"]["other-seeds"] == pytest.approx(0.5)
    assert out[1]["picks"]["other-seeds"] == ["hard", 0.5]  # b's best on seed 0
    assert out[1]["rules"]["other-seeds"] == pytest.approx(0.4)
    without = ceiling.fixed_pick_rules(new, old, without="hard")
    assert without[1]["picks"]["other-seeds"] == [None, 0.0]
    # Picked on the file itself: a's two seeds average spread 0.575 against none 0.45.
    own = ceiling.fixed_pick_rules(old[:2])
    assert [r["picks"]["fixed-hindsight"] for r in own] == [["spread", 0.5]] * 2
    with pytest.raises(ValueError, match="share"):
        ceiling.fixed_pick_rules(old, old)
    with pytest.raises(ValueError, match="no record of dataset 'b'"):
        ceiling.fixed_pick_rules(new, old[:2])


def test_other_seeds_cli(ceiling, tmp_path, monkeypatch, capsys):
    old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    old.write_text(json.dumps(_pooled_record("a", 0, 0.5, 0.7)) + "\n")
    new.write_text(json.dumps(_pooled_record("a", 5, 0.7, 0.6)) + "\n")
    monkeypatch.setattr("sys.argv", ["choice_ceiling.py", "--summarise", str(new),
                                     "--other-seeds", str(old), "--fixed-hindsight"])
    ceiling.main()
    text = capsys.readouterr().out
    assert "other-seeds" in text and "fixed-hindsight" in text
    for argv, message in [(["--other-seeds", str(old)], "give the first with --summarise"),
                          (["--fixed-hindsight"], "give it with --summarise"),
                          (["--summarise", str(new), "--other-seeds", str(new)],
                           "share (dataset, seed) cells")]:
        monkeypatch.setattr("sys.argv", ["choice_ceiling.py", *argv])
        with pytest.raises(SystemExit):
            ceiling.main()
        assert message in capsys.readouterr().err


# --- --majority-keeps: random under-sampling of the majority inside every fit (row 51) -------

def test_majority_kept_drops_majority_rows_only(ceiling):
    from sklearn.base import clone
    from sklearn.neighbors import KNeighborsClassifier

    X = np.arange(24.0).reshape(12, 2)
    y = np.array([0] * 9 + [1] * 3)
    knn = KNeighborsClassifier(n_neighbors=1)
    model = ceiling.MajorityKept(knn, keep=1 / 3, random_state=4).fit(X, y)
    kept = model.estimator_._fit_X
    # 3 of 9 majority rows (round(9 / 3)) and all 3 minority rows, the same draw each time.
    assert model.n_fit_ == 6 and (model.estimator_._y == 1).sum() == 3
    again = clone(model).fit(X, y).estimator_._fit_X
    assert np.array_equal(kept, again)
    assert set(map(tuple, X[9:])) <= set(map(tuple, kept))
    # keep=1 is the classifier itself.
    whole = ceiling.MajorityKept(knn, keep=1.0).fit(X, y)
    assert whole.n_fit_ == 12
    assert np.array_equal(whole.predict(X), knn.fit(X, y).predict(X))


def test_one_cell_with_majority_keeps(ceiling, shared_datasets):
    record = ceiling.run_one(("knn", "vowels", 0, "test", str(shared_datasets / "adbench"),
                              {"majority_keeps": (0.5,)}))
    kept = record["keeps"]["0.5"]
    assert [(c["kind"], c["volume"]) for c in kept] == [
        (c["kind"], c["volume"]) for c in record["candidates"]]
    # Under-sampling changes the fits, so the scores differ (same folds and rollouts).
    assert [c["score"] for c in kept] != [c["score"] for c in record["candidates"]]
    rules = record["rules"]
    assert {"best+keep", "oracle+keep", "best@0.5", "under-0.5"} <= set(rules)
    pool = [(1.0, c) for c in record["candidates"]] + [(0.5, c) for c in kept]
    share, kind, volume = record["picks"]["best+keep"]
    pick = next(c for s, c in pool if (s, c["kind"], c["volume"]) == (share, kind, volume))
    assert pick["score"] == max(c["score"] for _, c in pool)
    assert rules["best+keep"] == pick["f1"]
    assert rules["oracle+keep"] == max(c["f1"] for _, c in pool) >= rules["oracle"]
    assert rules["under-0.5"] == next(c["f1"] for c in kept if c["kind"] is None)


def test_majority_keeps_cli_rejects_shares_outside_0_1(ceiling, monkeypatch, capsys):
    for value in ("1.0", "0", "half"):
        monkeypatch.setattr("sys.argv", ["choice_ceiling.py", "--majority-keeps", value])
        with pytest.raises(SystemExit):
            ceiling.main()
        assert "--majority-keeps takes shares between 0 and 1" in capsys.readouterr().err


def test_soft_mix_labels_each_mix_with_its_share_of_anomaly(extra_kinds):
    # Session 31: one anomaly among four rows. The partner is the anomaly with probability 1/4
    # (label 1 always) or a normal row (label 1 with probability lam, lam ~ U(0, 1) at beta=1),
    # so a row is an anomaly with probability 1/4 + 3/4 * 1/2 = 5/8.
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([0, 0, 0, 1])
    out = extra_kinds.soft_mix(X, y, 20000, np.random.default_rng(0))
    assert int(out.y.sum()) == 20000 and out.y[-1] == 1  # stops at the n-th anomaly
    assert np.mean(out.y) == pytest.approx(5 / 8, abs=0.01)
    normal = y[out.sources[:, 1]] == 0
    # Given a normal partner, P(label 1 | lam) = lam: the mean lam of those labelled 1 is
    # E[lam^2] / E[lam] = (1/3) / (1/2) = 2/3, of those labelled 0 it is (1/6) / (1/2) = 1/3.
    assert out.alpha[normal & (out.y == 1)].mean() == pytest.approx(2 / 3, abs=0.01)
    assert out.alpha[normal & (out.y == 0)].mean() == pytest.approx(1 / 3, abs=0.01)
    assert np.all(out.sources[:, 0] == 3)  # the anomaly end is always the anomaly
    mixed = out.alpha[:, None] * X[out.sources[:, 0]] \
        + (1 - out.alpha[:, None]) * X[out.sources[:, 1]]
    assert np.allclose(out.X, mixed)
    same = extra_kinds.soft_mix(X, y, 20000, np.random.default_rng(0))
    assert same.X.tobytes() == out.X.tobytes()  # seeded: the same bytes
    assert extra_kinds.soft_mix(X, y, 0, np.random.default_rng(0)).X.shape == (0, 2)


def test_spread_relevant_takes_only_the_relevant_features_from_anomalies(extra_kinds):
    # Session 32: the class depends on feature 0 alone; features 1-3 are noise. The forest
    # ranks feature 0 first, so at share=0.5 it is the one relevant feature: each sample's
    # feature 0 is its anomaly pair's midpoint and its other features a majority row's.
    rng = np.random.default_rng(0)
    X = rng.random((400, 4))
    y = (X[:, 0] > 0.9).astype(int)
    assert extra_kinds.relevant_features(X, y, np.random.default_rng(1), 0.5).tolist() == [0]
    out = extra_kinds.spread_relevant(X, y, 300, np.random.default_rng(1), share=0.5)
    a, b = out.sources[:, 0], out.sources[:, 1]
    assert np.all(y[a] == 1) and np.all(y[b] == 1) and np.all(a != b)
    assert np.allclose(out.X[:, 0], (X[a, 0] + X[b, 0]) / 2)
    majority = X[y == 0][:, 1:]
    assert all((majority == row).all(axis=1).any() for row in out.X[:, 1:])
    assert np.all(out.y == 1) and np.allclose(out.alpha, 0.25)
    kept = extra_kinds.EXTRA_KINDS["keep-relevant"](X, y, 50, np.random.default_rng(1),
                                                    share=0.5)
    assert np.allclose(kept.X[:, 0], X[kept.sources[:, 0], 0])  # one anomaly's own value
    same = extra_kinds.spread_relevant(X, y, 300, np.random.default_rng(1), share=0.5)
    assert same.X.tobytes() == out.X.tobytes()  # seeded: the same bytes


def test_spread_cluster_mixes_within_clusters_only(extra_kinds):
    # Session 34, row 73: two tight clusters of anomalies (3 and 1 rows) far apart, the majority
    # between them. Single linkage at the median anomaly-to-majority distance keeps them apart;
    # every sample is a midpoint of two rows of one cluster, the clusters drawn by size (3:1)
    # or evenly, and a wider cut joins them.
    X = np.array([[0.0], [5.0], [6.0], [0.1], [0.2], [0.3], [9.0]])
    y = np.array([0, 0, 0, 1, 1, 1, 1])
    assert [c.tolist() for c in extra_kinds.minority_clusters(X, y)] == [[3, 4, 5], [6]]
    assert len(extra_kinds.minority_clusters(X, y, cut=40.0)) == 1  # 40 * 0.25 > 8.7
    out = extra_kinds.spread_cluster(X, y, 4000, np.random.default_rng(0))
    a, b = out.sources[:, 0], out.sources[:, 1]
    assert np.allclose(out.X[:, 0], (X[a, 0] + X[b, 0]) / 2)
    assert np.all((a == 6) == (b == 6))  # never across the two clusters
    assert np.mean(a == 6) == pytest.approx(0.25, abs=0.03)
    even = extra_kinds.EXTRA_KINDS["spread-cluster-even"](X, y, 4000, np.random.default_rng(0))
    assert np.mean(even.sources[:, 0] == 6) == pytest.approx(0.5, abs=0.03)
    same = extra_kinds.spread_cluster(X, y, 4000, np.random.default_rng(0))
    assert same.X.tobytes() == out.X.tobytes()  # seeded: the same bytes
    assert extra_kinds.spread_cluster(X, y, 0, np.random.default_rng(0)).X.shape == (0, 1)


def test_spread_across_mixes_across_clusters_only(extra_kinds):
    # Row 73's opposite: the same two clusters, every pair from both; one cluster, any pair.
    X = np.array([[0.0], [5.0], [6.0], [0.1], [0.2], [0.3], [9.0]])
    y = np.array([0, 0, 0, 1, 1, 1, 1])
    out = extra_kinds.spread_across(X, y, 500, np.random.default_rng(0))
    assert np.all((out.sources == 6).sum(axis=1) == 1)
    assert np.allclose(out.X[:, 0], X[out.sources, 0].mean(axis=1))
    one = extra_kinds.spread_across(X, y, 500, np.random.default_rng(0), cut=40.0)
    assert set(one.sources.ravel().tolist()) == {3, 4, 5, 6}
