"""`mixann report` bugs from the fourth audit: averages over different datasets (11), an empty
or all-failed database (12), and the "not a results database" advice for report (13)."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from typer.testing import CliRunner

from mixann.bench.report import paper_table2, write_report
from mixann.bench.store import NotAResultsFile, ResultStore
from mixann.cli import app
from test_bench_tables import _fake_rows, _flat  # rows without running a cell; rich unwrapped

runner = CliRunner()


def _csv_rows(path):
    """A table's CSV rows by (classifier, method) (Table 2) or method (Table 3)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return {(r["classifier"], r["method"]) if "classifier" in r else r["method"]: r
                for r in csv.DictReader(fh)}


def test_table2_averages_and_delta_run_over_the_datasets_every_row_has(tmp_path):
    # knn: none ran on three datasets, MixAnN on two (annthyroid missing); xgboost is complete.
    db = tmp_path / "partial.sqlite"
    f1 = {("knn", "none"): {"vowels": 0.8, "smtp": 0.6, "annthyroid": 0.3},
          ("knn", "mixann"): {"vowels": 0.9, "smtp": 0.7},
          ("xgboost", "none"): {"vowels": 0.5, "smtp": 0.7, "annthyroid": 0.6},
          ("xgboost", "mixann"): {"vowels": 0.6, "smtp": 0.8, "annthyroid": 0.9}}
    _fake_rows(db, [(ds, clf, m, s, f) for (clf, m), per in f1.items()
                    for ds, f in per.items() for s in range(2)])
    paths = write_report(db, tmp_path / "out")
    rows = _csv_rows(paths["csv"])
    knn_none = rows[("knn", "none")]
    # Over vowels and smtp only (it used to be 0.567 over three datasets, Δ -0.233).
    assert float(knn_none["avg_f1"]) == pytest.approx(0.7)
    assert float(knn_none["delta_vs_mixann"]) == pytest.approx(-0.1)
    assert float(rows[("knn", "mixann")]["avg_f1"]) == pytest.approx(0.8)
    # The paper's average in brackets is over the same two datasets.
    paper = paper_table2().set_index(["classifier", "method", "dataset"])["f1"]
    assert float(knn_none["paper_avg_f1"]) == pytest.approx(
        np.mean([paper[("knn", "none", "vowels")], paper[("knn", "none", "smtp")]]))
    # A complete classifier keeps the plain mean over every dataset.
    assert float(rows[("xgboost", "none")]["avg_f1"]) == pytest.approx(0.6)
    assert float(rows[("xgboost", "none")]["delta_vs_mixann"]) == pytest.approx(0.6 - 2.3 / 3)
    md = _flat(paths["md"].read_text())
    assert ("knn: Avg. F1 (ours and the paper's) and Δ vs MixAnN are over vowels, smtp only; "
            "annthyroid left out") in md
    assert "xgboost: Avg. F1" not in md
    assert "knn: Avg. F1 (ours and the paper's)" in paths["report"].read_text()


def test_table2_without_a_shared_dataset_shows_no_average(tmp_path):
    db = tmp_path / "disjoint.sqlite"
    _fake_rows(db, [("vowels", "knn", "none", 0, 0.8), ("smtp", "knn", "mixann", 0, 0.9)])
    paths = write_report(db, tmp_path / "out")
    rows = _csv_rows(paths["csv"])
    assert rows[("knn", "none")]["avg_f1"] == "" and rows[("knn", "none")]["delta_vs_mixann"] == ""
    md = _flat(paths["md"].read_text())
    assert "| n/a | n/a |" in md and "n/a (no MixAnN row)" not in md
    assert "knn: no dataset has a result in every row" in md


def test_table3_averages_run_over_the_datasets_every_row_has(tmp_path):
    # DevNet ran on vowels only; DeepSAD not at all (its row is "not run", not a hole).
    db = tmp_path / "t3.sqlite"
    _fake_rows(db, [("vowels", "-", "xgbod", 0, 0.6), ("smtp", "-", "xgbod", 0, 0.2),
                    ("vowels", "-", "devnet", 0, 0.5),
                    ("vowels", "knn", "smote", 0, 0.7), ("smtp", "knn", "smote", 0, 0.4),
                    ("vowels", "knn", "mixann", 0, 0.8), ("smtp", "knn", "mixann", 0, 0.9)])
    paths = write_report(db, tmp_path / "out")
    rows = _csv_rows(paths["table3_csv"])
    # Over vowels only (XGBOD used to average 0.4 over both, against MixAnN's 0.85).
    assert float(rows["xgbod"]["avg_f1"]) == pytest.approx(0.6)
    assert float(rows["xgbod"]["delta_vs_mixann"]) == pytest.approx(-0.2)
    assert float(rows["devnet"]["delta_vs_mixann"]) == pytest.approx(-0.3)
    assert rows["deepsad"]["avg_f1"] == ""
    md = _flat(paths["table3_md"].read_text())
    assert "Table 3: Avg. F1 (ours and the paper's) and Δ vs MixAnN are over vowels only; " \
           "smtp left out" in md


