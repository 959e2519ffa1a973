"""Check the ``device="cuda"`` paths on a machine with a GPU, against the CPU.

What runs on the device: MixAnN's actor and critic (both presets), and the torch detectors
DevNet and Deep SAD. Everything else (the classifier, the environment, the rollouts) stays on
the CPU. For each, this script fits once on the CPU and twice on ``--device`` with the same
``random_state`` on built-in synthetic data, and reports

* whether the device fit runs, and where its networks ended up;
* whether two device fits give the same bytes (the same seed, the same rows);
* how far the device's output is from the CPU's (float arithmetic differs between the two,
  so the actor's weights may differ in the last digits, and rows through them with it);
* that a policy saved from a device fit loads into a CPU MixAnN and a device one;
* that ``device="cuda:<count>"`` is refused with the valid range;
* that the fits leave the caller's torch generators (the CPU's and every GPU's) as they were;
* seconds per fit and per DDPG update on each (small networks: the GPU is not expected to
  win).

Measured on an NVIDIA H200 (torch 2.11, session 48; also with ``--n-samples 3000 --updates
1000``): ``docs/results/cuda_check_h200.json``.

It prints one line per check and writes them to ``--out`` as JSON. Exit status 1 when a check
fails. ``--device cpu`` runs every check against the CPU itself (the logic, no GPU):

    python benchmarks/cuda_check.py --device cuda --out cuda_check.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from mixann import MixAnN
from mixann._torch import check_device
from mixann.datasets import make_diverse_minorities
from mixann.ddpg import DDPGAgent
from mixann.detectors import DeepSAD, DevNet

#: Small budgets: each fit takes seconds on a CPU. Both make their rows with the actor: the
#: default preset's volume search over the actor's ``boundary`` kind only (its actor-free kinds
#: would not touch the device), and the paper preset acting from the first step, its guard off
#: so that the returned episode's rows are the actor's even when no episode beats the data.
SAMPLER_SETTINGS = {
    "default": dict(n_episodes=4, max_steps_per_episode=10, mix_kinds=("boundary",)),
    "paper": dict(preset="paper", n_episodes=6, max_steps_per_episode=10, warmup_steps=0,
                  batch_size=16, guard=False),
}


def _fit_sampler(X, y, device, settings):
    sampler = MixAnN(device=device, random_state=0, **settings)
    start = time.perf_counter()
    X_res, y_res = sampler.fit_resample(X, y)
    return sampler, X_res, y_res, time.perf_counter() - start


def _gap(a, b):
    """Largest absolute difference of two arrays, or ``None`` when their shapes differ."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b), initial=0.0)) if a.shape == b.shape else None


def check_sampler(X, y, device, name):
    settings = SAMPLER_SETTINGS[name]
    cpu, X_cpu, _, t_cpu = _fit_sampler(X, y, "cpu", settings)
    dev, X_dev, y_dev, t_dev = _fit_sampler(X, y, device, settings)
    _, X_again, y_again, _ = _fit_sampler(X, y, device, settings)
    on = next(dev.actor_.parameters()).device
    weights = max(_gap(a.detach().cpu(), b.detach().cpu())
                  for a, b in zip(cpu.actor_.state_dict().values(),
                                  dev.actor_.state_dict().values()))
    same_bytes = X_dev.tobytes() == X_again.tobytes() and y_dev.tobytes() == y_again.tobytes()
    return {
        "check": f"MixAnN preset={name}", "ok": bool(same_bytes and on.type == device.type),
        "networks_on": str(on), "same_bytes_twice": same_bytes,
        "rows_cpu": len(X_cpu), "rows_device": len(X_dev),
        "rows_gap_to_cpu": _gap(X_cpu, X_dev), "actor_weight_gap_to_cpu": weights,
        "seconds_cpu": round(t_cpu, 3), "seconds_device": round(t_dev, 3),
    }, dev


def check_policy_file(X, y, device, fitted):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "policy.pt"
        fitted.save_policy(path)
        rows = {}
        for where in ("cpu", str(device)):
            sampler = MixAnN(device=where, random_state=0, **SAMPLER_SETTINGS["paper"])
            X_res, _ = sampler.load_policy(path).fit_resample(X, y)
            rows[where] = len(X_res)
    return {"check": "policy saved on the device, loaded on cpu and device", "ok": True,
            "rows": rows}


