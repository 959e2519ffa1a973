"""Wall time of MixAnN.fit_resample per dataset x classifier, next to SMOTE + fit.

For each dataset and classifier: MixAnN(preset=--preset, update=--update).fit_resample at the
given budget,
then fitting the classifier on its output; and SMOTE().fit_resample + fitting the
classifier. One seed; prints one line per pair, with the share of MixAnN's time spent
inside the MDP steps (the rest: under the default preset mostly the volume search; then
updater setup, DDPG updates, split).

    python benchmarks/fit_time.py --datasets vowels,annthyroid --classifiers knn,mlp \
        --episodes 10 --max-steps 20 --data-dir /work/shared/datasets/adbench
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from imblearn.over_sampling import SMOTE
from sklearn.base import clone

from mixann import MixAnN
from mixann import env as env_module
from mixann.classifiers import CLASSIFIER_NAMES, make_classifier
from mixann.datasets import ADBENCH_FILES, load_dataset


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


class _InSteps:
    """Adds up the seconds spent inside MixUpEnv.step (mix, update phi_t, score)."""

    def __init__(self):
        self.seconds, orig = 0.0, env_module.MixUpEnv.step

        def step(env, unit_action):
            start = time.perf_counter()
            try:
                return orig(env, unit_action)
            finally:
                self.seconds += time.perf_counter() - start

        env_module.MixUpEnv.step = step


def main(argv=None):
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--datasets", default="vowels,annthyroid,mammography,satellite,smtp",
                        help=f"comma-separated, from {', '.join(ADBENCH_FILES)}")
    parser.add_argument("--classifiers", default="knn,xgboost,mlp",
                        help=f"comma-separated, from {', '.join(CLASSIFIER_NAMES)}")
    parser.add_argument("--update", default="auto")
    parser.add_argument("--preset", default="default", choices=["default", "paper"])
    parser.add_argument("--episodes", type=int, default=10)
    parser.add_argument("--max-steps", type=int, default=20)
    parser.add_argument("--ddpg-updates", type=int, default=10)
    parser.add_argument("--warmup-steps", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None, help="default: $MIXANN_DATA")
    args = parser.parse_args(argv)
    import torch

    # Warm torch up before timing: the first optimizer pulls in torch._dynamo (seconds).
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])
    warnings.filterwarnings("ignore", category=UserWarning)
    warnings.filterwarnings("ignore", message=".*Maximum iterations.*")

    print(f"budget: {args.episodes} episodes x <= {args.max_steps} steps, {args.ddpg_updates} "
          f"DDPG updates/episode, warmup {args.warmup_steps}; preset={args.preset}; "
          f"update={args.update}; seed {args.seed}")
    print(f"{'dataset':>12} {'shape':>12} {'classifier':>14} {'mixann_s':>9} {'in_steps_s':>10} "
          f"{'steps':>6} {'+fit_s':>8} {'smote+fit_s':>11}")
    in_steps = _InSteps()
    for name in args.datasets.split(","):
        X, y = load_dataset(name, args.data_dir)
        for clf_name in args.classifiers.split(","):
            clf = make_classifier(clf_name, random_state=args.seed)
            sampler = MixAnN(clf, preset=args.preset, update=args.update, n_episodes=args.episodes,
                             max_steps_per_episode=args.max_steps, ddpg_updates=args.ddpg_updates,
                             warmup_steps=args.warmup_steps, random_state=args.seed)
            in_steps.seconds = 0.0
            (X_res, y_res), t_mix = timed(lambda: sampler.fit_resample(X, y))
            t_steps = in_steps.seconds
            _, t_fit = timed(lambda: clone(clf).fit(X_res, y_res))
            k = int(min(5, np.sum(y == 1) - 1))
            (X_sm, y_sm), t_sm = timed(lambda: SMOTE(k_neighbors=k, random_state=args.seed)
                                       .fit_resample(X, y))
            _, t_smfit = timed(lambda: clone(clf).fit(X_sm, y_sm))
            print(f"{name:>12} {str(X.shape):>12} {clf_name:>14} {t_mix:9.2f} {t_steps:10.2f} "
                  f"{len(sampler.history_['steps']):6d} {t_fit:8.2f} {t_sm + t_smfit:11.2f}",
                  flush=True)


if __name__ == "__main__":
    main()
