"""How far update="warm-start" drifts from update="refit": validation macro-F1 over a walk.

Splits a dataset 80/20 (stratified, seeded), builds a RefitUpdater and a WarmStartUpdater
for the same classifier, and feeds both the same ``--steps`` synthetic samples (a random
training point x0, its nearest opposite-label point x1, alpha ~ U(0, 1), the label of Eq. 2
with eta = 0.3, 1..5 copies). Prints the validation macro-F1 of both after each step and
the max / mean absolute difference, and the time each spent in add().

    python benchmarks/warm_start_gap.py --dataset vowels --classifiers mlp,xgboost \
        --data-dir /work/shared/datasets/adbench
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.model_selection import train_test_split

from mixann.classifiers import make_classifier
from mixann.datasets import load_dataset
from mixann.env import nearest_opposite
from mixann.metrics import score_proba
from mixann.mixup import hard_label, mix
from mixann.updaters import RefitUpdater, WarmStartUpdater


def walk(X, y, steps, seed):
    """The synthetic samples both updaters absorb: (x, label, copies)."""
    rng = np.random.default_rng(seed)
    opposite = nearest_opposite(X, y)
    out = []
    for _ in range(steps):
        i0 = int(rng.integers(len(X)))
        i1 = int(opposite[i0])
        alpha = float(rng.uniform())
        out.append((mix(X[i0], X[i1], alpha), int(hard_label(y[i0], y[i1], alpha, 0.3)),
                    int(rng.integers(1, 6))))
    return out


def gap(X_tr, y_tr, X_val, y_val, classifier, steps, seed):
    samples = walk(X_tr, y_tr, steps, seed)
    scores, seconds = {}, {}
    for cls in (RefitUpdater, WarmStartUpdater):
        updater = cls(make_classifier(classifier, random_state=seed), X_tr, y_tr, X_val)
        f1, start = [], time.perf_counter()
        for x, label, copies in samples:
            updater.add(x, label, copies)
            f1.append(score_proba("f1_macro", updater.proba_validation(), y_val))
        seconds[cls.name], scores[cls.name] = time.perf_counter() - start, np.array(f1)
    diff = np.abs(scores["refit"] - scores["warm-start"])
    return scores, seconds, diff


def main(argv=None):
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--dataset", default="vowels")
    parser.add_argument("--classifiers", default="mlp,xgboost")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)
    X, y = load_dataset(args.dataset, args.data_dir)
    X_tr, X_val, y_tr, y_val = train_test_split(X, y, test_size=0.2, stratify=y,
                                                random_state=args.seed)
    for classifier in args.classifiers.split(","):
        scores, seconds, diff = gap(X_tr, y_tr, X_val, y_val, classifier, args.steps, args.seed)
        print(f"{args.dataset} {classifier}: {args.steps} steps; validation macro-F1 "
              f"refit {scores['refit'].min():.3f}..{scores['refit'].max():.3f}, warm-start "
              f"{scores['warm-start'].min():.3f}..{scores['warm-start'].max():.3f}; |diff| max "
              f"{diff.max():.4f} mean {diff.mean():.4f}; add() time refit {seconds['refit']:.1f} s, "
              f"warm-start {seconds['warm-start']:.1f} s")


if __name__ == "__main__":
    main()