def check_detector(X, y, device, cls, settings):
    def scores(where):
        model = cls(random_state=0, device=where, **settings).fit(X, y)
        return model.decision_function(X)

    start = time.perf_counter()
    cpu = scores("cpu")
    t_cpu = time.perf_counter() - start
    start = time.perf_counter()
    dev = scores(str(device))
    t_dev = time.perf_counter() - start
    again = scores(str(device))
    same = dev.tobytes() == again.tobytes()
    return {"check": f"{cls.__name__}", "ok": bool(same and np.isfinite(dev).all()),
            "same_bytes_twice": same, "score_gap_to_cpu": _gap(cpu, dev),
            "auc_cpu": round(float(roc_auc_score(y, cpu)), 4),
            "auc_device": round(float(roc_auc_score(y, dev)), 4),
            "seconds_cpu": round(t_cpu, 3), "seconds_device": round(t_dev, 3)}


def _generator_states(device):
    states = [torch.random.get_rng_state()]
    if device.type != "cpu":  # every device of the kind: a fit must leave the others alone too
        states += list(getattr(torch, device.type).get_rng_state_all())
    return states


def check_generators_untouched(X, y, device):
    """The caller's torch generators, the CPU's and every GPU's, as they were before the fits
    (session 50's twentieth audit: a fit used to reseed every GPU's generator)."""
    before = _generator_states(device)
    for where in ("cpu", str(device)):
        MixAnN(device=where, random_state=0, **SAMPLER_SETTINGS["default"]).fit(X, y)
        DevNet(random_state=0, device=where, epochs=1, n_batches=2).fit(X, y)
        DeepSAD(random_state=0, device=where, epochs=1).fit(X, y)
    after = _generator_states(device)
    same = [bool(torch.equal(a, b)) for a, b in zip(before, after)]
    return {"check": "caller's generators untouched (cpu, then every device)",
            "ok": all(same) and len(before) == len(after), "same": same}


def check_device_index(device):
    if device.type == "cpu":
        return {"check": "device index out of range refused", "ok": True,
                "detail": "cpu has no index to check"}
    count = getattr(torch, device.type).device_count()
    try:
        check_device(f"{device.type}:{count}")
    except ValueError as exc:
        return {"check": "device index out of range refused",
                "ok": f"'{device.type}:0'" in str(exc), "message": str(exc)}
    return {"check": "device index out of range refused", "ok": False,
            "message": f"{device.type}:{count} was accepted"}


def ddpg_update_seconds(device, updates, state_dim=20):
    rng = np.random.default_rng(0)
    agent = DDPGAgent(state_dim, seed=0, device=device)
    for _ in range(256):
        state = rng.normal(size=state_dim).astype(np.float32)
        agent.buffer.add(state, rng.uniform(size=4), float(rng.uniform()), state, 0.0)
    agent.update(rng)  # the first one pays for start-up (kernels, allocator)
    start = time.perf_counter()
    for _ in range(updates):
        agent.update(rng)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / updates


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cuda",
                        help="the accelerator to check against the CPU (cpu: a dry run)")
    parser.add_argument("--n-samples", type=int, default=600)
    parser.add_argument("--updates", type=int, default=300,
                        help="DDPG updates timed on each device")
    parser.add_argument("--out", type=Path, help="write the checks here as JSON")
    args = parser.parse_args(argv)
    if args.n_samples < 100 or args.updates < 1:
        parser.error("--n-samples must be at least 100 and --updates at least 1")
    try:
        device = check_device(args.device)
    except ValueError as exc:
        parser.error(str(exc))
    X, y = make_diverse_minorities(n_samples=args.n_samples, random_state=0)
    header = {"torch": torch.__version__, "device": str(device),
              "device_name": (torch.cuda.get_device_name(device) if device.type == "cuda"
                              else "cpu")}
    print(json.dumps(header))
    # One untimed fit on each device first: the first fit in a process pays for imports, the
    # CUDA context and kernel loading, which would be counted against whichever ran first.
    for where in ("cpu", device):
        _fit_sampler(X, y, where, SAMPLER_SETTINGS["paper"])
    results = []
    for name in SAMPLER_SETTINGS:
        record, fitted = check_sampler(X, y, device, name)
        results.append(record)
    results.append(check_policy_file(X, y, device, fitted))
    results.append(check_detector(X, y, device, DevNet, dict(epochs=5, n_batches=5,
                                                             batch_size=64)))
    results.append(check_detector(X, y, device, DeepSAD, dict(epochs=5)))
    results.append(check_generators_untouched(X, y, device))
    results.append(check_device_index(device))
    results.append({"check": "seconds per DDPG update (batch 64, 64-64 networks)", "ok": True,
                    "cpu": ddpg_update_seconds(torch.device("cpu"), args.updates),
                    "device": ddpg_update_seconds(device, args.updates)})
    for record in results:
        print(("ok    " if record["ok"] else "FAIL  ") + json.dumps(record))
    if args.out:
        args.out.write_text(json.dumps({**header, "checks": results}, indent=1) + "\n")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
