"""Sixth audit, `mixann bench` / `mixann report`: one dataset under two spellings, a resume on
other data, folders left by a run that recorded nothing, the one-seed margin table, and the
header's arithmetic for detectors."""

import json
import sqlite3

import numpy as np
import pytest
from typer.testing import CliRunner

from mixann.bench.runner import run_grid
from mixann.cli import app
from test_bench import _rows  # the results table as dicts, one reader for the tests
from test_bench_tables import _fake_rows, _flat  # rows without running a cell; rich unwrapped

runner = CliRunner()


@pytest.fixture(scope="module")
def data_dir(shared_datasets):
    return shared_datasets / "adbench"


@pytest.fixture(scope="module")
def other_vowels(tmp_path_factory, data_dir):
    """A folder whose 40_vowels.npz holds other rows than the shared one (same features)."""
    from mixann.datasets import load_dataset

    folder = tmp_path_factory.mktemp("alt")
    X, y = load_dataset("vowels", data_dir=data_dir)
    np.savez(folder / "40_vowels.npz", X=X[::-1][:1200], y=y[::-1][:1200])
    return folder


def _bench(*args):
    return runner.invoke(app, ["bench", "--classifiers", "knn", "--methods", "none", "--budget",
                               "test", *args])


# ---------------------------------------------------------------- 1: one name per dataset
def test_adbench_file_names_and_case_are_the_short_name(tmp_path, data_dir):
    # "40_vowels" ran vowels' data a second time under its own name (and "Vowels" was refused
    # though load_dataset reads it): two datasets in the report and in the resume.
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "40_vowels.npz").symlink_to(data_dir / "40_vowels.npz")
    (folder / "mine.npz").symlink_to(data_dir / "40_vowels.npz")  # a user's own file
    db = tmp_path / "r.sqlite"
    result = _bench("--datasets", "vowels,40_vowels,40_vowels.npz,Vowels,mine", "--seeds", "1",
                    "--db", str(db), "--data-dir", str(folder))
    assert result.exit_code == 0, result.output
    assert "2 dataset(s) x 1 classifier(s) x 1 method(s) x 1 seed(s) = 2 cells" in result.output
    assert sorted(r["dataset"] for r in _rows(db)) == ["mine", "vowels"]
    # The ADBench file name resumes the short name's cells.
    again = _bench("--datasets", "40_vowels", "--seeds", "1", "--db", str(db), "--data-dir",
                   str(folder))
    assert again.exit_code == 0 and "skipped (already done) 1" in again.output
    assert len(_rows(db)) == 2


# ---------------------------------------------------------------- 2: the data a cell ran on
def test_cells_record_the_identity_of_their_data(tmp_path, data_dir):
    from mixann.datasets import load_dataset

    db = tmp_path / "r.sqlite"
    run_grid(["vowels"], ["knn"], ["none"], 1, "test", db, data_dir=data_dir, progress=False)
    data = json.loads(_rows(db)[0]["config_json"])["data"]
    X, _ = load_dataset("vowels", data_dir=data_dir)
    assert data["shape"] == list(X.shape) and len(data["sha256"]) == 16


def test_resume_on_other_data_is_refused_before_any_cell(tmp_path, data_dir, other_vowels):
    # Seed 0 was skipped as done and seed 1 ran on the other rows; the report averaged both.
    db = tmp_path / "r.sqlite"
    assert _bench("--datasets", "vowels", "--seeds", "1", "--db", str(db), "--data-dir",
                  str(data_dir)).exit_code == 0
    before = _rows(db)
    result = _bench("--datasets", "vowels", "--seeds", "2", "--db", str(db), "--data-dir",
                    str(other_vowels))
    assert result.exit_code == 2, result.output
    text = _flat(result.output)
    assert "Invalid value for --data-dir" in text and "'vowels'" in text
    assert "1200 rows x 12 features" in text and "1456 rows x 12 features" in text
    assert "use a new --db for this data, or the original --data-dir" in text
    assert _rows(db) == before
    # The same bytes in another folder are the same data: the resume runs.
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "40_vowels.npz").write_bytes((data_dir / "40_vowels.npz").read_bytes())
    done = _bench("--datasets", "vowels", "--seeds", "2", "--db", str(db), "--data-dir",
                  str(copy))
    assert done.exit_code == 0 and "ok 1, failed 0, skipped (already done) 1" in done.output


