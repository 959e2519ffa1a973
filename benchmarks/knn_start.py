"""Start-up time of the exact-knn updater: KD-tree against the checked matrix product.

``ExactKNNUpdater`` begins by finding the k nearest training rows of every validation and
training row. A KD-tree does that fast in a few dimensions and slowly in many (cifar10's 512
features: most of a KNN cell's time went there). From ``BRUTE_MIN_FEATURES`` on, the updater
ranks candidates by a matrix product and keeps them only where exact distances vouch for them
(``ExactKNNUpdater._nearest``). For each dataset and seed this script builds the updater on the
bench's split both ways, prints the seconds, and checks that the neighbours it keeps are the
same to the bit::

    python benchmarks/knn_start.py --datasets vowels,satellite,cifar10 --seeds 2 \
        --data-dir ../shared/datasets/adbench

Also with ``--fit``: the seconds of a whole ``MixAnN.fit_resample`` at the ``quick`` budget
(both presets), and whether the returned rows are the same bytes.
"""

from __future__ import annotations

import argparse
import time
import warnings
from contextlib import contextmanager


@contextmanager
def tree_only():
    """Every ExactKNNUpdater built inside uses the KD-tree alone, as before the product."""
    import mixann.updaters as updaters

    saved = updaters.BRUTE_MIN_FEATURES
    updaters.BRUTE_MIN_FEATURES = 10 ** 9
    try:
        yield
    finally:
        updaters.BRUTE_MIN_FEATURES = saved


def start(split):
    """(seconds, updater) of one ExactKNNUpdater on the bench's KNN (k = 10)."""
    from sklearn.neighbors import KNeighborsClassifier

    from mixann.updaters import ExactKNNUpdater

    begin = time.perf_counter()
    updater = ExactKNNUpdater(KNeighborsClassifier(10), split.X_train, split.y_train, split.X_val)
    return time.perf_counter() - begin, updater


def fit(split, preset, seed):
    """(seconds, bytes of X_res and y_res) of MixAnN at the quick budget on the bench's KNN."""
    from mixann import MixAnN
    from mixann.bench.runner import mixann_params
    from mixann.classifiers import make_classifier

    estimator = make_classifier("knn")
    sampler = MixAnN(estimator=estimator, validation_data=(split.X_val, split.y_val),
                     random_state=seed, preset=preset, **mixann_params("quick", estimator))
    begin = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        X_res, y_res = sampler.fit_resample(split.X_train, split.y_train)
    return time.perf_counter() - begin, X_res.tobytes() + y_res.tobytes()


def main(argv=None):
    import numpy as np

    from mixann.bench.protocol import split as bench_split
    from mixann.datasets import load_dataset

    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--datasets", default="vowels,satellite,cifar10")
    parser.add_argument("--seeds", type=int, default=1, help="seeds 0 .. n-1")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--fit", action="store_true", help="also time MixAnN.fit_resample")
    args = parser.parse_args(argv)

    if args.fit:  # torch's first use costs a second or two: not the first row's to carry
        X, y = load_dataset(args.datasets.split(",")[0], data_dir=args.data_dir)
        fit(bench_split(X, y, 0), "default", 0)
    print("| dataset | seed | features | what | KD-tree s | product s | speed-up | same |")
    print("|---|---:|---:|---|---:|---:|---:|---|")
    for dataset in args.datasets.split(","):
        X, y = load_dataset(dataset, data_dir=args.data_dir)
        for seed in range(args.seeds):
            split = bench_split(X, y, seed)
            with tree_only():
                slow, reference = start(split)
            fast, updater = start(split)
            same = (np.array_equal(reference._d2_0, updater._d2_0)
                    and np.array_equal(reference._lab_0, updater._lab_0))
            rows = [("start", slow, fast, same)]
            for preset in ("default", "paper") if args.fit else ():
                with tree_only():
                    slow, old = fit(split, preset, seed)
                fast, new = fit(split, preset, seed)
                rows.append((f"fit_resample ({preset})", slow, fast, old == new))
            for what, slow, fast, same in rows:
                print(f"| {dataset} | {seed} | {X.shape[1]} | {what} | {slow:.2f} | {fast:.2f} "
                      f"| {slow / fast:.1f}x | {'yes' if same else 'NO'} |", flush=True)


if __name__ == "__main__":
    main()
