"""benchmarks/kind_probe.py: validation-only scores of candidate kinds, never the test split."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.metrics import f1_score
from sklearn.neighbors import KNeighborsClassifier

from conftest import load_benchmark


@pytest.fixture(scope="module")
def probe():
    return load_benchmark("kind_probe")


class _Untouchable:
    """Stands in for the test split: any use of it fails the test."""

    def __getattr__(self, name):
        raise AssertionError(f"the probe read the test split ({name})")

    def __array__(self, *args, **kwargs):
        raise AssertionError("the probe read the test split")

    def __len__(self):
        raise AssertionError("the probe read the test split")


def blind_split(split):
    """``split`` with its test parts replaced by :class:`_Untouchable`."""
    return dataclasses.replace(split, X_test=_Untouchable(), y_test=_Untouchable())


def test_probe_scores_prefixes_on_validation_and_never_reads_test(probe, diverse):
    from mixann.bench import protocol
    from mixann.rollout import copies

    split = protocol.split(*diverse, 0)
    blind = blind_split(split)
    out = probe.probe_cell(blind, 3, {"copy": copies}, volumes=(0.05, 0.2))
    assert out["volumes"] == [0.05, 0.2]

    X, y = split.X_train, split.y_train
    gap = int(np.sum(y == 0) - np.sum(y == 1))

    def val_f1(X_fit, y_fit):
        pred = KNeighborsClassifier(10).fit(X_fit, y_fit).predict(split.X_val)
        return f1_score(split.y_val, pred, average="macro")

    assert out["none"] == pytest.approx(val_f1(X, y))
    # Each volume is a prefix of one draw at the largest volume, from the cell's seed.
    drawn = copies(X, y, round(0.2 * gap), np.random.default_rng(3))
    for volume, score in zip((0.05, 0.2), out["copy"]):
        part = drawn.head(round(volume * gap))
        assert score == pytest.approx(val_f1(np.vstack([X, part.X]), np.r_[y, part.y]))
    assert out["copy"][0] != out["copy"][1] or out["copy"][0] != out["none"]


def test_summarise_fixes_one_volume_per_dataset_and_kind(probe):
    # Per seed, kind a's best volumes differ (0.1, then 0.5); the summary takes the volume best
    # on average (0.5: (0.6 + 0.9) / 2 = 0.75 against (0.8 + 0.6) / 2 = 0.7), not each maximum.
    v = [0.1, 0.5]
    cells = [("d", {"volumes": v, "none": 0.5, "a": [0.8, 0.6]}),
             ("d", {"volumes": v, "none": 0.5, "a": [0.6, 0.9]}),
             ("e", {"volumes": [0.01, 0.1], "none": 0.3, "a": [0.4, 0.2]})]
    table = probe.summarise(cells).splitlines()
    assert table[1].split() == ["none", "0.500", "0.300", "0.400"]
    assert table[2].split() == ["a", "0.750", "@", "0.5", "0.400", "@", "0.01", "0.575"]
    with pytest.raises(ValueError, match="different volumes"):
        probe.summarise([*cells, ("e", {"volumes": v, "none": 0.3, "a": [0.4, 0.2]})])


def test_cli_rejects_unknown_kinds(probe, capsys):
    with pytest.raises(SystemExit):
        probe.main(["--kinds", "spread,no-such-kind"])
    assert "no-such-kind" in capsys.readouterr().err
    assert {"spread", "spread-teacher", "cross-teacher"} <= set(probe.load_kinds())
    # `hard` weighs anomalies by the classifier's misses: the probe's classifier, not KNN's.
    hard = probe.load_kinds("xgboost")["hard"]
    assert type(hard.keywords["estimator"]).__name__ == "XGBClassifier"


def test_default_volumes_add_minority_counts_under_extreme_imbalance(probe):
    # smtp-like: gap 9,980, minority 20: 1, 2 and 5 minority counts (20 to 100 rows) are under
    # 0.02 of the gap (199.6 rows); 10 counts (200 rows) and 20 are not.
    volumes = probe.default_volumes(np.r_[np.zeros(10_000), np.ones(20)])
    assert volumes[:3] == pytest.approx([20 / 9980, 40 / 9980, 100 / 9980])
    assert volumes[3:] == [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0]


def test_doctests(probe):
    import doctest

    result = doctest.testmod(probe)
    assert result.attempted > 0 and result.failed == 0


def test_weighted_rows_are_more_lighter_rows_of_one_draw(probe, diverse):
    # Row 70: at weight w a volume is 1 / w times as many rows, each fitted at w, all prefixes
    # of one draw of round(largest count / smallest weight) rows.
    from mixann.bench import protocol
    from mixann.classifiers import make_classifier
    from mixann.rollout import copies

    split = protocol.split(*diverse, 0)
    blind = blind_split(split)
    out = probe.probe_cell(blind, 3, {"copy": copies}, classifier="xgboost", volumes=(0.05, 0.2),
                           weights=(1.0, 0.5))
    assert sorted(out) == ["copy", "copy@w0.5", "none", "volumes"]
    X, y = split.X_train, split.y_train
    gap = int(np.sum(y == 0) - np.sum(y == 1))
    drawn = copies(X, y, 2 * round(0.2 * gap), np.random.default_rng(3))
    for volume, plain, light in zip((0.05, 0.2), out["copy"], out["copy@w0.5"]):
        n = round(volume * gap)
        for rows, weight, score in ((n, 1.0, plain), (2 * n, 0.5, light)):
            part = drawn.head(rows)
            model = make_classifier("xgboost", random_state=3).fit(
                np.vstack([X, part.X]), np.r_[y, part.y],
                sample_weight=np.r_[np.ones(len(y)), np.full(rows, weight)])
            assert score == pytest.approx(f1_score(split.y_val, model.predict(split.X_val),
                                                   average="macro"))
    with pytest.raises(ValueError, match="knn takes no sample_weight"):
        probe.probe_cell(blind, 3, {"copy": copies}, volumes=(0.05,), weights=(1.0, 0.5))
    with pytest.raises(ValueError, match="weights must be positive"):
        probe.probe_cell(blind, 3, {"copy": copies}, volumes=(0.05,), weights=(0.0,))


def test_extra_volumes_join_the_default_grid(probe, diverse, tmp_path, capsys):
    # Row 72: --extra-volumes adds volumes beyond balance to the grid; --by-volume prints each
    # kind's mean at every volume, the default grid's and the extra ones.
    np.savez(tmp_path / "40_vowels.npz", X=diverse[0], y=diverse[1])
    probe.main(["--datasets", "vowels", "--seeds", "1", "--kinds", "copy", "--data-dir",
                str(tmp_path), "--extra-volumes", "1.5,2", "--by-volume"])
    curve = next(line for line in capsys.readouterr().out.splitlines()
                 if line.startswith("vowels copy "))
    volumes = [float(pair.split(":")[0]) for pair in curve.split()[2:]]
    assert volumes == [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0]
    for bad in ("1.5,x", "0,1.5"):
        with pytest.raises(SystemExit):
            probe.main(["--extra-volumes", bad])
        assert "--extra-volumes" in capsys.readouterr().err
