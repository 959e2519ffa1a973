"""Fifth audit: Ctrl-C during an MLP's fit in a bench cell, and MixAnNClassifier's feature
names after a refit."""

import numpy as np
import pandas as pd
import pytest
from sklearn.neural_network import MLPClassifier

from mixann import MixAnNClassifier
from mixann.bench.runner import Cell, run_cell
from mixann.datasets import make_diverse_minorities


def test_ctrl_c_inside_an_mlp_fit_interrupts_the_cell(monkeypatch, shared_datasets):
    # MLPClassifier catches KeyboardInterrupt, stops early and only warns "Training
    # interrupted by user."; the cell was then scored on a half-trained model and stored ok.
    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(MLPClassifier, "_update_no_improvement_count", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_cell(Cell("vowels", "mlp", "none", 0, "test"),
                 data_dir=shared_datasets / "adbench")


def test_classifier_drops_feature_names_on_a_refit_without_them():
    # A DataFrame fit then a numpy fit kept ['f0', 'f1'], and predict warned that X "does
    # not have valid feature names".
    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    clf = MixAnNClassifier(n_episodes=2, max_steps_per_episode=5, random_state=0)
    clf.fit(pd.DataFrame(X, columns=["f0", "f1"]), y)
    assert list(clf.feature_names_in_) == ["f0", "f1"]
    clf.fit(X, y)
    assert not hasattr(clf, "feature_names_in_")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isin(clf.predict(X[:3]), [0, 1]).all()


def test_draw_ceiling_refuses_fewer_draws_than_its_rules_score(monkeypatch, capsys):
    # --n-draws 2 ran, then printed no rule and "no cell with draws": every rule is f1@10's.
    from conftest import load_benchmark

    script = load_benchmark("draw_ceiling")
    monkeypatch.setattr("sys.argv", ["draw_ceiling.py", "--n-draws", "9"])
    with pytest.raises(SystemExit) as exit_:
        script.main()
    assert exit_.value.code == 2
    assert "--n-draws must be 10 or more" in capsys.readouterr().err


@pytest.mark.parametrize("method", ["smote", "borderline-smote", "svm-smote", "adasyn",
                                    "autosmote"])
def test_smote_family_on_one_minority_row_says_so(method):
    # sklearn's "Expected n_neighbors <= n_samples_fit" came through, though the neighbour cap
    # promised that tiny minorities work.
    from mixann.baselines import make_sampler

    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    labels = np.r_[np.full(50, "ok"), ["fraud"]]
    with pytest.raises(ValueError, match=rf"{method} interpolates between a minority row and "
                                         r"its neighbours; the class 'fraud' of y has 1 row"):
        make_sampler(method, y=labels).fit_resample(np.r_[X[y == 0][:50], X[y == 1][:1]],
                                                    labels)


def test_mixboost_takes_an_estimator_without_predict_proba():
    # Session 43's parameter check asked for predict_proba, so SVC() failed, though MixBoost
    # draws uniformly without it (its documented fallback).
    from sklearn.svm import SVC

    from mixann.baselines.mixboost import MixBoost

    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    X_res, y_res = MixBoost(estimator=SVC(), n_rounds=2, random_state=0).fit_resample(X, y)
    assert len(X_res) > len(X) and len(X_res) == len(y_res)
