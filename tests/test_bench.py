"""The benchmark runner, store and report (mixann.bench), on vowels with the tiny "test" budget."""

from __future__ import annotations

import csv
import json
import sqlite3

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mixann.bench import protocol, runner
from mixann.bench.report import paper_table2, wilcoxon_table, write_report
from mixann.bench.runner import Cell, all_methods, run_cell, run_grid
from mixann.bench.store import ResultStore


@pytest.fixture(scope="module")
def data_dir(shared_datasets):
    return shared_datasets / "adbench"


def _rows(db):
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("SELECT * FROM results ORDER BY id")]
    finally:
        con.close()


# ---------------------------------------------------------------- protocol
def test_split_sizes_stratification_and_train_only_scaling(vowels):
    X, y = vowels
    sp = protocol.split(X, y, seed=0)
    n = len(y)
    assert len(sp.y_test) == int(np.ceil(0.2 * n))
    n_trval = n - len(sp.y_test)
    assert len(sp.y_val) == int(np.ceil(0.2 * n_trval))
    assert len(sp.y_train) + len(sp.y_val) + len(sp.y_test) == n
    ratio = y.mean()
    for part in (sp.y_train, sp.y_val, sp.y_test):
        assert abs(part.mean() - ratio) < 0.01  # stratified
    assert sp.y_train.sum() + sp.y_val.sum() + sp.y_test.sum() == y.sum()
    # Scaling fit on the train part only: train spans [0, 1] exactly, and the scaler's range is
    # the raw train part's range (not the whole data's).
    raw_train = sp.scaler.inverse_transform(sp.X_train)
    np.testing.assert_allclose(sp.scaler.data_min_, raw_train.min(axis=0))
    np.testing.assert_allclose(sp.scaler.data_max_, raw_train.max(axis=0))
    varying = raw_train.max(axis=0) > raw_train.min(axis=0)
    np.testing.assert_allclose(sp.X_train[:, varying].min(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(sp.X_train[:, varying].max(axis=0), 1.0, atol=1e-12)
    raw_rest = np.vstack([sp.scaler.inverse_transform(sp.X_val), sp.scaler.inverse_transform(sp.X_test)])
    # The rows of all three parts are exactly the dataset's rows.
    all_rows = np.vstack([raw_train, raw_rest])
    np.testing.assert_allclose(np.sort(all_rows, axis=0), np.sort(X, axis=0), atol=1e-9)
    # Another seed gives another split.
    assert not np.array_equal(protocol.split(X, y, seed=1).X_test, sp.X_test)


def test_evaluate_and_budgets():
    scores = protocol.evaluate([0, 0, 1, 1], [0, 0, 0, 0])
    assert scores == pytest.approx({"precision": 0.25, "recall": 0.5, "f1": 1 / 3})
    assert protocol.budget_params("paper")["n_episodes"] > protocol.budget_params("quick")["n_episodes"]
    assert protocol.k_candidates("paper") == (5, 10, 15, 20, 25)
    assert set(protocol.k_candidates("quick")) <= set(protocol.k_candidates("paper"))
    with pytest.raises(ValueError, match="unknown budget"):
        protocol.budget_params("huge")
    methods = all_methods()
    assert methods[0] == "none" and methods[-1] == "mixann" and "smote" in methods


# ---------------------------------------------------------------- CLI end to end
def test_cli_two_cell_grid_then_report(tmp_path, data_dir):
    from mixann.cli import app

    db, out = tmp_path / "results.sqlite", tmp_path / "report"
    cli = CliRunner()
    res = cli.invoke(app, ["bench", "--datasets", "vowels", "--classifiers", "knn", "--methods",
                           "none,mixann-paper,mixann", "--seeds", "1", "--budget", "test", "--db",
                           str(db), "--data-dir", str(data_dir)])
    assert res.exit_code == 0, res.output
    assert "ok 3, failed 0, skipped (already done) 0" in res.output
    rows = _rows(db)
    assert [(r["method"], r["status"]) for r in rows] == [("none", "ok"), ("mixann-paper", "ok"),
                                                          ("mixann", "ok")]
    for r in rows:
        assert 0 <= r["f1"] <= 1 and r["config_json"] and '"torch"' in r["versions_json"]
        # torch's kernels, hence MixAnN's last bits, depend on the CPU's instruction set
        import torch
        cpu = json.loads(r["versions_json"])["torch_cpu"]
        assert cpu == torch.backends.cpu.get_cpu_capability() and cpu
    paper_cfg, default_cfg = (json.loads(r["config_json"])["mixann"] for r in rows[1:])
    assert paper_cfg["preset"] == "paper" and paper_cfg["K"] == 5  # the test budget's only K
    assert default_cfg["preset"] == "default" and "volume" in default_cfg["trials"][0]
    assert default_cfg["trials"][0]["mix_kinds"] == ["boundary", "spread"]  # KNN: no swap

    res = cli.invoke(app, ["report", "--db", str(db), "--out", str(out)])
    assert res.exit_code == 0, res.output
    md = (out / "table2.md").read_text()
    assert "| knn | w/o Augmentation |" in md and "| knn | MixAnN |" in md
    assert "| knn | MixAnN (paper preset) |" in md
    assert "[paper 0.98/0.72/0.82]" in md  # the paper's knn / w/o Augmentation / vowels cell
    assert "Wilcoxon" in md and (out / "wilcoxon.md").is_file()
    assert "MixAnN against the best other method" in md
    with open(out / "table2.csv", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert [(t["classifier"], t["method"]) for t in table] == [
        ("knn", "none"), ("knn", "mixann-paper"), ("knn", "mixann")]
    assert float(table[0]["vowels_f1"]) == pytest.approx(rows[0]["f1"])
    # the paper's MixAnN numbers sit beside our run of the paper's algorithm
    assert float(table[1]["vowels_paper_f1"]) == pytest.approx(0.96)
    assert table[2]["delta_vs_mixann"] in ("0.0", "0")
    # What each method cost: the cells' own seconds, in the report too.
    with open(out / "timing.csv", newline="") as fh:
        times = list(csv.DictReader(fh))
    assert [t["method"] for t in times] == ["none", "mixann-paper", "mixann"]
    for t, r in zip(times, rows):
        assert float(t["vowels_resample"]) == pytest.approx(r["resample_seconds"])
        assert float(t["mean_fit"]) == pytest.approx(r["fit_seconds"])
    assert float(times[2]["mean_resample"]) > float(times[0]["mean_resample"])  # a search
    assert "| knn | MixAnN | " in (out / "timing.md").read_text()
    assert "## Seconds per cell" in (out / "report.md").read_text()

    # Rerun: everything skipped.
    res = cli.invoke(app, ["bench", "--datasets", "vowels", "--classifiers", "knn", "--methods",
                           "none,mixann-paper,mixann", "--seeds", "1", "--budget", "test", "--db",
                           str(db), "--data-dir", str(data_dir)])
    assert res.exit_code == 0 and "skipped (already done) 3" in res.output
    assert len(_rows(db)) == 3


@pytest.mark.parametrize("args, message", [
    (["--datasets", "nope"], "unknown dataset 'nope'; choose one of vowels"),
    (["--classifiers", "svm"], "unknown classifier 'svm'; choose one of knn"),
    (["--classifiers", ","], "give at least one classifier; choose one of knn"),
    (["--methods", "smote,foo"], "unknown method 'foo'; choose one of all"),
    (["--budget", "huge"], "unknown budget 'huge'; choose one of"),
])
def test_cli_rejects_unknown_names(tmp_path, args, message):
    from mixann.cli import app

    res = CliRunner().invoke(app, ["bench", "--db", str(tmp_path / "x.sqlite"), *args])
    assert res.exit_code != 0
    flat = " ".join(res.output.replace("│", " ").split())
    assert message in flat
    assert not (tmp_path / "x.sqlite").exists()


def test_cli_prints_why_cells_failed(tmp_path, data_dir, monkeypatch):
    # The first line of the failed cells' errors is printed, with how many cells it stopped, so
    # nobody has to open the database to find it.
    from mixann.cli import app

    real = runner.run_cell

    def broken(cell, data_dir=None):
        if cell.method == "smote":
            raise ValueError("smote broke\nsecond line")
        return real(cell, data_dir)

    monkeypatch.setattr(runner, "run_cell", broken)
    res = CliRunner().invoke(app, ["bench", "--db", str(tmp_path / "x.sqlite"), "--datasets",
                                   "vowels", "--classifiers", "knn", "--methods", "none,smote",
                                   "--seeds", "2", "--budget", "test", "--data-dir",
                                   str(data_dir)])
    flat = " ".join(res.output.replace("│", " ").split())
    assert "ok 2, failed 2" in flat
    assert "2 x ValueError: smote broke" in flat and "second line" not in flat


def test_cli_first_seed_runs_fresh_seeds_and_report_says_which(tmp_path, data_dir):
    # --first-seed runs seeds beside a database of 0..n-1 (session 56 needed the Python API for
    # seeds 10-14); a report asked for the first n seeds of such a database names what it holds.
    from mixann.cli import app

    db = tmp_path / "fresh.sqlite"
    args = ["bench", "--db", str(db), "--datasets", "vowels", "--classifiers", "knn",
            "--methods", "none", "--seeds", "2", "--first-seed", "3", "--budget", "test",
            "--data-dir", str(data_dir)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "2 seed(s) (3..4) = 2" in " ".join(res.output.split())
    assert sorted(r["seed"] for r in _rows(db)) == [3, 4]
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0 and "skipped (already done) 2" in again.output
    report = ["report", "--db", str(db), "--budget", "test", "--out", str(tmp_path / "r")]
    res = CliRunner().invoke(app, [*report, "--seeds", "2"])
    flat = " ".join(res.output.replace("│", " ").split())
    assert res.exit_code == 2 and "Invalid value for --seeds" in flat
    assert "hold seeds 3..4 (run with --first-seed)" in flat
    assert CliRunner().invoke(app, report).exit_code == 0
    assert "seeds per cell: 2" in (tmp_path / "r" / "table2.md").read_text()
    # --first-seed reports a window of them; one the database lacks names the flag to change.
    res = CliRunner().invoke(app, [*report, "--seeds", "1", "--first-seed", "4"])
    assert res.exit_code == 0, res.output
    assert "seeds per cell: 1" in (tmp_path / "r" / "table2.md").read_text()
    res = CliRunner().invoke(app, [*report, "--first-seed", "5"])
    flat = " ".join(res.output.replace("│", " ").split())
    assert res.exit_code == 2 and "Invalid value for --first-seed" in flat
    assert "hold seeds 3..4; lower --first-seed" in flat


def test_cli_refuses_missing_data_files_before_any_cell(tmp_path, data_dir):
    # A wrong data folder would fail every cell: it is refused before the first, naming the
    # file, the folder and the fix, and the database holds no row.
    from mixann.cli import app

    db = tmp_path / "x.sqlite"
    args = ["bench", "--db", str(db), "--datasets", "vowels", "--classifiers", "knn",
            "--methods", "none", "--seeds", "1", "--budget", "test", "--data-dir"]
    res = CliRunner().invoke(app, [*args, str(tmp_path / "no-data")])
    flat = " ".join(res.output.replace("│", " ").split())
    assert res.exit_code == 2
    assert "no data file for 'vowels' (40_vowels.npz) in" in flat
    assert "mixann data fetch vowels" in flat
    assert not db.exists() or _rows(db) == []
    # Cells already done need no file: the same grid resumes with nothing to do.
    assert CliRunner().invoke(app, [*args, str(data_dir)]).exit_code == 0
    res = CliRunner().invoke(app, [*args, str(tmp_path / "no-data")])
    assert res.exit_code == 0 and "skipped (already done) 1" in res.output


# ---------------------------------------------------------------- resume and failures
def test_interrupted_grid_resumes_without_loss_or_duplicates(tmp_path, data_dir, monkeypatch):
    db = tmp_path / "r.sqlite"
    grid = dict(datasets=["vowels"], classifiers=["knn"], methods=["none", "smote"], seeds=3,
                budget="test", db=db, data_dir=data_dir, progress=False)
    real, calls = runner.run_cell, []

    def interrupting(cell, data_dir=None):
        calls.append(cell)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(cell, data_dir)

    monkeypatch.setattr(runner, "run_cell", interrupting)
    with pytest.raises(KeyboardInterrupt):
        run_grid(**grid)
    first = _rows(db)
    assert len(first) == 2 and all(r["status"] == "ok" for r in first)

    monkeypatch.setattr(runner, "run_cell", real)
    summary = run_grid(**grid)
    assert summary == {"total": 6, "skipped": 2, "ok": 4, "failed": 0}
    rows = _rows(db)
    keys = [(r["dataset"], r["classifier"], r["method"], r["seed"], r["budget"]) for r in rows]
    assert len(rows) == 6 and len(set(keys)) == 6
    assert rows[:2] == first  # finished rows untouched
    assert run_grid(**grid) == {"total": 6, "skipped": 6, "ok": 0, "failed": 0}
    assert _rows(db) == rows


def test_failing_cell_recorded_and_grid_goes_on_then_retried(tmp_path, data_dir, monkeypatch):
    db = tmp_path / "f.sqlite"
    grid = dict(datasets=["vowels"], classifiers=["knn"], methods=["none", "bogus", "smote"],
                seeds=1, budget="test", db=db, data_dir=data_dir, progress=False)
    summary = run_grid(**grid)  # "bogus" is no method: make_sampler raises
    assert summary == {"total": 3, "skipped": 0, "ok": 2, "failed": 1}
    by_method = {r["method"]: r for r in _rows(db)}
    assert by_method["bogus"]["status"] == "failed"
    assert "unknown method 'bogus'" in by_method["bogus"]["error"]
    assert by_method["bogus"]["f1"] is None
    assert by_method["smote"]["status"] == "ok"  # the cell after the failure ran

    # Failed cells are retried on rerun and their row replaced by the new outcome (here the
    # "fixed" bogus method behaves like "none").
    def fixed(cell, data_dir=None):
        as_none = Cell(cell.dataset, cell.classifier, "none", cell.seed, cell.budget)
        return {**run_cell(as_none, data_dir), "method": cell.method}

    monkeypatch.setattr(runner, "run_cell", fixed)
    assert run_grid(**grid) == {"total": 3, "skipped": 2, "ok": 1, "failed": 0}
    rows = _rows(db)
    assert len(rows) == 3 and all(r["status"] == "ok" for r in rows)
    assert {r["method"]: r for r in rows}["bogus"]["error"] is None

    # The store never overwrites an ok row.
    with ResultStore(db) as store:
        assert not store.record({"dataset": "vowels", "classifier": "knn", "method": "none",
                                 "seed": 0, "budget": "test", "status": "failed", "error": "x"})
    assert _rows(db) == rows


# ---------------------------------------------------------------- determinism and parallelism
@pytest.mark.parametrize("method", ["smote", "mixann"])
def test_identical_seeds_give_identical_metrics(data_dir, method):
    cell = Cell("vowels", "knn", method, 0, "test")
    a, b = run_cell(cell, data_dir), run_cell(cell, data_dir)
    for key in ("precision", "recall", "f1", "n_synthetic"):
        assert a[key] == b[key]
    assert a["config"]["split"] == b["config"]["split"]


def test_process_pool_matches_serial(tmp_path, data_dir):
    grid = dict(datasets=["vowels"], classifiers=["knn"], methods=["none", "smote"], seeds=1,
                budget="test", data_dir=data_dir, progress=False)
    assert run_grid(db=tmp_path / "s.sqlite", jobs=1, **grid)["ok"] == 2
    assert run_grid(db=tmp_path / "p.sqlite", jobs=2, **grid)["ok"] == 2
    serial = {r["method"]: r["f1"] for r in _rows(tmp_path / "s.sqlite")}
    pooled = {r["method"]: r["f1"] for r in _rows(tmp_path / "p.sqlite")}
    assert serial == pooled


# ---------------------------------------------------------------- report pieces
def test_paper_numbers_are_packaged_and_mapped():
    paper = paper_table2()
    assert {"none", "smote", "borderline-smote", "svm-smote", "adasyn", "mixann-paper"} <= set(paper["method"])
    row = paper[(paper.classifier == "knn") & (paper.method == "mixann-paper") & (paper.dataset == "vowels")]
    assert row["f1"].item() == pytest.approx(0.96)


def test_wilcoxon_edge_cases_explained_not_raised():
    def frame(method, f1s):
        return pd.DataFrame({"classifier": "knn", "method": method, "dataset": "vowels",
                             "seed": range(len(f1s)), "f1": f1s})

    ok = pd.concat([frame("mixann", [0.9, 0.8, 0.7, 0.95, 0.85, 0.9, 0.6]),
                    frame("none", [0.9, 0.8, 0.7, 0.95, 0.85, 0.9, 0.6]),     # all ties
                    frame("smote", [0.5, 0.4, 0.3, 0.55, 0.45, 0.5, 0.2]),    # 7 wins
                    frame("adasyn", [0.9, 0.8, 0.7, 0.95, 0.85, 0.9, 0.5])])  # one non-zero
    rows = {r["baseline"]: r for r in wilcoxon_table(ok)}
    assert "zero" in rows["none"]["note"] and np.isnan(rows["none"]["p_value"])
    assert rows["smote"]["wins"] == 7 and rows["smote"]["p_value"] < 0.05
    assert "too few" in rows["adasyn"]["note"]
    # SE of the mean difference: smote's seven differences are all 0.4 -> 0; adasyn's are six
    # 0s and one 0.1: variance (ddof=1) = (6 * (0.1/7)**2 + (0.6/7)**2) / 6 = 0.1**2 / 7, so
    # SE = (0.1 / sqrt(7)) / sqrt(7) = 0.1 / 7
    assert rows["smote"]["se_delta_f1"] == pytest.approx(0.0, abs=1e-12)
    assert rows["adasyn"]["se_delta_f1"] == pytest.approx(0.1 / 7, rel=1e-9)
    assert rows["adasyn"]["mean_delta_f1"] == pytest.approx(0.1 / 7)
    only_base = frame("smote", [0.5])
    assert "no (dataset, seed) pairs" in wilcoxon_table(only_base)[0]["note"]


def test_report_on_empty_database(tmp_path):
    db = tmp_path / "e.sqlite"
    ResultStore(db).close()
    paths = write_report(db, tmp_path / "out")
    assert "no ok results" in paths["md"].read_text()


def test_map_records_prints_and_appends_every_record(tmp_path, capsys):
    import json

    from mixann.bench.runner import map_records

    out = tmp_path / "cells.jsonl"
    out.write_text('{"earlier": true}\n')  # appended to, never overwritten
    jobs = [[("seed", s), ("f1", s / 10)] for s in range(3)]
    records = map_records(dict, jobs, n_jobs=2, out=out, show=lambda r: {"seed": r["seed"]})
    assert sorted(r["seed"] for r in records) == [0, 1, 2]
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines[0] == {"earlier": True}
    assert sorted(lines[1:], key=lambda r: r["seed"]) == [
        {"seed": s, "f1": s / 10, "job": [["seed", s], ["f1", s / 10]]} for s in range(3)]
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(p["seed"] for p in printed) == [0, 1, 2]
    assert all(set(p) == {"seed"} for p in printed)


def test_map_records_resumes_instead_of_appending_the_same_jobs_again(tmp_path, capsys):
    # The scripts under benchmarks/ append to --out; before, the same command run twice ran
    # every cell again and stored it twice, which --summarise then counted twice.
    import json

    from mixann.bench.runner import map_records

    out = tmp_path / "cells.jsonl"
    jobs = [[("seed", s), ("f1", s / 10)] for s in range(2)]
    map_records(dict, jobs[:1], out=out)  # "interrupted" after the first job
    capsys.readouterr()
    records = map_records(dict, jobs, out=out)
    assert [r["seed"] for r in records] == [0, 1]  # the stored record first, then the new one
    assert "1 of 2 jobs already in" in capsys.readouterr().out
    assert [json.loads(line)["seed"] for line in out.read_text().splitlines()] == [0, 1]
    map_records(dict, jobs, out=out)  # all done: nothing runs, nothing is appended
    assert len(out.read_text().splitlines()) == 2


def _pool_threads():
    """Thread counts of the BLAS / OpenMP pools loaded in this process, and torch's."""
    import torch
    from threadpoolctl import threadpool_info

    return [info["num_threads"] for info in threadpool_info()], torch.get_num_threads()


def test_bench_workers_run_single_threaded():
    # Several workers share the cores; a worker whose BLAS also starts a thread per core made
    # MLP fits 4x slower on 2 cores. Spawned like the bench's pool, with its initializer.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from mixann.bench.runner import _init_worker

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_init_worker) as pool:
        pools, torch_threads = pool.submit(_pool_threads).result(timeout=120)
    assert pools, "no BLAS pool found in the worker"
    assert pools == [1] * len(pools)
    assert torch_threads == 1


def test_worker_threads_benchmark_reports_one_thread_per_bench_worker(data_dir):
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "worker_threads.py"
    out = subprocess.run([sys.executable, str(script), "--datasets", "vowels", "--classifier",
                          "knn", "--jobs", "1", "--data-dir", str(data_dir)],
                         capture_output=True, text=True, timeout=300, check=True).stdout
    row = [line for line in out.splitlines() if line.startswith("| vowels |")]
    assert len(row) == 1, out
    assert "(1 BLAS thread)" in row[0]


def test_parallel_search_benchmark_reports_the_same_samples(data_dir):
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "parallel_search.py"
    out = subprocess.run([sys.executable, str(script), "--datasets", "vowels", "--classifier",
                          "knn", "--n-jobs", "1,2", "--budget", "test", "--data-dir",
                          str(data_dir)],
                         capture_output=True, text=True, timeout=300, check=True).stdout
    rows = [line.split("|") for line in out.splitlines() if line.startswith("| vowels |")]
    assert [r[2].strip() for r in rows] == ["1", "2"], out
    assert [r[6].strip() for r in rows] == ["yes", "yes"], out
