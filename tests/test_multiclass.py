"""More than two classes: one binary MixAnN per smaller class, that class against the rest."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.neighbors import KNeighborsClassifier

from mixann import MixAnN, MixAnNClassifier
from mixann.multiclass import classes_to_augment, largest_gap_volume, rest_volumes
from mixann.rollout import Rollout
from mixann.selection import MulticlassJudge, _proba, choose_draw


@pytest.fixture(scope="module")
def three():
    """600 rows: 'big' 360, 'mid' 150, 'small' 90 (string labels, 4 features)."""
    X, y = make_classification(n_samples=600, n_features=4, n_informative=3, n_redundant=0,
                               n_classes=3, n_clusters_per_class=1, weights=[0.6, 0.25, 0.15],
                               flip_y=0, random_state=0)
    return X, np.array(["big", "mid", "small"])[y]


def _fit(X, y, tiny, **params):
    sampler = MixAnN(**{"random_state": 0, **tiny, **params})
    return (sampler, *sampler.fit_resample(X, y))


def test_rest_volumes_by_hand():
    # Class of 10 rows, largest 50, 90 rows outside it: the one-vs-rest gap is 80 and the gap
    # to the largest class 40, so each volume is halved; 30 rows outside it: 20 and 40, doubled.
    assert rest_volumes([0, 0.5, 1], n_class=10, n_largest=50, n_rest=90) == [0.0, 0.25, 0.5]
    assert rest_volumes([0.25, 1], n_class=10, n_largest=50, n_rest=50) == [0.25, 1.0]
    with pytest.raises(ValueError, match="n_rest >= n_largest > n_class"):
        rest_volumes([1], n_class=50, n_largest=50, n_rest=90)
    # and back: history_'s volumes are the caller's again
    assert largest_gap_volume(0.25, n_class=10, n_largest=50, n_rest=90) == 0.5
    for volume in (0.02, 0.1, 0.35, 1.0):  # digits_rare's counts: 7 rows, largest 113
        rest = rest_volumes([volume], n_class=7, n_largest=113, n_rest=1034)[0]
        assert largest_gap_volume(rest, n_class=7, n_largest=113, n_rest=1034) == volume


def test_classes_to_augment_leaves_the_largest_and_names_a_class_too_small():
    y = np.array([0] * 6 + [1] * 6 + [2] * 3 + [3] * 2)
    assert classes_to_augment(y) == {2: 3, 3: 2}  # two classes tie for the largest: neither
    with pytest.raises(ValueError, match="class 'fraud' has 1 sample.*merge it"):
        classes_to_augment(np.array(["ok"] * 5 + ["late"] * 3 + ["fraud"]))


def test_each_smaller_class_gets_rows_of_its_own(three, tiny):
    X, y = three
    sampler, X_res, y_res = _fit(X, y, tiny, guard=False)  # no volume 0: rows for both classes
    assert np.array_equal(X_res[:len(X)], X) and np.array_equal(y_res[:len(y)], y)
    assert set(sampler.samplers_) == {"mid", "small"}
    assert sampler.minority_label_ == "small" and list(sampler.classes_) == ["big", "mid", "small"]
    synthetic = y_res[len(y):]
    assert np.array_equal(synthetic, sampler.synthetic_y_) and "big" not in set(synthetic)
    counts = {c: int(np.sum(synthetic == c)) for c in ("mid", "small")}
    assert counts == sampler.sampling_strategy_ and min(counts.values()) > 0
    # Rows in class order, each class's rows those of its binary sampler, whose invariants
    # hold in the caller's X: X[i0] is a row of the class the synthetic row is labelled.
    start = 0
    for label in ("mid", "small"):
        binary = sampler.samplers_[label]
        rows = slice(start, start + counts[label])
        assert np.array_equal(sampler.synthetic_X_[rows], binary.synthetic_X_)
        i0, i1 = sampler.synthetic_sources_[rows].T
        assert np.all(y[i0] == label)
        kind = sampler.history_["mix_kind"][label]
        assert kind in ("boundary", "spread") and binary.history_["mix_kind"] == kind
        assert np.all((y[i1] == label) == (kind == "spread"))
        alpha = sampler.synthetic_alpha_[rows][:, None]
        assert np.allclose(sampler.synthetic_X_[rows], alpha * X[i0] + (1 - alpha) * X[i1])
        start += counts[label]
    assert start == len(sampler.synthetic_X_)


def test_same_seed_same_bytes_other_seed_other_rows(three, tiny):
    X, y = three
    _, X_a, y_a = _fit(X, y, tiny)
    _, X_b, y_b = _fit(X, y, tiny)
    _, X_c, _ = _fit(X, y, tiny, random_state=1)
    assert X_a.tobytes() == X_b.tobytes() and np.array_equal(y_a, y_b)
    assert X_a.shape != X_c.shape or X_a.tobytes() != X_c.tobytes()


def test_volume_one_balances_each_class_with_the_largest_not_the_rest(three, tiny):
    X, y = three
    sampler, _, y_res = _fit(X, y, tiny, volumes=(1.0,), guard=False)
    assert {c: int(np.sum(y_res == c)) for c in ("big", "mid", "small")} == \
        {"big": 360, "mid": 360, "small": 360}
    assert sampler.history_["volume"] == {"mid": 1.0, "small": 1.0}
    sampler, _, y_res = _fit(X, y, tiny, volumes=(0.5,), guard=False)
    assert sampler.sampling_strategy_ == {"mid": 105, "small": 135}  # half of 210 and of 270
    assert sampler.history_["volume"] == {"mid": 0.5, "small": 0.5}


def test_validation_data_is_split_per_class(three, tiny):
    X, y = three
    X_val, y_val = X[:100] + 0.01, y[:100]
    sampler, X_res, _ = _fit(X, y, tiny, validation_data=(X_val, y_val))
    for label, binary in sampler.samplers_.items():
        assert np.array_equal(binary.validation_data[1], (y_val == label).astype(int))
    with pytest.raises(ValueError, match=r"classes of y \['big', 'mid', 'small'\]; unknown: "
                                         r"\['huge'\]"):
        _fit(X, y, tiny, validation_data=(X_val, np.where(y_val == "big", "huge", y_val)))
    # A class without a validation row would be scored on a constant: refused, named.
    keep = y_val != "small"
    with pytest.raises(ValueError, match=r"no row of class\(es\) \['small'\]"):
        _fit(X, y, tiny, validation_data=(X_val[keep], y_val[keep]))


def test_policies_are_saved_per_class(three, tiny, tmp_path):
    X, y = three
    sampler, _, _ = _fit(X, y, tiny)
    with pytest.raises(ValueError, match=r"3 classes.*samplers_\[label\].save_policy"):
        sampler.save_policy(tmp_path / "all.pt")
    sampler.samplers_["small"].save_policy(tmp_path / "small.pt")
    # A loaded policy starts every class's training; the rows differ from a fresh start.
    loaded = MixAnN(random_state=0, **tiny).load_policy(tmp_path / "small.pt")
    X_res, _ = loaded.fit_resample(X, y)
    assert len(X_res) > len(X) and set(loaded.samplers_) == {"mid", "small"}
    with pytest.raises(ValueError, match="trained on 4 features; X has 3"):
        MixAnN(random_state=0, **tiny).load_policy(tmp_path / "small.pt").fit_resample(X[:, :3], y)
    # Fitted again on two classes, the sampler has one policy and forgets the per-class ones.
    binary_y = np.where(y == "big", "big", "other")
    sampler.fit_resample(X, binary_y)
    assert not hasattr(sampler, "samplers_")
    sampler.save_policy(tmp_path / "binary.pt")


def test_one_hot_labels_come_back_one_hot(three, tiny):
    X, y = three
    codes = np.searchsorted(["big", "mid", "small"], y)
    one_hot = np.eye(3, dtype=np.int64)[codes]
    _, X_res, y_res = _fit(X, one_hot, tiny)
    _, X_codes, y_codes = _fit(X, codes, tiny)
    assert X_res.tobytes() == X_codes.tobytes()
    assert y_res.dtype == one_hot.dtype and np.array_equal(y_res, np.eye(3, dtype=int)[y_codes])
    two_ones = one_hot.copy()
    two_ones[0] = 1
    with pytest.raises(ValueError, match="multilabel targets are not supported"):
        _fit(X, two_ones, tiny)


def test_dataframe_and_series_keep_their_types(three, tiny):
    X, y = three
    frame, labels = pd.DataFrame(X, columns=list("abcd")), pd.Series(y, name="kind")
    _, X_res, y_res = _fit(frame, labels, tiny)
    assert list(X_res.columns) == list("abcd") and y_res.name == "kind"
    assert set(y_res.iloc[len(y):]) <= {"mid", "small"}


def test_classifier_predicts_every_class(three, tiny):
    X, y = three
    clf = MixAnNClassifier(estimator=KNeighborsClassifier(5), random_state=0, **tiny).fit(X, y)
    assert list(clf.classes_) == ["big", "mid", "small"]
    assert set(clf.predict(X)) == {"big", "mid", "small"}
    assert clf.predict_proba(X[:5]).shape == (5, 3)


def test_paper_preset_per_class(three, paper_tiny):
    X, y = three
    # Eq. 1-2 per class against the rest, guard off so that rows come back: a row mixes a
    # point of the class with one of another class, and takes the label of x0 if alpha >= eta,
    # else of x1, which may be any class, the largest too.
    sampler, X_res, y_res = _fit(X, y, paper_tiny, guard=False)
    assert set(sampler.history_["guard_fired"]) == {"mid", "small"}
    assert "mix_kind" not in sampler.history_ and len(sampler.synthetic_X_) > 0
    i0, i1 = sampler.synthetic_sources_.T
    alpha = sampler.synthetic_alpha_
    assert np.all(y[i0] != y[i1])
    assert np.array_equal(sampler.synthetic_y_, np.where(alpha >= sampler.eta, y[i0], y[i1]))
    assert np.allclose(sampler.synthetic_X_, alpha[:, None] * X[i0] + (1 - alpha[:, None]) * X[i1])
    n_rows = {c: int(np.sum(sampler.synthetic_y_ == c)) for c in ("big", "mid", "small")}
    assert sampler.sampling_strategy_ == {c: n for c, n in n_rows.items()
                                          if c != "big" or n > 0}


def test_multiclass_benchmark_scores_every_method_on_the_same_split(tmp_path, capsys,
                                                                   kind_tables_restored):
    import doctest

    from conftest import load_benchmark

    bench = load_benchmark("multiclass")
    assert doctest.testmod(bench).failed == 0  # make_dataset's counts, summarise by hand
    X, y = bench.make_dataset("diverse3")
    assert np.bincount(y).tolist()[0] == 2820 and len(np.unique(y)) == 4
    # The development datasets: four kinds of anomaly, three rare digits, five blobs.
    assert np.bincount(bench.make_dataset("diverse4")[1]).tolist()[0] == 3800
    assert np.bincount(bench.make_dataset("digits_low")[1])[:3].tolist() == [12, 12, 12]
    assert np.bincount(bench.make_dataset("blobs5")[1]).tolist() == [2551, 211, 120, 74, 44]
    out = tmp_path / "cells.csv"
    methods = "none,smote,autosmote-ovr,mixann,mixann-all-classes"
    rows = bench.main(["--datasets", "blobs4", "--methods", methods,
                       "--seeds", "1", "--budget", "test", "--out", str(out)])
    by_method = {r["method"]: r for r in rows}
    assert set(by_method) == set(methods.split(","))
    # SMOTE balances every class with the largest, on the bench's split of the data.
    from mixann.bench import protocol

    counts = np.bincount(protocol.split(*bench.make_dataset("blobs4"), 0).y_train)
    assert by_method["none"]["added"] == 0
    assert by_method["smote"]["added"] == int(np.sum(counts.max() - counts))
    assert all(0 <= r["f1"] <= 1 and r["error"] == "" for r in rows)
    # A cell run alone gives the same result as in the grid.
    alone = bench.run_cell("blobs4", "knn", "mixann", 0, "test")
    assert (alone["f1"], alone["added"]) == (by_method["mixann"]["f1"], by_method["mixann"]["added"])
    printed = capsys.readouterr().out
    assert "| mixann | " in printed and "MixAnN - best other" in printed
    assert len(out.read_text().splitlines()) == 1 + 5
    with pytest.raises(SystemExit):
        bench.main(["--methods", "none,rose"])
    # --volumes 1: every class balanced with the largest, as SMOTE does.
    balanced = bench.main(["--datasets", "blobs4", "--methods", "mixann", "--seeds", "1",
                           "--budget", "test", "--volumes", "1"])[0]["added"]
    assert balanced == by_method["smote"]["added"]
    # --extra-kind: a kind of benchmarks/extra_kinds.py scored next to MixAnN's own.
    smote_kind = bench.run_cell("blobs4", "knn", "mixann", 0, "test", extra_kind="smote")
    assert smote_kind["error"] == "" and 0 <= smote_kind["f1"] <= 1
    with pytest.raises(SystemExit):
        bench.main(["--methods", "mixann", "--extra-kind", "nonsense"])


def test_verbose_names_each_class_before_its_bars(three, tiny, capsys):
    X, y = three
    _fit(X, y, tiny, verbose=True)
    out = capsys.readouterr().out
    assert "class 'mid' (150 rows) against the rest, 1 of 2" in out
    assert out.index("'mid'") < out.index("class 'small' (90 rows) against the rest, 2 of 2")


def test_balanced_classes_come_back_unchanged(tiny):
    # Every class as large as the largest: nothing to augment, no sampler fitted.
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(90, 3)), np.repeat([0, 1, 2], 30)
    sampler, X_res, y_res = _fit(X, y, tiny)
    assert np.array_equal(X_res, X) and np.array_equal(y_res, y)
    assert sampler.samplers_ == {} and sampler.sampling_strategy_ == {}
    assert sampler.synthetic_X_.shape == (0, 3)


def test_the_multiclass_judge_scores_draws_over_every_class_by_hand():
    # Train: 0.0 class 0, 1.0 class 2, 3.0 class 1 (the augmented class, code 1); validation:
    # 0.1 class 0, 1.1 class 2, 2.0 class 1. Draw A puts class 1's rows on 1.1, draw B on 2.1.
    X, codes = np.array([[0.0], [1.0], [3.0]]), np.array([0, 2, 1])
    X_val, codes_val = np.array([[0.1], [1.1], [2.0]]), np.array([0, 2, 1])
    y, y_val = (codes == 1).astype(int), (codes_val == 1).astype(int)
    draw_a, draw_b = (Rollout(np.array([[v], [v]]), np.ones(2, dtype=int),
                              np.array([[2, 0], [2, 0]]), np.ones(2)) for v in (1.1, 2.1))
    judge = MulticlassJudge(codes, codes_val, code=1, n_classes=3)
    knn = KNeighborsClassifier(n_neighbors=1)
    # A predicts 0, 1, 1 against 0, 2, 1: F1 1, 2/3 and 0 over three classes, mean 5/9;
    # B predicts every row right.
    best, scores = choose_draw([draw_a, draw_b], knn, X, y, X_val, y_val,
                               metric="f1_macro", judge=judge)
    assert best == 1 and np.allclose(scores, [5 / 9, 1.0])
    # The binary judge sees A's predictions as 0, 1, 1 against 0, 0, 1: 2/3 for both classes.
    assert np.allclose(choose_draw([draw_a, draw_b], knn, X, y, X_val, y_val,
                                   metric="f1_macro")[1], [2 / 3, 1.0])


def test_probabilities_keep_every_class_column():
    # A model fitted on classes 0 and 2 of three: class 1's column is 0, the others in order.
    model = KNeighborsClassifier(n_neighbors=2).fit([[0.0], [1.0], [5.0]], [2, 2, 0])
    assert _proba(model, np.array([[0.2]]), n_classes=3).tolist() == [[0.0, 0.0, 1.0]]


class _LabelSpy(KNeighborsClassifier):
    """KNN that records the label sets it is fitted on (clones share the class list)."""

    seen = []

    def fit(self, X, y):
        type(self).seen.append(frozenset(np.unique(y).tolist()))
        return super().fit(X, y)


@pytest.mark.parametrize("with_validation", [False, True])
def test_each_class_choice_is_judged_by_the_classifier_on_every_class(three, tiny,
                                                                      with_validation):
    X, y = three
    params = {"validation_data": (X[:100] + 0.01, y[:100])} if with_validation else {}
    _LabelSpy.seen = []
    sampler, _, _ = _fit(X, y, tiny, estimator=_LabelSpy(n_neighbors=5), n_draws=2,
                         multiclass_choice="all-classes", **params)
    # The choice of kind, volume and draw fits all three classes' codes (the actor's reward
    # stays binary), and the candidates' scores are macro-F1 over the three classes.
    assert frozenset({0, 1, 2}) in _LabelSpy.seen
    assert all(labels <= {0, 1, 2} for labels in _LabelSpy.seen)
    for binary in sampler.samplers_.values():
        none = next(c for c in binary.history_["candidates"] if c["kind"] is None)
        assert 0 < none["score"] <= 1
    # A class's sampler fitted again on 0/1 labels is judged by them: the classes are gone.
    _LabelSpy.seen = []
    sampler.samplers_["mid"].fit(X, (y == "mid").astype(int))
    assert _LabelSpy.seen and all(labels <= {0, 1} for labels in _LabelSpy.seen)
    # The default judges each class against the rest: every fit sees 0/1 labels only.
    _LabelSpy.seen = []
    _fit(X, y, tiny, estimator=_LabelSpy(n_neighbors=5), n_draws=2, **params)
    assert _LabelSpy.seen and all(labels <= {0, 1} for labels in _LabelSpy.seen)
