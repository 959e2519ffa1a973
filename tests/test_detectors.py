"""Label-informed detectors of Table 3 (mixann.detectors): threshold search, Deep SAD, DevNet, XGBOD."""

from __future__ import annotations


import numpy as np
import pytest
import torch
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from mixann.detectors import (DETECTOR_NAMES, DeepSAD, apply_threshold, deepsad_loss,
                              deviation_loss, fit_predict_detector, make_detector, select_threshold)
from mixann.detectors.threshold import threshold_candidates


# --------------------------------------------------------------------------- threshold search
# 20 validation scores 0.05, 0.10, ..., 1.00; the top three (0.90, 0.95, 1.00) are anomalies.
# Training anomaly ratio 0.1, linear quantile q = 1 - m * 0.1, position p = q * 19:
#   m=0.5: p=18.05, t=0.95 + 0.05*0.05 = 0.9525 -> flags {1.00}              (macro-F1 < 1)
#   m=1.0: p=17.10, t=0.90 + 0.10*0.05 = 0.9050 -> flags {0.95, 1.00}        (macro-F1 < 1)
#   m=1.5: p=16.15, t=0.85 + 0.15*0.05 = 0.8575 -> flags {0.90, 0.95, 1.00}  (perfect)
#   m=2.0: p=15.20, t=0.80 + 0.20*0.05 = 0.8100 -> flags 4, one false alarm
SCORES20 = np.arange(1, 21) * 0.05
Y20 = np.r_[np.zeros(17, int), np.ones(3, int)]


def test_select_threshold_hand_computed():
    rows = threshold_candidates(SCORES20, Y20, 0.1)
    assert [r["multiplier"] for r in rows] == [0.5, 1.0, 1.5, 2.0]
    assert [r["n_flagged"] for r in rows] == [1, 2, 3, 4]
    np.testing.assert_allclose([r["threshold"] for r in rows], [0.9525, 0.905, 0.8575, 0.81])
    # m=0.5: anomaly F1 2/4, normal F1 34/36; m=1.0: 4/5 and 34/35; m=2.0: 6/7 and 32/33.
    np.testing.assert_allclose([r["score"] for r in rows],
                               [(0.5 + 34 / 36) / 2, (0.8 + 34 / 35) / 2, 1.0, (6 / 7 + 32 / 33) / 2])
    m, t = select_threshold(SCORES20, Y20, anomaly_ratio=0.1)
    assert m == 1.5 and t == pytest.approx(0.8575)
    assert apply_threshold(SCORES20, t).tolist() == Y20.tolist()


def test_select_threshold_ignores_order_and_breaks_ties_to_smallest():
    perm = np.random.RandomState(0).permutation(20)
    assert select_threshold(SCORES20[perm], Y20[perm], 0.1)[0] == 1.5
    # Top two of ten are anomalies, ratio 0.1: m=0.5 and 1.0 flag one, 1.5 and 2.0 flag both
    # (equal, perfect macro-F1): the smaller multiplier wins, whatever order the grid is given in.
    scores, y = np.linspace(0.1, 1.0, 10), np.r_[np.zeros(8, int), np.ones(2, int)]
    m, t = select_threshold(scores, y, 0.1, multipliers=(2.0, 1.5, 1.0, 0.5))
    assert m == 1.5 and t == pytest.approx(0.865)


def test_threshold_ties_and_cap():
    scores = np.r_[np.zeros(8), np.ones(2)]
    # m=0.5 of 0.05 asks for 2.5% of the samples, but both tied top scores sit at the threshold.
    rows = threshold_candidates(scores, [0] * 8 + [1, 1], 0.05, multipliers=(0.5,))
    assert rows[0]["threshold"] == 1.0 and rows[0]["n_flagged"] == 2
    # fraction capped at 1: the threshold is the minimum and everything is flagged.
    rows = threshold_candidates(SCORES20, Y20, 0.6, multipliers=(2.0,))
    assert rows[0]["fraction"] == 1.0 and rows[0]["threshold"] == pytest.approx(0.05)
    assert rows[0]["n_flagged"] == 20
    assert apply_threshold([0.1, 0.5, 0.9], 0.5).tolist() == [0, 1, 1]


@pytest.mark.parametrize("bad", [dict(anomaly_ratio=0.0), dict(anomaly_ratio=1.5),
                                 dict(multipliers=()), dict(metric="nope"),
                                 dict(val_scores=[np.nan] * 20)])
def test_select_threshold_rejects_bad_input(bad):
    kwargs = dict(val_scores=SCORES20, y_val=Y20, anomaly_ratio=0.1)
    kwargs.update(bad)
    with pytest.raises(ValueError):
        select_threshold(**kwargs)


# --------------------------------------------------------------------------- losses
def test_deepsad_loss_hand_computed():
    d = torch.tensor([1.0, 4.0, 0.5, 2.0])
    labels = torch.tensor([1, -1, 0, -1])  # labeled normal, labeled anomaly, unlabeled, anomaly
    per = deepsad_loss(d, labels, eta=2.0, eps=0.0, reduction="none")
    np.testing.assert_allclose(per.numpy(), [1.0, 2 / 4, 0.5, 2 / 2])
    assert deepsad_loss(d, labels, eta=2.0, eps=0.0).item() == pytest.approx(0.75)
    # eps enters only the inverse term: 1/(4 + 1) and 1/(2 + 1) with eta=1, eps=1.
    per = deepsad_loss(d, labels, eta=1.0, eps=1.0, reduction="none")
    np.testing.assert_allclose(per.numpy(), [1.0, 0.2, 0.5, 1 / 3], rtol=1e-6)
    # gradient: d/dd of d is 1, of eta/(d + eps) is -eta/(d + eps)^2
    d = torch.tensor([1.0, 4.0], requires_grad=True)
    deepsad_loss(d, torch.tensor([1, -1]), eta=2.0, eps=0.0, reduction="none").sum().backward()
    np.testing.assert_allclose(d.grad.numpy(), [1.0, -2 / 16])


