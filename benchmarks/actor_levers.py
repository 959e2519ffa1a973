"""Does the actor learn more with a smoother reward or a model-aware state? (docs/quality.md 22-23)

Each variant is MixAnN's default preset with one lever set, run on the bench's own cells
(:func:`mixann.bench.protocol.split`, the bench's fixed parameters and budget), and scored by
test macro-F1 of the classifier trained on what ``fit_resample`` returns:

* ``base``: the default (macro-F1 reward, state ``(x0, x1)``);
* ``brier``: ``reward_metric="neg_brier_score"``, a reward that moves with every changed
  validation probability instead of only with flipped predictions;
* ``model``: ``state_features="model-aware"``, the classifier's P(minority) at x0 and x1 and
  their distance next to the two points;
* ``both``: the two together.

Two sets of kinds are scored: ``boundary`` alone (only the actor's rollout: where a better actor
shows directly) and ``boundary+spread`` (the default's kinds: what users get). Prints the mean
per dataset and variant, and each variant's per-cell wins / ties / losses against ``base``::

    python benchmarks/actor_levers.py --classifier knn \
        --datasets vowels,annthyroid,mammography,satellite --seeds 5 --jobs 2 \
        --data-dir ../shared/datasets/adbench --out knn_levers.jsonl
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time

import numpy as np

VARIANTS = {
    "base": {},
    "brier": {"reward_metric": "neg_brier_score"},
    "model": {"state_features": "model-aware"},
    "both": {"state_features": "model-aware", "reward_metric": "neg_brier_score"},
}
KINDS = ("boundary", "boundary+spread")


def run_one(job):
    """One (dataset, seed, variant, kinds) cell: the record written to ``--out``."""
    from mixann import MixAnN
    from mixann.bench import protocol
    from mixann.bench.runner import mixann_params
    from mixann.classifiers import make_classifier
    from mixann.datasets import load_dataset

    classifier, dataset, seed, variant, kinds, budget, data_dir = job
    X, y = load_dataset(dataset, data_dir=data_dir)
    sp = protocol.split(X, y, seed)
    start = time.perf_counter()
    params = mixann_params(budget, make_classifier(classifier, seed))  # as `mixann bench`
    sampler = MixAnN(estimator=make_classifier(classifier, seed),
                     validation_data=(sp.X_val, sp.y_val), random_state=seed,
                     mix_kinds=tuple(kinds.split("+")), **params, **VARIANTS[variant])
    X_res, y_res = sampler.fit_resample(sp.X_train, sp.y_train)
    model = make_classifier(classifier, seed).fit(X_res, y_res)
    f1 = protocol.evaluate(sp.y_test, model.predict(sp.X_test))["f1"]
    h = sampler.history_
    return {"classifier": classifier, "dataset": dataset, "seed": seed, "variant": variant,
            "kinds": kinds, "f1": f1, "mix_kind": h["mix_kind"], "volume": h["volume"],
            "median_alpha": (float(np.median(sampler.synthetic_alpha_))
                             if len(sampler.synthetic_alpha_) else None),
            "seconds": time.perf_counter() - start}


def summarise(records):
    """Text table: mean test F1 per (kinds, variant) and dataset; W/T/L against ``base``."""
    f1 = {(r["kinds"], r["variant"], r["dataset"], r["seed"]): r["f1"] for r in records}
    datasets = sorted({r["dataset"] for r in records})
    lines = []
    for kinds in KINDS:
        variants = [v for v in VARIANTS if any(k[:2] == (kinds, v) for k in f1)]
        if not variants:
            continue
        lines.append(f"kinds {kinds}: " + " | ".join(datasets) + " | mean | W/T/L vs base")
        for v in variants:
            per = [[f for (k, vv, d, _), f in f1.items() if (k, vv, d) == (kinds, v, ds)]
                   for ds in datasets]
            paired = [(f1[(kinds, v, d, s)], f1[(kinds, "base", d, s)])
                      for (k, vv, d, s) in f1 if (k, vv) == (kinds, v)
                      and (kinds, "base", d, s) in f1]
            wtl = (sum(a > b for a, b in paired), sum(a == b for a, b in paired),
                   sum(a < b for a, b in paired))
            means = [np.mean(p) if p else float("nan") for p in per]
            lines.append(f"  {v:6} " + " ".join(f"{m:.3f}" for m in means)
                         + f" | {np.nanmean(means):.3f} | {wtl[0]}/{wtl[1]}/{wtl[2]}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classifier", default="knn")
    parser.add_argument("--datasets", default="vowels,annthyroid,mammography,satellite")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--kinds", default=";".join(KINDS),
                        help=f"';'-separated, of {KINDS}")
    parser.add_argument("--budget", default="quick")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--out", default=None, help="append one JSON line per cell here")
    args = parser.parse_args()
    variants, kinds = args.variants.split(","), args.kinds.split(";")
    bad = [v for v in variants if v not in VARIANTS] + [k for k in kinds if k not in KINDS]
    if bad:
        parser.error(f"unknown variant or kinds {bad}; variants {list(VARIANTS)}, kinds {KINDS}")
    jobs = [(args.classifier, d, s, v, k, args.budget, args.data_dir)
            for d in args.datasets.split(",") for s in range(args.seeds)
            for v in variants for k in kinds]
    records = []
    with multiprocessing.Pool(max(1, args.jobs)) as pool:
        for record in pool.imap_unordered(run_one, jobs):
            records.append(record)
            print(json.dumps(record), flush=True)
            if args.out:
                with open(args.out, "a") as fh:
                    fh.write(json.dumps(record) + "\n")
    print(summarise(records))


if __name__ == "__main__":
    main()
