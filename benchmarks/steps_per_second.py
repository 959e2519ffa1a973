"""MixAnN steps per second: update="refit" against update="exact-knn" (same seed, same steps).

Runs ``MixAnN.fit_resample`` twice with the same random_state and a fixed step budget. All
actions are random (``warmup_steps`` covers the whole run, seeded by ``--seed``) and DDPG
updates are off by default, so the timed loop is the MDP step: mix, update phi_t, score the
validation set, look at the neighbourhood. Prints the wall and CPU time spent inside ``MixUpEnv.step`` (CPU time is
steadier on a shared machine),
steps/s for each updater, their ratio, the end-to-end fit_resample times and whether the
two runs produced identical ``synthetic_X_`` and step history.

    python benchmarks/steps_per_second.py --dataset smtp --classifier knn --steps 200 \
        --data-dir /work/shared/datasets/adbench
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from mixann import MixAnN
from mixann import env as env_module
from mixann.classifiers import CLASSIFIER_NAMES, make_classifier
from mixann.datasets import load_dataset


class _StepTimer:
    """Wraps MixUpEnv.step to add up the seconds spent inside it."""

    def __init__(self):
        self.seconds, self.cpu_seconds, self.steps = 0.0, 0.0, 0
        self._orig = env_module.MixUpEnv.step

    def __enter__(self):
        timer, orig = self, self._orig

        def step(env, unit_action):
            start, cpu = time.perf_counter(), time.process_time()
            try:
                return orig(env, unit_action)
            finally:
                timer.seconds += time.perf_counter() - start
                timer.cpu_seconds += time.process_time() - cpu
                timer.steps += 1

        env_module.MixUpEnv.step = step
        return self

    def __exit__(self, *exc):
        env_module.MixUpEnv.step = self._orig
        return False


def run(X, y, update, classifier, steps, max_steps, seed, ddpg_updates):
    # Random actions end an episode with probability 1/2 per step (eps >= 0.5), so episodes
    # last about 2 steps: n_episodes = steps / 2 gives about `steps` steps in all.
    sampler = MixAnN(make_classifier(classifier), update=update, n_episodes=max(1, steps // 2),
                     max_steps_per_episode=max_steps, warmup_steps=10 * steps,
                     ddpg_updates=ddpg_updates, batch_size=8, guard=False, random_state=seed)
    with _StepTimer() as timer:
        start = time.perf_counter()
        sampler.fit_resample(X, y)
        total = time.perf_counter() - start
    return sampler, timer.steps, timer.seconds, timer.cpu_seconds, total


def main(argv=None):
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--dataset", default="smtp")
    parser.add_argument("--classifier", default="knn", choices=CLASSIFIER_NAMES)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--max-steps", type=int, default=50, help="max_steps_per_episode")
    parser.add_argument("--fast", default="exact-knn", help="the updater compared to refit")
    parser.add_argument("--ddpg-updates", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None, help="default: $MIXANN_DATA")
    args = parser.parse_args(argv)

    X, y = load_dataset(args.dataset, args.data_dir)
    print(f"{args.dataset}: X {X.shape}, {int(y.sum())} minority; classifier {args.classifier}; "
          f"~{args.steps} random-action steps, seed {args.seed}, ddpg_updates {args.ddpg_updates}")
    results = {}
    for update in ("refit", args.fast):
        sampler, n, step_s, cpu_s, total = run(X, y, update, args.classifier, args.steps,
                                               args.max_steps, args.seed, args.ddpg_updates)
        results[update] = sampler, n, step_s, cpu_s, total
        print(f"  {update:>10}: {n} steps, {step_s:8.2f} s in steps -> {n / step_s:9.2f} steps/s "
              f"(CPU time {cpu_s:8.2f} s -> {n / cpu_s:9.2f} steps/CPU-s); fit_resample "
              f"{total:8.2f} s", flush=True)
    (a, na, sa, ca, ta), (b, nb, sb, cb, tb) = results["refit"], results[args.fast]
    same_X = a.synthetic_X_.shape == b.synthetic_X_.shape and np.array_equal(a.synthetic_X_, b.synthetic_X_)
    same_hist = a.history_ == b.history_
    print(f"  ratio {args.fast}/refit: {(nb / sb) / (na / sa):.1f}x steps/s (wall), "
          f"{(nb / cb) / (na / ca):.1f}x (CPU time), {ta / tb:.1f}x fit_resample end to end")
    print(f"  identical synthetic_X_: {same_X} ({a.synthetic_X_.shape[0]} rows); "
          f"identical history_: {same_hist}")


if __name__ == "__main__":
    main()
