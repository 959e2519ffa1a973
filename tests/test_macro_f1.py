"""The fast macro-F1 behind score_proba's default metric: scikit-learn's float, bit for bit."""

import numpy as np
import pytest
from sklearn.metrics import f1_score, get_scorer

from mixann import metrics
from mixann.metrics import _FrozenProba, macro_f1, score_proba


def test_macro_f1_by_hand():
    # Class 0: tp 2, 3 true, 3 predicted -> 4/6; class 1: tp 1, 2 true, 2 predicted -> 2/4.
    y_true = np.array([0, 0, 0, 1, 1])
    y_pred = np.array([0, 0, 1, 1, 0])
    assert macro_f1(y_true, y_pred) == pytest.approx(7 / 12)
    # A label only predicted (2) counts with F1 0, as scikit-learn's does: (1 + 0 + 0) / 3.
    assert macro_f1(np.array([0, 1]), np.array([0, 2])) == pytest.approx(1 / 3)


@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_macro_f1_is_scikit_learns_float_to_the_bit(n_classes):
    rng = np.random.default_rng(n_classes)
    for _ in range(800):
        n = int(rng.integers(1, 400))
        # Skewed labels, as validation sets are: often a class missing from one side.
        p = rng.dirichlet(np.full(n_classes, 0.3))
        y_true = rng.choice(n_classes, size=n, p=p)
        y_pred = rng.choice(n_classes, size=n, p=rng.dirichlet(np.ones(n_classes)))
        assert macro_f1(y_true, y_pred) == f1_score(y_true, y_pred, average="macro")


def test_macro_f1_takes_labels_that_are_not_codes():
    rng = np.random.default_rng(0)
    for labels in ([-3, 7], [2, 40, 1000], [True, False]):
        y_true, y_pred = rng.choice(labels, size=(2, 60))
        assert macro_f1(y_true, y_pred) == f1_score(y_true, y_pred, average="macro")


@pytest.mark.parametrize("y_true, y_pred, error", [
    (np.array([0, 1]), np.array([0, 1, 1]), ValueError),
    (np.array([], dtype=int), np.array([], dtype=int), ValueError),
    (np.array([0.0, 1.0]), np.array([0, 1]), TypeError),
    (np.array(["a", "b"]), np.array(["a", "a"]), TypeError),
])
def test_macro_f1_refuses_what_it_cannot_score(y_true, y_pred, error):
    with pytest.raises(error, match="macro_f1|1-D"):
        macro_f1(y_true, y_pred)


def test_score_proba_takes_the_fast_path_and_gives_the_scorers_float(monkeypatch):
    calls = []
    monkeypatch.setattr(metrics, "macro_f1", lambda t, p: calls.append(1) or macro_f1(t, p))
    rng = np.random.default_rng(1)
    scorer = get_scorer("f1_macro")
    for _ in range(300):
        n, k = int(rng.integers(1, 120)), int(rng.integers(2, 4))
        proba = rng.dirichlet(np.ones(k), size=n)
        proba[rng.random(n) < 0.1] = 1.0 / k  # exact ties: argmax picks class 0, as predict does
        y_true = rng.integers(0, k, size=n)
        expected = float(scorer(_FrozenProba(proba), proba, y_true))
        assert score_proba("f1_macro", proba, y_true) == expected
    assert len(calls) == 300
    # Float labels still go through scikit-learn's scorer, with the same result.
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    assert score_proba("f1_macro", proba, np.array([0.0, 1.0, 1.0])) == pytest.approx(2 / 3)
    assert len(calls) == 300


def test_the_benchmark_reports_the_same_bytes(tmp_path, capsys):
    # benchmarks/macro_f1.py at the test budget: fits through the scorer and with the counted
    # macro-F1 must return the same rows and scores, and say so; the patch is undone after.
    from conftest import load_benchmark

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 4))
    y = (rng.random(400) < 0.06).astype(int)
    X[y == 1] += 1.5
    np.savez(tmp_path / "40_vowels.npz", X=X, y=y)
    load_benchmark("macro_f1").main(["--datasets", "vowels", "--classifiers", "knn",
                                     "--budget", "test", "--data-dir", str(tmp_path)])
    rows = [line.split("|") for line in capsys.readouterr().out.splitlines()
            if line.startswith("| vowels |")]
    assert len(rows) == 1 and rows[0][7].strip() == "yes"
    assert metrics.macro_f1 is macro_f1
