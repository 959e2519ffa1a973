"""Time and peak memory of MixAnN.fit_resample (KNN, update="auto") as n grows.

Data: ``make_diverse_minorities(n_samples=n, n_features=--features)``. Each size runs in a
fresh subprocess, so the peak resident memory (``resource.getrusage(...).ru_maxrss``) is that
size's own; the script also reports the memory of the process before fitting (imports, data).

    python benchmarks/scaling.py                 # n = 10k, 100k
    python benchmarks/scaling.py --large         # also n = 1M
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def one(n, features, episodes, max_steps, ddpg_updates, update, seed, preset="default"):
    import torch

    # Warm torch up before timing: the first optimizer pulls in torch._dynamo (seconds).
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])

    from mixann import MixAnN
    from mixann import env as env_module
    from mixann import sampler as sampler_module
    from mixann.datasets import make_diverse_minorities

    X, y = make_diverse_minorities(n_samples=n, n_features=features, random_state=seed)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    spent = {"updater_setup": 0.0, "step_seconds": 0.0}

    def timed(key, fn):
        def wrapper(*a, **kw):
            start = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                spent[key] += time.perf_counter() - start
        return wrapper

    sampler_module.make_updater = timed("updater_setup", sampler_module.make_updater)
    env_module.MixUpEnv.step = timed("step_seconds", env_module.MixUpEnv.step)
    sampler = MixAnN(preset=preset, update=update, n_episodes=episodes,
                     max_steps_per_episode=max_steps, ddpg_updates=ddpg_updates,
                     random_state=seed)
    start = time.perf_counter()
    sampler.fit_resample(X, y)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"n": n, "seconds": seconds, "steps": len(sampler.history_["steps"]),
            "peak_rss_mib": peak / 1024, "rss_before_fit_mib": before / 1024, **spent}


def main(argv=None):
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--large", action="store_true", help="also n = 1,000,000")
    parser.add_argument("--features", type=int, default=2)
    parser.add_argument("--episodes", type=int, default=10)
    parser.add_argument("--max-steps", type=int, default=20)
    parser.add_argument("--ddpg-updates", type=int, default=10)
    parser.add_argument("--update", default="auto")
    parser.add_argument("--preset", default="default", choices=["default", "paper"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--single", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    config = (args.features, args.episodes, args.max_steps, args.ddpg_updates, args.update,
              args.seed, args.preset)
    if args.single is not None:
        print(json.dumps(one(args.single, *config)))
        return
    sizes = [int(s) for s in args.sizes.split(",")] + ([1_000_000] if args.large else [])
    print(f"KNN (k=10), preset={args.preset}, update={args.update}, {args.features} features, {args.episodes} "
          f"episodes x <= {args.max_steps} steps, {args.ddpg_updates} DDPG updates/episode")
    for n in sizes:
        cmd = [sys.executable, __file__, "--single", str(n), "--features", str(args.features),
               "--episodes", str(args.episodes), "--max-steps", str(args.max_steps),
               "--ddpg-updates", str(args.ddpg_updates), "--update", args.update,
               "--seed", str(args.seed), "--preset", args.preset]
        out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True)
                         .stdout.strip().splitlines()[-1])
        print(f"  n={out['n']:>9,}: fit_resample {out['seconds']:8.2f} s for {out['steps']} steps "
              f"(updater setup {out['updater_setup']:.2f} s, inside steps {out['step_seconds']:.2f} s; "
              f"the rest is mostly the volume search, then split, DDPG, env setup); peak RSS {out['peak_rss_mib']:.0f} MiB "
              f"(before fit {out['rss_before_fit_mib']:.0f} MiB)", flush=True)


if __name__ == "__main__":
    main()
