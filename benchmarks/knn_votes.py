"""The volume search's KNN votes: one neighbour search per fold against a refit per candidate.

For a ``KNeighborsClassifier`` that searches by KD-tree, the default preset's volume search
and its choice among draws no longer refit the KNN for every candidate: each fold's held-out
rows get their neighbours among the training rows once, and each candidate's synthetic rows
are added a block at a time (:mod:`mixann.knn_votes`). For each dataset and seed this script
runs ``MixAnN.fit_resample`` on the bench's split (the bench's KNN, ``--budget``) both ways,
prints the seconds of the whole fit and of the search (``select_volume`` plus
``choose_draw``), and checks that the returned rows, every candidate's score and every
draw's score are the same to the bit::

    python benchmarks/knn_votes.py --datasets vowels,annthyroid,mammography,smtp --seeds 2 \
        --data-dir ../shared/datasets/adbench

Datasets with more than 15 features (satellite, cifar10) are searched by brute force, so
both ways refit there. Run with an older checkout's ``src`` first on ``PYTHONPATH`` (before
session 52: ``git worktree add before d685a4e``, then ``PYTHONPATH=before/src python
benchmarks/knn_votes.py ...``), both columns time that code.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
import warnings
from contextlib import contextmanager


@contextmanager
def refit_only():
    """Every volume search and draw choice inside refits the KNN per candidate, as before."""
    import mixann.selection as selection

    saved = getattr(selection, "knn_votes_apply", None)
    if saved is None:  # code from before session 52, which refits anyway
        yield
        return
    selection.knn_votes_apply = lambda *args: False
    try:
        yield
    finally:
        selection.knn_votes_apply = saved


@contextmanager
def search_clock():
    """Yields a list that collects the seconds of every select_volume and choose_draw call."""
    import mixann.sampler as sampler

    spent, saved = [], {name: getattr(sampler, name) for name in ("select_volume", "choose_draw")}

    def timed(function):
        def run(*args, **kwargs):
            begin = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent.append(time.perf_counter() - begin)
        return run

    for name, function in saved.items():
        setattr(sampler, name, timed(function))
    try:
        yield spent
    finally:
        for name, function in saved.items():
            setattr(sampler, name, function)


def fit(split, seed, budget, classifier="knn"):
    """(fit seconds, search seconds, digest of the rows and of every score) of the bench's
    ``classifier`` (``benchmarks/macro_f1.py`` asks for others)."""
    import numpy as np

    from mixann import MixAnN
    from mixann.bench.runner import mixann_params
    from mixann.classifiers import make_classifier

    estimator = make_classifier(classifier, random_state=seed)
    sampler = MixAnN(estimator=estimator, validation_data=(split.X_val, split.y_val),
                     random_state=seed, **mixann_params(budget, estimator))
    with search_clock() as spent, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        begin = time.perf_counter()
        X_res, y_res = sampler.fit_resample(split.X_train, split.y_train)
        seconds = time.perf_counter() - begin
    history = sampler.history_
    scores = json.dumps([history.get("candidates"), history.get("draw_scores")]).encode()
    digest = hashlib.md5(np.ascontiguousarray(X_res).tobytes() + np.asarray(y_res).tobytes()
                         + scores).hexdigest()
    return seconds, sum(spent), digest


def add_fit_arguments(parser, datasets):
    """The options of a script that times :func:`fit`: datasets, seeds, budget, data folder."""
    parser.add_argument("--datasets", default=datasets)
    parser.add_argument("--seeds", type=int, default=1, help="seeds 0 .. n-1")
    parser.add_argument("--budget", default="paper", choices=("test", "quick", "paper"))
    parser.add_argument("--data-dir", default=None)


def warm_up(args):
    """One tiny fit first: torch's first use costs a second or two, not the first row's."""
    from mixann.bench.protocol import split as bench_split
    from mixann.datasets import load_dataset

    X, y = load_dataset(args.datasets.split(",")[0], data_dir=args.data_dir)
    fit(bench_split(X, y, 0), 0, "test")


def main(argv=None):
    from mixann.bench.protocol import split as bench_split
    from mixann.datasets import load_dataset

    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    add_fit_arguments(parser, "vowels,annthyroid,mammography,smtp")
    args = parser.parse_args(argv)
    warm_up(args)
    print("| dataset | seed | refit: fit s | search s | one search: fit s | search s "
          "| search speed-up | same |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    totals = [0.0, 0.0, 0.0, 0.0]
    for dataset in args.datasets.split(","):
        X, y = load_dataset(dataset, data_dir=args.data_dir)
        for seed in range(args.seeds):
            split = bench_split(X, y, seed)
            with refit_only():
                old_fit, old_search, old = fit(split, seed, args.budget)
            new_fit, new_search, new = fit(split, seed, args.budget)
            for i, value in enumerate((old_fit, old_search, new_fit, new_search)):
                totals[i] += value
            print(f"| {dataset} | {seed} | {old_fit:.2f} | {old_search:.2f} | {new_fit:.2f} "
                  f"| {new_search:.2f} | {old_search / max(new_search, 1e-9):.1f}x "
                  f"| {'yes' if old == new else 'NO'} |", flush=True)
    print(f"| all | | {totals[0]:.1f} | {totals[1]:.1f} | {totals[2]:.1f} | {totals[3]:.1f} "
          f"| {totals[1] / max(totals[3], 1e-9):.1f}x | |")


if __name__ == "__main__":
    main()
