"""benchmarks/learned_counts.py: per-anomaly weights for spread, learned on train, scored on
validation only."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from sklearn.metrics import f1_score
from sklearn.neighbors import KNeighborsClassifier

from conftest import load_benchmark
from test_kind_probe import blind_split

SMALL = {"population": 4, "elite": 2, "iterations": 1}


@pytest.fixture(scope="module")
def counts():
    return load_benchmark("learned_counts")


def test_doctests(counts):
    result = doctest.testmod(counts)
    assert result.attempted > 0 and result.failed == 0


def test_weights_move_the_pairs_and_never_pair_a_row_with_itself(counts):
    X = np.arange(5.0).reshape(-1, 1) * 10  # rows 0, 10, 20, 30, 40
    anchors = np.array([1, 2, 4])
    u = np.random.default_rng(0).random((2000, 2))
    heavy = counts.weighted_midpoints(X, anchors, np.array([1.0, 1.0, 8.0]), u).ravel()
    # Every midpoint is of two distinct anchors: (10+20)/2, (10+40)/2 or (20+40)/2.
    assert set(np.unique(heavy)) <= {15.0, 25.0, 30.0}
    # Anchor 4 (weight 8 of 10) is in a pair unless both ends avoid it: the pair (1, 2) has
    # probability 0.1 * (1/9) + 0.1 * (1/9) = 0.022.
    assert np.mean(heavy == 15.0) == pytest.approx(0.2 / 9, abs=0.01)
    with pytest.raises(ValueError, match="positive weights"):
        counts.weighted_midpoints(X, anchors, np.array([1.0, 0.0, 1.0]), u)


def test_search_is_seeded_and_keeps_its_best(counts, diverse):
    X, y = diverse
    first = counts.learn_weights(X, y, 0.2, np.random.default_rng(1), **SMALL)
    again = counts.learn_weights(X, y, 0.2, np.random.default_rng(1), **SMALL)
    assert first["mean"].tobytes() == again["mean"].tobytes()
    assert first["best_score"] >= first["start"]
    assert first["mean"].shape == (int(y.sum()),) and np.all(first["mean"] > 0)


def test_probe_scores_on_validation_and_never_reads_test(counts, diverse):
    from mixann.bench import protocol

    split = protocol.split(*diverse, 0)
    blind = blind_split(split)
    out = counts.probe_cell(blind, 2, 0.2, **SMALL)
    assert set(out) == {"uniform", "learned-mean", "learned-best", "oof-start", "oof-best"}
    # Uniform weights are spread's uniform pairs, on the cell's own uniforms.
    X, y = split.X_train, split.y_train
    n = round(0.2 * (np.sum(y == 0) - np.sum(y == 1)))
    anchors = np.flatnonzero(y == 1)
    uniforms = np.random.default_rng(2 + 100).random((n, 2))
    samples = counts.weighted_midpoints(X, anchors, np.ones(len(anchors)), uniforms)
    model = KNeighborsClassifier(10).fit(np.vstack([X, samples]), np.r_[y, np.ones(n, int)])
    assert out["uniform"] == pytest.approx(
        f1_score(split.y_val, model.predict(split.X_val), average="macro"))


def test_cli_names_the_datasets_it_has_volumes_for(counts, capsys):
    with pytest.raises(SystemExit):
        counts.main(["--datasets", "vowels,mystery"])
    assert "no probe volume for mystery" in capsys.readouterr().err
