"""Seconds per classifier fit in parallel bench workers, with and without their one-thread setup.

The bench runs one cell per worker process, ``--jobs`` workers on the machine's cores. A worker
whose BLAS (numpy's matrix products, which the MLP is made of) also starts one thread per core
oversubscribes the cores; ``mixann.bench.runner._init_worker`` limits every worker to one
thread. This script fits the same classifier on a dataset's train split in ``--jobs`` spawned
workers at once, first with plain workers, then with the bench's setup, and prints the mean
seconds per fit of each::

    python benchmarks/worker_threads.py --datasets annthyroid,satellite --classifier mlp \
        --jobs 2 --data-dir ../shared/datasets/adbench

Run it on an otherwise idle machine: it measures contention for the cores.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor


def _timed_fit(args):
    """Fit ``classifier`` on seed 0's train split of ``dataset``; (seconds, BLAS threads)."""
    dataset, classifier, data_dir = args
    from threadpoolctl import threadpool_info

    from mixann.bench.protocol import split
    from mixann.classifiers import make_classifier
    from mixann.datasets import load_dataset

    X, y = load_dataset(dataset, data_dir=data_dir)
    sp = split(X, y, 0)
    start = time.perf_counter()
    make_classifier(classifier, random_state=0).fit(sp.X_train, sp.y_train)
    threads = max((p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"),
                  default=0)
    return time.perf_counter() - start, threads


def measure(datasets, classifier, jobs, data_dir, setup):
    """Mean seconds per fit and the BLAS threads seen, fitting ``jobs`` copies at once."""
    from mixann.bench.runner import _init_worker

    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=ctx,
                             initializer=_init_worker if setup else None) as pool:
        pool.submit(sum, []).result()  # workers started before the clock runs
        out = {}
        for dataset in datasets:
            runs = list(pool.map(_timed_fit, [(dataset, classifier, data_dir)] * jobs))
            out[dataset] = (sum(s for s, _ in runs) / len(runs), max(t for _, t in runs))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--datasets", default="annthyroid,satellite")
    parser.add_argument("--classifier", default="mlp")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)
    datasets = [d for d in args.datasets.split(",") if d]
    plain = measure(datasets, args.classifier, args.jobs, args.data_dir, setup=False)
    limited = measure(datasets, args.classifier, args.jobs, args.data_dir, setup=True)
    print(f"{args.classifier}, {args.jobs} workers fitting at once (seconds per fit)")
    print("| dataset | plain workers | bench workers (one thread) | speed-up |")
    print("|---|---:|---:|---:|")
    for d in datasets:
        (p, pt), (q, qt) = plain[d], limited[d]
        print(f"| {d} | {p:.1f} s ({pt} BLAS threads) | {q:.1f} s ({qt} BLAS thread) "
              f"| {p / q:.1f}x |")


if __name__ == "__main__":
    main()
