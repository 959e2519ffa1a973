"""Wall time of MixAnN.fit_resample with the volume search's fits run in parallel (``n_jobs``).

The default preset chooses what to return by fitting the classifier once per fold and
candidate (5 folds x (1 + 2 kinds x 8 volumes) = 85 fits by default); for the bench's MLP
that search is over 90 % of ``fit_resample``'s time (this script's "in the search" column). ``MixAnN(n_jobs=...)`` runs those fits in
joblib worker processes; the rollouts stay in the calling process, so the samples must not
change. For each dataset, this script runs the bench's MixAnN cell (seed ``--seed``'s split, the
bench's parameters for ``--budget``) once per value of ``--n-jobs``, and prints the seconds,
the speed-up over the first value, the share of the time spent in the search, and whether the
returned rows are byte-identical to the first run's::

    python benchmarks/parallel_search.py --datasets vowels,annthyroid --classifier mlp \
        --n-jobs 1,2 --budget paper --data-dir ../shared/datasets/adbench

Run it on an otherwise idle machine: it measures how the fits share the cores.
"""

from __future__ import annotations

import argparse
import time
import warnings


def run(dataset, classifier, n_jobs, budget, seed, data_dir):
    """(seconds, seconds in the volume search, X_res, y_res) of one bench-like MixAnN run."""
    from mixann import selection
    from mixann import sampler as sampler_module
    from mixann.bench.protocol import split
    from mixann.bench.runner import mixann_params
    from mixann.classifiers import make_classifier
    from mixann.datasets import load_dataset

    X, y = load_dataset(dataset, data_dir=data_dir)
    sp = split(X, y, seed)
    estimator = make_classifier(classifier, random_state=seed)
    searched = [0.0]

    def timed_search(*args, **kwargs):
        start = time.perf_counter()
        try:
            return selection.select_volume(*args, **kwargs)
        finally:
            searched[0] += time.perf_counter() - start

    original = sampler_module.select_volume
    sampler_module.select_volume = timed_search
    try:
        sampler = sampler_module.MixAnN(estimator=estimator, validation_data=(sp.X_val, sp.y_val),
                                        random_state=seed, n_jobs=n_jobs,
                                        **mixann_params(budget, estimator))
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the MLP's ConvergenceWarning, once per fit
            X_res, y_res = sampler.fit_resample(sp.X_train, sp.y_train)
        seconds = time.perf_counter() - start
    finally:
        sampler_module.select_volume = original
    return seconds, searched[0], X_res, y_res


def main(argv=None):
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--datasets", default="vowels")
    parser.add_argument("--classifier", default="mlp")
    parser.add_argument("--n-jobs", default="1,2", help="comma-separated; the first is the reference")
    parser.add_argument("--budget", default="paper", choices=("test", "quick", "paper"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)
    jobs = [int(j) for j in args.n_jobs.split(",")]
    if any(j == 0 for j in jobs):
        parser.error("--n-jobs: 0 runs nothing; give 1 or more, or -1 for every core")

    print(f"MixAnN fit_resample, {args.classifier}, budget {args.budget}, seed {args.seed}\n")
    print("| dataset | n_jobs | seconds | speed-up | in the search | same samples |")
    print("|---|---:|---:|---:|---:|---|")
    for dataset in args.datasets.split(","):
        reference = None
        for n_jobs in jobs:
            seconds, searched, X_res, y_res = run(dataset, args.classifier, n_jobs, args.budget,
                                                  args.seed, args.data_dir)
            if reference is None:
                reference = (seconds, X_res.tobytes(), y_res.tobytes())
            same = X_res.tobytes() == reference[1] and y_res.tobytes() == reference[2]
            print(f"| {dataset} | {n_jobs} | {seconds:.1f} | {reference[0] / seconds:.2f}x "
                  f"| {searched / seconds:.0%} | {'yes' if same else 'NO'} |", flush=True)


if __name__ == "__main__":
    main()
