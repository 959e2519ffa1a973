"""Fourth audit, the library: scorers that are not for classes, torch devices that are not
there, and the detectors as scikit-learn estimators."""

import numpy as np
import pytest
from sklearn.base import clone

from mixann import MixAnN
from mixann._torch import check_device
from mixann.datasets import make_diverse_minorities
from mixann.detectors import DeepSAD, DevNet, XGBODDetector
from mixann.metrics import check_metric


@pytest.fixture(scope="module")
def data():
    return make_diverse_minorities(n_samples=300, random_state=0)


@pytest.mark.parametrize("metric, kind", [("r2", "regression"),
                                          ("neg_mean_squared_error", "regression"),
                                          ("adjusted_rand_score", "clustering"),
                                          ("f1_samples", "multilabel")])
def test_scorers_not_for_class_labels_are_refused_before_training(data, metric, kind):
    # r2 and neg_mean_squared_error used to run, choosing volumes on the labels read as numbers.
    X, y = data
    for params in (dict(metric=metric), dict(reward_metric=metric)):
        with pytest.raises(ValueError, match=rf"metric='{metric}' is a {kind} scorer; .*f1_macro"):
            MixAnN(n_episodes=1, random_state=0, **params).fit_resample(X, y)


@pytest.mark.parametrize("metric", ["f1_macro", "balanced_accuracy", "average_precision",
                                    "roc_auc", "neg_log_loss", "neg_brier_score",
                                    "matthews_corrcoef"])
def test_classification_scorers_are_accepted(metric):
    assert check_metric(metric) == metric


@pytest.mark.parametrize("device, message", [
    ("bogus", r"device='bogus' is not a torch device; use 'cpu', 'cuda'"),
    ("CPU", r"device='CPU' is not a torch device"),
    ("meta", r"device='meta': MixAnN's networks train on 'cpu', 'cuda', 'mps' or 'xpu'"),
])
def test_a_device_torch_does_not_know_is_refused_clearly(data, device, message):
    # It used to fail inside torch's first .to() with a list of twenty device types.
    X, y = data
    with pytest.raises(ValueError, match=message):
        MixAnN(n_episodes=1, device=device).fit_resample(X, y)
    with pytest.raises(ValueError, match=message):
        DevNet(epochs=1, device=device).fit(X, y)
    with pytest.raises(ValueError, match=message):
        DeepSAD(epochs=1, device=device).fit(X, y)


def test_a_gpu_that_is_not_there_is_refused_clearly(monkeypatch):
    # Without CUDA torch raised "AssertionError: Torch not compiled with CUDA enabled".
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match=r"device='cuda', but this torch build sees no cuda "
                                         r"device .*use device='cpu'"):
        check_device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert check_device("cuda:1") == torch.device("cuda:1")
    with pytest.raises(ValueError, match=r"torch sees 2 cuda device\(s\): use 'cuda:0' to "
                                         r"'cuda:1'"):
        check_device("cuda:2")


def test_the_torch_detectors_are_scikit_learn_estimators(data):
    # DevNet and DeepSAD had no get_params, so clone and GridSearchCV failed on them.
    X, y = data
    devnet = DevNet(epochs=2, n_batches=2, batch_size=32, hidden=(8,), random_state=0)
    copy = clone(devnet)
    assert copy.get_params() == devnet.get_params() and copy.get_params()["hidden"] == (8,)
    assert repr(devnet).startswith("DevNet(") and "epochs=2" in repr(devnet)
    a = devnet.fit(X, y).decision_function(X)
    b = copy.fit(X, y).decision_function(X)
    assert np.array_equal(a, b)
    assert clone(DeepSAD(rep_dim=4)).set_params(eta=2.0).get_params()["eta"] == 2.0


def test_xgbod_detector_clones_with_its_xgbod_arguments():
    # XGBODDetector had no get_params; its **xgbod_kwargs must survive clone and set_params.
    detector = XGBODDetector(budget="test", random_state=3, max_depth=2)
    copy = clone(detector)
    assert copy.get_params() == {"budget": "test", "random_state": 3, "max_depth": 2}
    copy.set_params(max_depth=4, budget="quick")
    assert copy.get_params() == {"budget": "quick", "random_state": 3, "max_depth": 4}
    assert detector.xgbod_kwargs == {"max_depth": 2}  # the original is untouched
    assert repr(copy) == "XGBODDetector(random_state=3, max_depth=4)"


