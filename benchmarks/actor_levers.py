"""Does the actor learn more with a smoother reward, a model-aware state, or unsaturated? (quality.md 22-26)

Each variant is MixAnN's default preset with one lever set, run on the bench's own cells
(:func:`mixann.bench.protocol.split`, the bench's fixed parameters and budget), and scored by
test macro-F1 of the classifier trained on what ``fit_resample`` returns:

* ``base``: the default (macro-F1 reward, state ``(x0, x1)``);
* ``brier``: ``reward_metric="neg_brier_score"``, a reward that moves with every changed
  validation probability instead of only with flipped predictions;
* ``model``: ``state_features="model-aware"``, the classifier's P(minority) at x0 and x1 and
  their distance next to the two points;
* ``both``: the two together;
* ``untrained``: ``ddpg_updates=0``, the actor as initialised (its outputs near the middle of
  every range): the reference a trained actor has to beat;
* ``l2``: the actor's loss (Eq. 3) plus ``0.1 * mean(pre-sigmoid action ** 2)``, which keeps
  the actions off the sigmoid's flat ends, where DDPG's actor otherwise saturates;
* ``td3``: TD3's target-policy smoothing, clipped Gaussian noise (std 0.2, at most 0.5) on
  the target actor's pre-sigmoid action in the critic's target (Eq. 4);
* ``l2+td3``: the two together.

``l2`` and ``td3`` are options of :class:`mixann.ddpg.DDPGAgent`, not of MixAnN (they did not
help, row 26): this script sets them on the agent MixAnN builds, in its worker, while the cell runs.

Two sets of kinds are scored: ``boundary`` alone (only the actor's rollout: where a better actor
shows directly) and ``boundary+spread`` (KNN's and the MLP's default kinds; XGBoost's default adds ``swap`` and
``spread-off-majority``, which the actor does not drive). Prints the mean
per dataset and variant, and each variant's per-cell wins / ties / losses against ``base``::

    python benchmarks/actor_levers.py --classifier knn \
        --datasets vowels,annthyroid,mammography,satellite --seeds 5 --jobs 2 \
        --data-dir ../shared/datasets/adbench --out knn_levers.jsonl
"""

from __future__ import annotations

import argparse
import contextlib
import time

import numpy as np

VARIANTS = {
    "base": {},
    "brier": {"reward_metric": "neg_brier_score"},
    "model": {"state_features": "model-aware"},
    "both": {"state_features": "model-aware", "reward_metric": "neg_brier_score"},
    "untrained": {"ddpg_updates": 0},
    "l2": {},
    "td3": {},
    "l2+td3": {},
}
#: Variants of the DDPG update: (DDPGAgent's action_penalty, target_noise).
UPDATE_VARIANTS = {"l2": (0.1, 0.0), "td3": (0.0, 0.2), "l2+td3": (0.1, 0.2)}
KINDS = ("boundary", "boundary+spread")


@contextlib.contextmanager
def ddpg_update_variant(action_penalty, target_noise):
    """Give every agent MixAnN builds :class:`~mixann.ddpg.DDPGAgent`'s ``action_penalty`` and
    ``target_noise`` (not MixAnN parameters: they did not help, row 26)."""
    from mixann.sampler import MixAnN

    original = MixAnN._make_agent

    def make_agent(self, *args, **kwargs):
        agent = original(self, *args, **kwargs)
        agent.action_penalty, agent.target_noise = action_penalty, target_noise
        return agent

    MixAnN._make_agent = make_agent
    try:
        yield
    finally:
        MixAnN._make_agent = original


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
                     mix_kinds=tuple(kinds.split("+")), **{**params, **VARIANTS[variant]})
    swap = (ddpg_update_variant(*UPDATE_VARIANTS[variant]) if variant in UPDATE_VARIANTS
            else contextlib.nullcontext())
    with swap:
        X_res, y_res = sampler.fit_resample(sp.X_train, sp.y_train)
    model = make_classifier(classifier, seed).fit(X_res, y_res)
    f1 = protocol.evaluate(sp.y_test, model.predict(sp.X_test))["f1"]
    h = sampler.history_
    return {"classifier": classifier, "dataset": dataset, "seed": seed, "variant": variant,
            "kinds": kinds, "f1": f1, "mix_kind": h["mix_kind"], "volume": h["volume"],
            "median_alpha": (float(np.median(sampler.synthetic_alpha_))
                             if len(sampler.synthetic_alpha_) else None),
            "seconds": time.perf_counter() - start}


def saturated(record, eta=0.3):
    """Whether a cell returned the actor's rollout with its median ratio at an end of its range.

    The boundary mix's weight on the minority point lies in [eta, 1]
    (:func:`mixann.mixup.minority_mix`); a median within 0.05 of eta or above 0.98 means the actor sits on a flat end of its sigmoid.
    """
    a = record.get("median_alpha")
    return record.get("mix_kind") == "boundary" and a is not None and (a < eta + 0.05 or a > 0.98)


def summarise(records):
    """Text table: mean test F1 per (kinds, variant) and dataset; W/T/L against ``base``;
    cells whose returned rollout is saturated (:func:`saturated`) among those returning it."""
    f1 = {(r["kinds"], r["variant"], r["dataset"], r["seed"]): r["f1"] for r in records}
    datasets = sorted({r["dataset"] for r in records})
    lines = []
    for kinds in KINDS:
        variants = [v for v in VARIANTS if any(k[:2] == (kinds, v) for k in f1)]
        if not variants:
            continue
        lines.append(f"kinds {kinds}: " + " | ".join(datasets)
                     + " | mean | W/T/L vs base | saturated")
        for v in variants:
            per = [[f for (k, vv, d, _), f in f1.items() if (k, vv, d) == (kinds, v, ds)]
                   for ds in datasets]
            paired = [(f1[(kinds, v, d, s)], f1[(kinds, "base", d, s)])
                      for (k, vv, d, s) in f1 if (k, vv) == (kinds, v)
                      and (kinds, "base", d, s) in f1]
            wtl = (sum(a > b for a, b in paired), sum(a == b for a, b in paired),
                   sum(a < b for a, b in paired))
            means = [np.mean(p) if p else float("nan") for p in per]
            cells = [r for r in records if (r["kinds"], r["variant"]) == (kinds, v)]
            rolled = [r for r in cells if r.get("mix_kind") == "boundary"]
            lines.append(f"  {v:9} " + " ".join(f"{m:.3f}" for m in means)
                         + f" | {np.nanmean(means):.3f} | {wtl[0]}/{wtl[1]}/{wtl[2]}"
                         + f" | {sum(map(saturated, rolled))}/{len(rolled)}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
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
    from mixann.bench.runner import map_records

    print(summarise(map_records(run_one, jobs, args.jobs, args.out)))


if __name__ == "__main__":
    main()
