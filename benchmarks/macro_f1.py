"""Whole fits with MixAnN's own macro-F1 against scikit-learn's scorer, and the same bytes.

MixAnN scores its validation rows after every step of every episode and for every candidate
of its volume search; with the default ``metric="f1_macro"`` it counts the F1 itself
(:func:`mixann.metrics.macro_f1`, scikit-learn's arithmetic without its input checks). For
each dataset, classifier and seed this script runs ``MixAnN.fit_resample`` on the bench's
split (the bench's classifier and ``--budget``) twice: once with every macro-F1 asked of
scikit-learn's ``f1_macro`` scorer, as before session 54, and once as shipped. It prints the
seconds of both fits and checks that the returned rows, every candidate's score and every
draw's score are the same to the bit::

    python benchmarks/macro_f1.py --datasets vowels,annthyroid,mammography,satellite \
        --classifiers knn,xgboost --seeds 2 --data-dir ../shared/datasets/adbench
"""

from __future__ import annotations

import argparse
from contextlib import contextmanager

# The same timed fit and digest, for any of the bench's classifiers, and its options.
from knn_votes import add_fit_arguments, fit, warm_up


@contextmanager
def scorer_only():
    """Every macro-F1 inside is scikit-learn's scorer's, on one-hot probabilities of the
    predictions (their argmax is the prediction), as ``score_proba`` computed it before."""
    import numpy as np
    from sklearn.metrics import get_scorer

    import mixann.metrics as metrics

    saved, scorer = metrics.macro_f1, get_scorer("f1_macro")

    def through_scorer(y_true, y_pred):
        proba = np.eye(int(max(y_true.max(), y_pred.max())) + 1)[y_pred]
        return float(scorer(metrics._FrozenProba(proba), proba, y_true))

    metrics.macro_f1 = through_scorer
    try:
        yield
    finally:
        metrics.macro_f1 = saved


def main(argv=None):
    from mixann.bench.protocol import split as bench_split
    from mixann.datasets import load_dataset

    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    add_fit_arguments(parser, "vowels,annthyroid,mammography,satellite")
    parser.add_argument("--classifiers", default="knn,xgboost")
    args = parser.parse_args(argv)
    warm_up(args)
    print("| dataset | classifier | seed | scorer: fit s | own macro-F1: fit s | speed-up "
          "| same |")
    print("|---|---|---:|---:|---:|---:|---|")
    totals = {}
    for dataset in args.datasets.split(","):
        X, y = load_dataset(dataset, data_dir=args.data_dir)
        for classifier in args.classifiers.split(","):
            for seed in range(args.seeds):
                split = bench_split(X, y, seed)
                with scorer_only():
                    old_fit, _, old = fit(split, seed, args.budget, classifier)
                new_fit, _, new = fit(split, seed, args.budget, classifier)
                total = totals.setdefault(classifier, [0.0, 0.0])
                total[0], total[1] = total[0] + old_fit, total[1] + new_fit
                print(f"| {dataset} | {classifier} | {seed} | {old_fit:.2f} | {new_fit:.2f} "
                      f"| {old_fit / max(new_fit, 1e-9):.2f}x | {'yes' if old == new else 'NO'} |",
                      flush=True)
    for classifier, (old_fit, new_fit) in totals.items():
        print(f"| all | {classifier} | | {old_fit:.1f} | {new_fit:.1f} "
              f"| {old_fit / max(new_fit, 1e-9):.2f}x | |")


if __name__ == "__main__":
    main()