def test_a_database_without_data_identities_still_resumes(tmp_path, data_dir, other_vowels):
    # Databases written before cells recorded their data: unknown, not a mismatch.
    db = tmp_path / "old.sqlite"
    run_grid(["vowels"], ["knn"], ["none"], 1, "test", db, data_dir=data_dir, progress=False)
    con = sqlite3.connect(db)
    with con:
        for row_id, config in con.execute("SELECT id, config_json FROM results").fetchall():
            old = {k: v for k, v in json.loads(config).items() if k != "data"}
            con.execute("UPDATE results SET config_json = ? WHERE id = ?",
                        (json.dumps(old), row_id))
    con.close()
    summary = run_grid(["vowels"], ["knn"], ["none"], 2, "test", db, data_dir=other_vowels,
                       progress=False)
    assert summary == {"total": 2, "skipped": 1, "ok": 1, "failed": 0}


def test_dask_resume_on_other_data_is_refused(tmp_path, data_dir, other_vowels):
    # With a scheduler address the workers read the data: they report its identity, and the
    # client refuses before a cell is sent. "local" checks on this machine, as a serial run.
    from dask.distributed import LocalCluster

    from mixann.bench.runner import DataMismatch

    db = tmp_path / "r.sqlite"
    grid = dict(datasets=["vowels"], classifiers=["knn"], methods=["none"], budget="test",
                db=db, progress=False, jobs=1)
    run_grid(seeds=1, data_dir=data_dir, **grid)
    before = _rows(db)
    with pytest.raises(DataMismatch, match="'vowels'"):
        run_grid(seeds=2, data_dir=other_vowels, scheduler="local", **grid)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        with pytest.raises(DataMismatch, match="use a new --db"):
            run_grid(seeds=2, data_dir=other_vowels, scheduler=cluster.scheduler_address,
                     **grid)
        assert _rows(db) == before
        done = run_grid(seeds=2, data_dir=data_dir, scheduler=cluster.scheduler_address, **grid)
    assert done["ok"] == 1
    # The client records the identity the workers reported.
    assert len({json.loads(r["config_json"])["data"]["sha256"] for r in _rows(db)}) == 1


# ---------------------------------------------------------------- 3: folders of --db
def test_a_run_that_records_nothing_removes_the_folders_it_created(tmp_path):
    kept = tmp_path / "kept"
    kept.mkdir()
    for db in (tmp_path / "new" / "deeper" / "r.sqlite", kept / "made" / "r.sqlite"):
        result = _bench("--datasets", "vowels", "--seeds", "1", "--db", str(db), "--data-dir",
                        str(tmp_path / "no-data"))
        assert result.exit_code == 2, result.output
        assert "no data file for 'vowels'" in _flat(result.output)
    assert not (tmp_path / "new").exists()
    assert kept.is_dir() and not (kept / "made").exists()  # only the folders it made


# ---------------------------------------------------------------- 4: one seed, no verdict
def _report(tmp_path, seeds):
    db = tmp_path / f"s{seeds}.sqlite"
    _fake_rows(db, [("vowels", "knn", m, s, f + 0.01 * s) for m, f in (("none", 0.5),
                                                                         ("mixann", 0.9))
                    for s in range(seeds)])
    out = tmp_path / f"rep{seeds}"
    result = runner.invoke(app, ["report", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "knn" in x)
    return line, (out / "report.md").read_text()


def test_one_seed_margin_has_no_se_and_claims_no_goal(tmp_path):
    # One pair printed "SE nan" and "yes" to the +0.02 goal, and report.md said "met".
    line, md = _report(tmp_path, 1)
    assert "nan" not in line and "yes" not in line
    assert "–" in line and "needs 2+ seeds" in line
    assert "| needs 2+ seeds |" in md and "| met |" not in md
    # Two seeds: unchanged.
    line, md = _report(tmp_path, 2)
    assert "0.000" in line and "yes" in line and "| met |" in md


# ---------------------------------------------------------------- 5: the header's sum
@pytest.mark.parametrize("methods, classifiers, expected", [
    ("detectors", "knn,xgboost", "1 dataset(s) x 3 detector(s) x 2 seed(s) = 6 cells"),
    ("none,smote,detectors", "knn,xgboost",
     "1 dataset(s) x (2 classifier(s) x 2 method(s) + 3 detector(s)) x 2 seed(s) = 14 cells"),
])
def test_bench_header_multiplies_out_with_detectors(tmp_path, methods, classifiers, expected):
    # "1 x 2 classifier(s) x 3 method(s) x 1 seed(s) = 3 cells": detectors take no classifier.
    result = runner.invoke(app, ["bench", "--datasets", "vowels", "--classifiers", classifiers,
                                 "--methods", methods, "--seeds", "2", "--budget", "test",
                                 "--db", str(tmp_path / "r.sqlite"), "--data-dir",
                                 str(tmp_path / "no-data")])
    assert expected in _flat(result.output)
