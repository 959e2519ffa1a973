"""Audit 16: generators (rollout) and the validation metric on degenerate inputs."""

import numpy as np
import pytest

from mixann.metrics import score_proba
from mixann.rollout import rollout


def test_rollout_with_no_round_returns_an_empty_rollout():
    # max_rounds=0 used to crash in np.concatenate ("need at least one array to concatenate").
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0]])
    y = np.array([0, 0, 0, 1])
    out = rollout(lambda s: np.zeros((len(s), 4)), X, y, 5, z_transform=lambda a: a,
                  max_neighbors=2, max_oversample=2, eta=0.3, max_steps=3, noise=0.0,
                  rng=np.random.default_rng(0), kind="boundary", max_rounds=0)
    assert len(out) == 0 and out.X.shape == (0, 2) and out.sources.shape == (0, 2)


@pytest.mark.parametrize("proba", [np.ones((3, 1)), np.array([0.1, 0.8, 0.4]),
                                   np.full((2, 2), 0.5)])
def test_score_proba_rejects_probabilities_of_the_wrong_shape(proba):
    # A single column scored every row as class 0 (f1_macro 1.0 on a one-class y) or failed in
    # scikit-learn with "pos_label=1 is not a valid label"; 1-D with "tuple index out of range".
    with pytest.raises(ValueError, match="one column per class"):
        score_proba("f1_macro", proba, np.array([0, 0, 0]))


def test_score_proba_refuses_a_nan_score_on_a_one_class_split():
    # ROC AUC of one class is NaN with only a warning; as a reward it would poison training.
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    with pytest.raises(ValueError, match="undefined on these labels"):
        score_proba("roc_auc", proba, np.array([0, 0, 0]))
    assert score_proba("f1_macro", proba, np.array([0, 0, 0])) == pytest.approx(0.4)
