"""The device paths without a GPU: ``device`` as a torch.device, the index check's message, and
benchmarks/cuda_check.py run against the CPU itself (its GPU figures are in
docs/results/cuda_check_h200.json)."""

from __future__ import annotations

import json

import pytest
import torch

from conftest import load_benchmark
from mixann import MixAnN, _torch
from mixann.datasets import make_diverse_minorities


def test_device_may_be_a_torch_device():
    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    tiny = dict(n_episodes=2, max_steps_per_episode=5, mix_kinds=("boundary",), random_state=0)
    X_str, _ = MixAnN(device="cpu", **tiny).fit_resample(X, y)
    X_dev, _ = MixAnN(device=torch.device("cpu"), **tiny).fit_resample(X, y)
    assert X_str.tobytes() == X_dev.tobytes() and len(X_str) > len(X)


@pytest.mark.parametrize("count, asked, valid", [
    (1, "cuda:1", "use 'cuda:0' (or 'cuda')"),
    (2, "cuda:2", "use 'cuda:0' to 'cuda:1'"),
])
def test_a_device_index_out_of_range_names_the_valid_ones(monkeypatch, count, asked, valid):
    monkeypatch.setattr(_torch, "_available", lambda kind: count)
    with pytest.raises(ValueError, match=f"torch sees {count} cuda device") as info:
        _torch.check_device(asked)
    assert str(info.value).endswith(valid)


def test_cuda_check_runs_its_checks_against_the_cpu(tmp_path, capsys):
    check = load_benchmark("cuda_check")
    out = tmp_path / "checks.json"
    assert check.main(["--device", "cpu", "--n-samples", "200", "--updates", "2",
                       "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    names = [c["check"] for c in report["checks"]]
    assert names[:2] == ["MixAnN preset=default", "MixAnN preset=paper"]
    assert {"DevNet", "DeepSAD"} <= set(names) and all(c["ok"] for c in report["checks"])
    for sampler in report["checks"][:2]:
        # Against itself the CPU gives the same rows; the actor made some of them.
        assert sampler["rows_gap_to_cpu"] == 0.0 and sampler["rows_device"] > 200
    assert capsys.readouterr().out.count("\nok    ") == len(names)


def test_cuda_check_refuses_a_device_this_torch_cannot_use(capsys):
    check = load_benchmark("cuda_check")
    with pytest.raises(SystemExit):
        check.main(["--device", "gpu"])
    assert "is not a torch device" in capsys.readouterr().err


def test_cuda_check_sees_a_fit_that_reseeds_the_callers_generator(monkeypatch):
    check = load_benchmark("cuda_check")
    X, y = make_diverse_minorities(n_samples=200, random_state=0)
    assert check.check_generators_untouched(X, y, torch.device("cpu"))["ok"]

    class Reseeding(check.DevNet):
        def fit(self, X, y):
            torch.manual_seed(1)  # what a careless fit would do to the caller
            return super().fit(X, y)

    monkeypatch.setattr(check, "DevNet", Reseeding)
    assert not check.check_generators_untouched(X, y, torch.device("cpu"))["ok"]
