"""MixAnN's default preset with another count of selection-fold repeats, on the bench's cells.

The default is ``selection_repeats=1``; this script measured 2 against it on the grid (rows 19
and 20 of docs/quality.md) and, with a bench file run at 2, 1 against 2 on the held-out data.
Runs :func:`mixann.bench.runner.run_cell` for the sweep method ``mixann[selection_repeats=N]``
(what ``mixann bench --sweep selection_repeats=N`` runs); seeds, splits and training are those
of ``mixann bench``, so only the choice of kind and volume differs. With ``--db`` (a ``mixann
bench`` results file holding the ``mixann`` rows of the same cells) it prints both means side by
side and the per-cell wins / ties / losses (docs/quality.md, row 19)::

    python benchmarks/selection_repeats.py --repeats 2 --classifiers knn \
        --datasets vowels,annthyroid,mammography,satellite,smtp,cifar10 --seeds 5 --jobs 2 \
        --data-dir ../shared/datasets/adbench --db final.sqlite
"""

from __future__ import annotations

import argparse
import multiprocessing
import sqlite3
from collections import defaultdict
from contextlib import closing

import numpy as np

from mixann.bench import runner


def run_one(args):
    dataset, classifier, seed, budget, data_dir, repeats = args
    method = runner.sweep_method("selection_repeats", repeats)  # mixann[selection_repeats=N]
    out = runner.run_cell(runner.Cell(dataset, classifier, method, seed, budget),
                          data_dir=data_dir)
    return dataset, classifier, seed, out["f1"]


def default_f1s(db, budget):
    """``{(dataset, classifier, seed): f1}`` of the default preset's ok rows in a bench file."""
    with closing(sqlite3.connect(db)) as conn:  # a bare connect() context does not close
        rows = conn.execute("SELECT dataset, classifier, seed, f1 FROM results WHERE method=? "
                            "AND budget=? AND status='ok'", (runner.MIXANN, budget)).fetchall()
    return {(d, c, s): f1 for d, c, s, f1 in rows}


def main():
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--repeats", type=int, default=2,
                        help="selection_repeats to run (the default preset uses 1)")
    parser.add_argument("--datasets", default="vowels,annthyroid,mammography")
    parser.add_argument("--classifiers", default="knn")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget", default="quick")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--db", default=None, help="bench results holding the default's rows")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    cells = [(d, c, s, args.budget, args.data_dir, args.repeats)
             for c in args.classifiers.split(",") for d in args.datasets.split(",")
             for s in range(args.seeds)]
    defaults = default_f1s(args.db, args.budget) if args.db else {}
    results = defaultdict(list)
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        for dataset, classifier, seed, f1 in pool.imap_unordered(run_one, cells):
            base = defaults.get((dataset, classifier, seed))
            results[(classifier, dataset)].append((f1, base))
            print(f"{classifier} {dataset} seed {seed}: repeats={args.repeats} F1 {f1:.3f}"
                  + ("" if base is None else f", default {base:.3f}"), flush=True)
    for classifier in args.classifiers.split(","):
        rows = [results[(classifier, d)] for d in args.datasets.split(",")]
        ours = np.mean([np.mean([f for f, _ in r]) for r in rows])
        line = f"{classifier}: mean F1 with repeats={args.repeats} {ours:.3f}"
        pairs = [(f, b) for r in rows for f, b in r if b is not None]
        if len(pairs) == sum(len(r) for r in rows):
            base = np.mean([np.mean([b for _, b in r]) for r in rows])
            diff = np.array([f - b for f, b in pairs])
            line += (f", default {base:.3f} ({ours - base:+.3f}); wins / ties / losses "
                     f"{(diff > 0).sum()} / {(diff == 0).sum()} / {(diff < 0).sum()}")
        print(line)


if __name__ == "__main__":
    main()
