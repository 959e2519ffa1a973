"""benchmarks/draw_ceiling.py: the draw-choice rules on hand-made draws, and one real cell."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier

from mixann.bench.runner import Cell, run_cell

from conftest import load_benchmark


@pytest.fixture(scope="module")
def ceiling():
    return load_benchmark("draw_ceiling")


def _draw(f1, ap, test, brier=-0.1):
    return {"val": {"f1": f1, "ap": ap, "brier": brier, "logloss": brier, "auc": ap},
            "test_f1": test}


def test_rules_on_hand_made_draws(ceiling):
    # Draws 1 and 2 tie on validation F1 (0.8); draw 2 has the better AP; draw 3 is the best
    # on test but the worst on validation F1.
    draws = [_draw(0.6, 0.5, 0.70), _draw(0.8, 0.6, 0.75), _draw(0.8, 0.9, 0.80),
             _draw(0.5, 0.7, 0.90)]
    rules = ceiling.rules({"draws": draws}, sizes=(3, 4))
    assert rules["first"] == 0.70
    assert rules["f1@3"] == 0.75  # the F1 tie goes to the first, as choose_draw's argmax
    assert rules["f1>ap@3"] == 0.80  # AP decides the tie
    assert rules["ap@4"] == 0.80 and rules["ap@3"] == 0.80
    assert rules["oracle@3"] == 0.80 and rules["oracle@4"] == 0.90
    assert rules["mean@4"] == pytest.approx((0.70 + 0.75 + 0.80 + 0.90) / 4)
    # Ranks over F1, AP and Brier (all -0.1: a four-way tie, ranks 0-3 in order):
    # draw 0: 2 + 3 + 0, draw 1: 0 + 2 + 1, draw 2: 1 + 0 + 2, draw 3: 3 + 1 + 3 -> draw 1 or 2
    # tie at 3; the first (draw 1) wins.
    assert rules["rank@4"] == 0.75
    assert ceiling.rules({"draws": []}) is None  # no augmentation: nothing to choose


def test_source_aware_oof_drops_the_rows_made_from_held_out_rows(ceiling):
    from mixann.rollout import Rollout

    rng = np.random.default_rng(0)
    X = rng.uniform(size=(40, 2))
    y = np.r_[np.zeros(30, dtype=int), np.ones(10, dtype=int)]
    anomalies = np.flatnonzero(y == 1)
    # Exact copies of every anomaly: a 1-NN fitted with the copy of a held-out anomaly
    # would find it at distance 0 and always be right. Dropped, the copies change nothing.
    copies = Rollout(X[anomalies], np.ones(10, dtype=int), np.c_[anomalies, anomalies],
                     np.ones(10))
    empty = Rollout.empty(2)
    one_nn = KNeighborsClassifier(n_neighbors=1)
    with_copies = ceiling.source_aware_oof(one_nn, X, y, copies, 5, 0)
    assert np.array_equal(with_copies, ceiling.source_aware_oof(one_nn, X, y, empty, 5, 0))
    # Kept, each held-out anomaly's copy would have made every anomaly's prediction right.
    assert (with_copies[anomalies, 1] < 0.5).any()
    assert with_copies.shape == (40, 2) and np.allclose(with_copies.sum(axis=1), 1.0)


def test_summarise_pairs_each_rule_against_the_default(ceiling, tmp_path):
    records = [{"dataset": "a", "seed": s, "draws": [_draw(0.6, 0.5, 0.7), _draw(0.5, 0.9, t)]}
               for s, t in enumerate((0.8, 0.6))]
    records.append({"dataset": "a", "seed": 2, "draws": []})
    text = ceiling.summarise(records, base="f1@2", sizes=(2,))
    assert "2 cells with draws (1 without)" in text
    # ap@2 picks draw 1: +0.1 and -0.1 against f1@2's draw 0.
    assert "| ap@2 | 0.7000 | +0.0000 | 0.1000 | 1/0/1 |" in text
    path = tmp_path / "draws.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert [r["seed"] for r in ceiling.read_records(path, "1-2")] == [1, 2]


def test_one_cell_records_every_draw_as_the_bench_returns_it(ceiling, shared_datasets):
    data_dir = str(shared_datasets / "adbench")
    record = ceiling.run_one(("knn", "vowels", 0, "test", data_dir, 3))
    assert record["n_draws"] == 3 and len(record["draws"]) == 3
    for draw in record["draws"]:
        assert set(draw["val"]) == set(ceiling.SCORERS)
        assert 0.0 <= draw["test_f1"] <= 1.0
    # What fit_resample returned is the best validation F1 among the draws (ties: the first).
    rules = ceiling.rules(record, sizes=(3,))
    assert record["fitted"] == rules["f1@3"]
    # The first draw is what one draw returns: the bench's own cell with n_draws=1.
    one = run_cell(Cell("vowels", "knn", "mixann[n_draws=1]", 0, "test"), data_dir=data_dir)
    assert rules["first"] == one["f1"]