def test_deviation_loss_hand_computed():
    ref = torch.tensor([-1.0, 1.0]) / 2 ** 0.5  # mean 0, unbiased std 1
    s, y = torch.tensor([0.5, -2.0, 3.0, 6.0]), torch.tensor([0, 0, 1, 1])
    # |0.5| + |-2| + max(0, 5 - 3) + max(0, 5 - 6) = 4.5
    assert deviation_loss(s, y, ref=ref).item() == pytest.approx(4.5 / 4)
    assert deviation_loss(s, y, ref=ref * 2 + 1, margin=1.0).item() == pytest.approx(
        (0.25 + 1.5 + 0 + 0) / 4)


# --------------------------------------------------------------------------- Deep SAD
def _planted(rng, n_normal, n_anomaly, d=5):
    X = np.vstack([rng.randn(n_normal, d), 4 + 0.1 * rng.randn(n_anomaly, d)])
    return X, np.r_[np.zeros(n_normal, int), np.ones(n_anomaly, int)]


def test_deepsad_separates_planted_cluster():
    rng = np.random.RandomState(0)
    X, y = _planted(rng, 400, 20)
    X_test, y_test = _planted(rng, 300, 15)
    det = DeepSAD(epochs=20, random_state=0).fit(X, y)
    assert roc_auc_score(y_test, det.decision_function(X_test)) > 0.9
    assert det.center_.shape == (16,) and np.all(np.abs(det.center_) >= 0.1)
    assert all(lin.bias is None for lin in det.net_ if isinstance(lin, torch.nn.Linear))
    assert det.loss_history_[-1] < det.loss_history_[0]


def test_deepsad_deterministic_and_leaves_global_rng():
    rng = np.random.RandomState(1)
    X, y = _planted(rng, 150, 8)
    state = torch.get_rng_state()
    threads = torch.get_num_threads()
    a = DeepSAD(epochs=3, random_state=7).fit(X, y).decision_function(X)
    b = DeepSAD(epochs=3, random_state=7).fit(X, y).decision_function(X)
    c = DeepSAD(epochs=3, random_state=8).fit(X, y).decision_function(X)
    assert torch.equal(state, torch.get_rng_state())
    assert torch.get_num_threads() == threads
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_devnet_deterministic():
    rng = np.random.RandomState(2)
    X, y = _planted(rng, 150, 8)
    state = torch.get_rng_state()
    a = make_detector("devnet", random_state=3, budget="test").fit(X, y).decision_function(X)
    b = make_detector("devnet", random_state=3, budget="test").fit(X, y).decision_function(X)
    assert torch.equal(state, torch.get_rng_state())
    np.testing.assert_array_equal(a, b)
    assert roc_auc_score(y, a) > 0.9


# --------------------------------------------------------------------------- protocol
@pytest.fixture(scope="module")
def splits():
    from mixann.datasets import make_diverse_minorities

    X, y = make_diverse_minorities(n_samples=600, n_features=4, random_state=0)
    X_tr, X_rest, y_tr, y_rest = train_test_split(X, y, test_size=0.4, stratify=y, random_state=0)
    X_va, X_te, y_va, y_te = train_test_split(X_rest, y_rest, test_size=0.5, stratify=y_rest,
                                              random_state=0)
    return X_tr, y_tr, X_va, y_va, X_te, y_te


@pytest.mark.parametrize("name", DETECTOR_NAMES)
def test_fit_predict_detector(name, splits):
    X_tr, y_tr, X_va, y_va, X_te, y_te = splits
    y_pred, info = fit_predict_detector(name, X_tr, y_tr, X_va, y_va, X_te, random_state=0,
                                        budget="test")
    assert y_pred.shape == (X_te.shape[0],)
    assert set(np.unique(y_pred)) <= {0, 1}
    assert info["detector"] == name and info["anomaly_ratio"] == pytest.approx(y_tr.mean())
    if name == "xgbod":  # the paper thresholds only the score-based detectors
        assert info["threshold_rule"] == "classifier_proba>0.5" and info["multiplier"] is None
    else:
        assert info["threshold_rule"] == "validation_search"
        assert info["multiplier"] in (0.5, 1.0, 1.5, 2.0)
        assert len(info["candidates"]) == 4
        det = make_detector(name, random_state=0, budget="test").fit(X_tr, y_tr)
        expected = apply_threshold(det.decision_function(X_te), info["threshold"])
        np.testing.assert_array_equal(y_pred, expected)


def test_fit_predict_detector_forced_search_and_errors(splits):
    X_tr, y_tr, X_va, y_va, X_te, _ = splits
    _, info = fit_predict_detector("xgbod", X_tr, y_tr, X_va, y_va, X_te, budget="test",
                                   threshold_search=True)
    assert info["threshold_rule"] == "validation_search"
    with pytest.raises(ValueError, match="unknown detector"):
        make_detector("lof")
    with pytest.raises(ValueError, match="budget"):
        make_detector("deepsad", budget="huge")
    with pytest.raises(ValueError, match="both"):
        fit_predict_detector("deepsad", X_tr, np.zeros_like(y_tr), X_va, y_va, X_te, budget="test")
