"""The eleventh audit (session 47): the bench's database under concurrent runs, SIGTERM and
folders it cannot write. Each test fails on the code before its fix."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time

import pytest
from typer.testing import CliRunner

from mixann.bench import runner
from mixann.bench.store import CannotOpenDatabase, ResultStore, StoreOnFirstWrite
from mixann.cli import app


def _ok_row(seed):
    return {"dataset": "vowels", "classifier": "knn", "method": "none", "seed": seed,
            "budget": "test", "status": "ok", "f1": 0.5, "config": {}}


def test_a_run_that_records_nothing_keeps_a_database_another_run_filled(tmp_path, monkeypatch):
    # Run A starts on a new path; run B creates the file and stores a cell; A then fails
    # before its first cell. A used to delete the file it "created", B's cell with it.
    db = tmp_path / "shared.sqlite"

    def other_run_then_fail(datasets, data_dir=None):
        with ResultStore(db) as other:
            other.record(_ok_row(0))
        raise FileNotFoundError("no data file")

    monkeypatch.setattr(runner, "check_data_files", other_run_then_fail)
    with pytest.raises(FileNotFoundError):
        runner.run_grid(["vowels"], ["knn"], ["none"], 1, "test", db, progress=False)
    with ResultStore(db) as store:
        assert [r["seed"] for r in store.rows()] == [0]


def test_a_new_database_is_created_with_the_first_recorded_cell(tmp_path):
    db = tmp_path / "sub" / "new.sqlite"
    store = StoreOnFirstWrite(db)
    assert store.done_cells() == set() and not db.parent.exists()
    assert store.record(_ok_row(0)) and store.done_cells() == {("vowels", "knn", "none", 0, "test")}
    store.close()


def test_a_cell_another_run_stored_meanwhile_counts_as_skipped(tmp_path, monkeypatch):
    db = tmp_path / "r.sqlite"
    ResultStore(db).close()
    real = runner.check_data_files

    def other_run_stores_seed_0(datasets, data_dir=None):
        with ResultStore(db) as other:
            other.record({**_ok_row(0), "f1": 0.123})
        return real(datasets, data_dir)

    monkeypatch.setattr(runner, "check_data_files", other_run_stores_seed_0)
    from conftest import _shared_datasets

    summary = runner.run_grid(["vowels"], ["knn"], ["none"], 1, "test", db, progress=False,
                              data_dir=_shared_datasets() / "adbench")
    assert (summary["ok"], summary["skipped"]) == (0, 1)  # was counted ok, though not stored
    with ResultStore(db) as store:
        assert [r["f1"] for r in store.rows()] == [0.123]


def test_opening_waits_while_another_run_holds_the_new_database(tmp_path):
    # Two runs opening a new file at once: the second's switch to WAL failed at once with
    # "database is locked" (the busy timeout does not cover it).
    db = tmp_path / "r.sqlite"
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    threading.Thread(target=lambda: (time.sleep(0.5), holder.execute("COMMIT"))).start()
    ResultStore(db).close()
    holder.close()


def test_sigterm_stops_the_grid_as_ctrl_c_does(tmp_path, monkeypatch):
    # Unhandled, SIGTERM ended the bench at once and left its workers blocked for good.
    def terminated(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises before this ends

    monkeypatch.setattr(runner, "run_grid", terminated)
    before = signal.getsignal(signal.SIGTERM)
    result = CliRunner().invoke(app, ["bench", "--budget", "test", "--methods", "none",
                                      "--classifiers", "knn", "--seeds", "1",
                                      "--db", str(tmp_path / "r.sqlite")])
    assert result.exit_code == 130, result.output
    assert "interrupted before any cell was recorded" in result.output
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_db_path_under_a_file_is_one_error_line(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    result = CliRunner().invoke(app, ["bench", "--budget", "test", "--methods", "none",
                                      "--classifiers", "knn", "--seeds", "1",
                                      "--db", str(a_file / "r.sqlite")])
    text = " ".join(result.output.replace("│", " ").split())  # the error box wraps lines
    assert result.exit_code == 2 and "is a file, not a folder" in text and "--db" in text
    with pytest.raises(CannotOpenDatabase, match="is a file, not a folder"):
        ResultStore(a_file / "r.sqlite")


def test_a_finished_database_reads_where_its_folder_cannot_be_written(tmp_path, monkeypatch):
    # A WAL reader must create the -shm file beside the database; in a read-only folder it
    # cannot, and `mixann report` stopped with a traceback. Without a pending -wal the file
    # is read as immutable. (The read-only folder is simulated: tests may run as root.)
    db = tmp_path / "r.sqlite"
    with ResultStore(db) as store:
        store.record(_ok_row(0))
    assert not (tmp_path / "r.sqlite-wal").exists()
    real = sqlite3.connect

    class NoShm:  # what SQLite answers there: the first read cannot open the -shm file
        row_factory = None

        def execute(self, *args):
            raise sqlite3.OperationalError("unable to open database file")

        def close(self):
            pass

    def no_shm(target, *args, **kwargs):
        if "mode=ro" in str(target) and "immutable=1" not in str(target):
            return NoShm()
        return real(target, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", no_shm)
    with ResultStore(db, new_ok=False, read_only=True) as store:
        assert [r["seed"] for r in store.rows()] == [0]
