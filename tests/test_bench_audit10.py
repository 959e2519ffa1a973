"""The tenth audit (session 47): the scripts under benchmarks/.

Each test fails on the code before its fix.
"""

from __future__ import annotations

import json

import pytest

from conftest import load_benchmark


@pytest.fixture(scope="module")
def ceiling():
    return load_benchmark("choice_ceiling")


def test_multiclass_best_other_is_never_a_mixann_variant():
    # mixann-all-classes has the best mean here; the margin is over SMOTE, the best *other*
    # method, as the script's docstring and the README say (it was over mixann-all-classes).
    bench = load_benchmark("multiclass")
    rows = [{"dataset": "a", "classifier": "knn", "method": m, "seed": s, "f1": f}
            for s in (0, 1)
            for m, f in (("none", 0.5), ("smote", 0.6), ("mixann", 0.7),
                         ("mixann-all-classes", 0.8))]
    out = bench.summarise(rows, ("none", "smote", "mixann", "mixann-all-classes"))["knn"]
    assert out["best_other"] == "smote"
    assert out["margin"] == pytest.approx(0.1)


def test_multiclass_mean_is_not_rounded_twice():
    # One dataset: the mean column must print what the dataset column prints (0.72949 read
    # 0.729 there and, rounded to 4 decimals first, 0.730 in the mean).
    bench = load_benchmark("multiclass")
    rows = [{"dataset": "a", "classifier": "knn", "method": m, "seed": 0, "f1": f}
            for m, f in (("none", 0.72949), ("mixann", 0.8))]
    out = bench.summarise(rows, ("none", "mixann"))["knn"]
    assert f"{out['mean']['none']:.3f}" == "0.729"


def test_multiclass_out_keeps_the_cells_finished_before_an_interrupt(tmp_path, monkeypatch):
    bench = load_benchmark("multiclass")
    real, calls = bench.run_cell, []

    def interrupted(*cell, **kwargs):
        calls.append(cell)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*cell, **kwargs)

    monkeypatch.setattr(bench, "run_cell", interrupted)
    out = tmp_path / "cells.csv"
    with pytest.raises(KeyboardInterrupt):
        bench.main(["--datasets", "blobs4", "--methods", "none,smote", "--seeds", "1",
                    "--budget", "test", "--out", str(out)])
    lines = out.read_text().splitlines()  # was: no file at all
    assert len(lines) == 2 and lines[0].startswith("dataset,") and ",none," in lines[1]


def test_choice_ceiling_extra_kind_joins_the_given_mix_kinds(ceiling, extra_kinds,
                                                             shared_datasets):
    # --mix-kinds used to replace the kinds after the extra kind was added: it was never
    # scored, and `without:smote` silently copied `best`.
    record = ceiling.run_one(("knn", "vowels", 0, "test", str(shared_datasets / "adbench"),
                              {"mix_kinds": ("spread",), "extra_kind": "smote"}))
    assert record["mix_kinds"] == ["spread", "smote"]
    assert {c["kind"] for c in record["candidates"]} == {None, "spread", "smote"}


def _write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def test_read_records_refuses_a_cell_stored_twice(ceiling, tmp_path, monkeypatch, capsys):
    # Two runs appended to one file counted every cell twice: the standard error shrank and
    # the wins, ties and losses doubled.
    cell = {"classifier": "knn", "dataset": "vowels", "seed": 0, "budget": "test",
            "rules": {"best": 0.9}, "picks": {}, "candidates": []}
    path = tmp_path / "twice.jsonl"
    _write(path, [cell, {**cell, "seed": 1}, cell])
    with pytest.raises(ValueError, match=r"\('knn', 'vowels', 0, 'test'\) twice \(lines 1 and 3\)"):
        ceiling.read_records(path)
    monkeypatch.setattr("sys.argv", ["choice_ceiling.py", "--summarise", str(path)])
    with pytest.raises(SystemExit):
        ceiling.main()
    assert "twice" in capsys.readouterr().err
    _write(path, [cell, {**cell, "seed": 1}])  # distinct cells still read
    assert [r["seed"] for r in ceiling.read_records(path)] == [0, 1]
    # draw_ceiling.py and rule_curve.py read --out files through the same check.
    _write(path, [cell, cell])
    draws = load_benchmark("draw_ceiling")
    with pytest.raises(ValueError, match="twice"):
        draws.read_records(path)
    curve = load_benchmark("rule_curve")
    other = tmp_path / "other.jsonl"
    _write(other, [{**cell, "seed": 2}])
    monkeypatch.setattr("sys.argv", ["rule_curve.py", "--point", f"8={path}",
                                     "--point", f"12={other}"])
    with pytest.raises(SystemExit):
        curve.main()
    assert "twice" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--classifier", "nope"], "unknown classifier"),
    (["--weights", "x"], "could not convert"),
    (["--weights", "0.5"], "takes no sample_weight"),
    (["--classifier", "xgboost", "--weights", "1,-1"], "must be positive"),
])
def test_kind_probe_refuses_bad_options_before_reading_data(argv, message, capsys):
    # These raised a traceback inside the first cell, after the dataset was read; the data
    # folder here does not exist, so an error about it would mean the data was read first.
    probe = load_benchmark("kind_probe")
    with pytest.raises(SystemExit):
        probe.main([*argv, "--datasets", "vowels", "--data-dir", "/nonexistent"])
    assert message in capsys.readouterr().err