def test_report_refuses_an_empty_database_in_one_line(tmp_path):
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    out = tmp_path / "rr2"
    result = runner.invoke(app, ["report", "--db", str(empty), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # no traceback
    text = _flat(result.output)
    assert "Invalid value for --db" in text and "holds no results" in text
    assert "run `mixann bench" in text and "first" in text
    assert not out.exists()
    assert empty.stat().st_size == 0  # read only: it used to get an empty results table


def test_report_reads_a_database_without_writing_to_it(tmp_path):
    import hashlib

    db = tmp_path / "r.sqlite"
    _fake_rows(db, [("vowels", "knn", m, s, f) for m, f in (("none", 0.8), ("mixann", 0.9))
                    for s in range(2)])
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    write_report(db, tmp_path / "out")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_report_refuses_a_database_of_failed_cells_only(tmp_path):
    db = tmp_path / "failed.sqlite"
    with ResultStore(db) as store:
        for seed in range(2):
            store.record({"dataset": "vowels", "classifier": "knn", "method": "none",
                          "seed": seed, "budget": "test", "status": "failed",
                          "error": "FileNotFoundError: no vowels.npz\nTraceback ..."})
    out = tmp_path / "rep"
    result = runner.invoke(app, ["report", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 2, result.output
    text = _flat(result.output)
    assert "Invalid value for --db" in text
    assert ("no ok 'test' results: all 2 cell(s) failed (e.g. vowels/knn/none/seed 0: "
            "FileNotFoundError: no vowels.npz)") in text
    assert "rerun `mixann bench`" in text
    assert not out.exists()
    # The same when the failed cells are all that the datasets asked for hold.
    _fake_rows(db, [("smtp", "knn", "none", 0, 0.8)])
    result = runner.invoke(app, ["report", "--db", str(db), "--out", str(out), "--budget",
                                 "test", "--datasets", "vowels"])
    assert result.exit_code == 2 and "for the datasets and seeds asked for" in _flat(result.output)
    assert not out.exists()


def test_not_a_results_file_suggests_a_new_path_to_bench_only(tmp_path, monkeypatch,
                                                               shared_datasets):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.csv").write_text("a,label\n1.0,0\n")
    result = runner.invoke(app, ["report", "--db", "s.csv", "--out", "rr"])
    assert result.exit_code == 2, result.output
    text = _flat(result.output)
    assert "s.csv is not an SQLite results database" in text
    assert "give a file written by `mixann bench`" in text and "new path" not in text
    assert not (tmp_path / "rr").exists()
    result = runner.invoke(app, ["bench", "--datasets", "vowels", "--classifiers", "knn",
                                 "--methods", "none", "--seeds", "1", "--budget", "test",
                                 "--db", "s.csv", "--data-dir",
                                 str(shared_datasets / "adbench")])
    assert result.exit_code == 2, result.output
    assert "give a file written by `mixann bench`, or a new path" in _flat(result.output)
    with pytest.raises(NotAResultsFile, match=r"written by `mixann bench`$"):
        ResultStore(tmp_path / "s.csv", new_ok=False)


def test_a_failed_attempt_in_another_database_is_not_a_clash(tmp_path):
    # An ok cell in one file and a failed attempt of it in another were refused as a cell "in
    # more than one database"; two ok rows of one cell still are.
    ok, failed = tmp_path / "ok.sqlite", tmp_path / "failed.sqlite"
    _fake_rows(ok, [("vowels", "knn", m, 0, f) for m, f in (("none", 0.8), ("mixann", 0.9))])
    with ResultStore(failed) as store:
        for method in ("none", "smote"):
            store.record({"dataset": "vowels", "classifier": "knn", "method": method, "seed": 0,
                          "budget": "quick", "status": "failed", "error": "MemoryError"})
    paths = write_report([ok, failed], tmp_path / "out")
    md = paths["md"].read_text()
    assert "1 failed cell(s) left out" in md and "smote" in md  # none's failure: ok elsewhere
    _fake_rows(tmp_path / "ok2.sqlite", [("vowels", "knn", "none", 0, 0.7)])
    with pytest.raises(ValueError, match="more than one database"):
        write_report([ok, tmp_path / "ok2.sqlite"], tmp_path / "out2")