def test_xgbod_detector_names_an_unknown_budget(data):
    # It used to fail with KeyError: 'huge' from the budget tables.
    X, y = data
    with pytest.raises(ValueError, match=r"budget='huge'; choose one of test, quick, paper"):
        XGBODDetector(budget="huge").fit(X, y)


def _few(X, y, n_normal, n_anomalies=2):
    return (np.r_[X[y == 0][:n_normal], X[y == 1][:n_anomalies]],
            np.r_[np.zeros(n_normal, int), np.ones(n_anomalies, int)])


def test_guard_false_takes_volume_zero_out_of_the_default_volumes(data):
    # Volume 0 was in DEFAULT_VOLUMES, so guard=False still returned nothing, guard_fired True.
    X, y = _few(*data, 50)
    # selection_rule="best": with 2 anomalies "auto" would skip the search (row 88).
    sampler = MixAnN(guard=False, n_episodes=2, max_steps_per_episode=5, random_state=0,
                     selection_rule="best").fit(X, y)
    assert len(sampler.synthetic_X_) > 0 and sampler.history_["volume"] > 0
    assert sampler.history_["guard_fired"] is False
    assert all(c["volume"] > 0 for c in sampler.history_["candidates"])
    guarded = MixAnN(n_episodes=2, max_steps_per_episode=5, random_state=0,
                     selection_rule="best").fit(X, y)
    assert any(c["kind"] is None for c in guarded.history_["candidates"])
    with pytest.raises(ValueError, match=r"volumes=\(0.0,\) with guard=False leaves no volume"):
        MixAnN(guard=False, volumes=(0.0,), minority_multiples=()).fit(X, y)


@pytest.mark.parametrize("n_normal, params, message", [
    (8, {}, r"max_neighbors=10 and the estimator's n_neighbors=10 are both larger than the "
            r"training split \(8 samples\); lower max_neighbors and use an estimator with fewer "
            r"neighbours, e\.g\. estimator=KNeighborsClassifier\(n_neighbors=7\)"),
    # Following the first advice used to end in "n_neighbors=10 is larger than the training
    # split", which named no parameter of MixAnN.
    (8, dict(max_neighbors=2), r"the estimator's n_neighbors=10 is larger than the training "
                               r"split \(8 samples\); give more rows, or an estimator"),
    # The folds of the volume search (7 rows each here) used to fail with sklearn's
    # "Expected n_neighbors <= n_samples_fit" alone.
    (12, dict(selection_rule="best"),
     r"the volume search fits the estimator on folds of 7 rows \(of the 14 in train \+ "
             r"validation\), fewer than its n_neighbors=10; give more rows, or an estimator "
             r"with fewer neighbours, e\.g\. estimator=KNeighborsClassifier\(n_neighbors=6\)"),
])
def test_too_few_rows_for_the_neighbours_names_every_limit_and_the_fix(data, n_normal, params,
                                                                        message):
    X, y = _few(*data, n_normal)
    with pytest.raises(ValueError, match=message):
        MixAnN(n_episodes=2, max_steps_per_episode=5, random_state=0, **params).fit_resample(X, y)


def test_the_advised_estimator_works(data):
    from sklearn.neighbors import KNeighborsClassifier

    X, y = _few(*data, 12)
    X_res, _ = MixAnN(KNeighborsClassifier(n_neighbors=6), n_episodes=2, max_steps_per_episode=5,
                      random_state=0).fit_resample(X, y)
    assert len(X_res) >= len(X)


def test_policy_files_a_folder_or_a_missing_folder_are_named(tmp_path, data):
    # save_policy into a folder gave torch's "[enforce fail at inline_container.cc]"; reading
    # a folder said "does not exist", and a text file ended in a bare ": 101".
    X, y = data
    sampler = MixAnN(n_episodes=2, max_steps_per_episode=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=r"it is a folder; give a file's path, e\.g\. .*policy\.pt"):
        sampler.save_policy(tmp_path)
    with pytest.raises(ValueError, match=r"the folder '.*missing' does not exist; create it"):
        sampler.save_policy(tmp_path / "missing" / "p.pt")
    with pytest.raises(ValueError, match=r"is a folder; give the file that MixAnN\.save_policy"):
        MixAnN(policy=tmp_path).fit(X, y)
    (tmp_path / "junk.pt").write_text("hello")
    with pytest.raises(ValueError, match=r"not a MixAnN policy file saved by save_policy \(torch "
                                         r"could not read it as weights: \w+Error"):
        MixAnN(policy=tmp_path / "junk.pt").fit(X, y)
