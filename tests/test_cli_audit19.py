"""Nineteenth audit, a new user's walk through the README's commands: another program's SQLite
file as --db, a report folder's clean-up, --seed's range, a Fig. 5 that was not drawn, data
folders that are not there, unusable data files, sweep points with a bad value, an output that
is the input, a toy2 folder, a foreign policy file and a CSV's blank column."""

import sqlite3

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mixann import MixAnN
from mixann.bench.report import write_report
from mixann.cli import app
from mixann.datasets import make_diverse_minorities
from test_cli_audit3 import _flat

runner = CliRunner()


def _foreign_db(path, table_sql):
    with sqlite3.connect(path) as conn:
        conn.execute(table_sql)
    conn.close()
    return path.read_bytes()


def _bench(db, data_dir, *extra):
    return runner.invoke(app, ["bench", "--datasets", "vowels", "--classifiers", "knn",
                               "--methods", "none", "--seeds", "1", "--budget", "test",
                               "--db", str(db), "--data-dir", str(data_dir), *extra])


@pytest.mark.parametrize("table_sql, says", [
    ("CREATE TABLE results (id INTEGER, name TEXT)", "whose results table is not mixann's"),
    ("CREATE TABLE t (a)", "not a mixann results file (its tables: t)"),
])
def test_another_programs_sqlite_file_is_refused_and_left_as_it_was(tmp_path, shared_datasets,
                                                                      table_sql, says):
    # Before: a foreign results table gave SQLite's "no such column" as a traceback, and a
    # file without one got mixann's table added and was switched to WAL.
    db = tmp_path / "other.sqlite"
    before = _foreign_db(db, table_sql)
    result = _bench(db, shared_datasets / "adbench")
    assert result.exit_code == 2 and says in _flat(result.output), result.output
    report = runner.invoke(app, ["report", "--db", str(db), "--out", str(tmp_path / "r")])
    assert report.exit_code == 2 and says in _flat(report.output), report.output
    assert db.read_bytes() == before
    assert not (tmp_path / "r").exists()


def test_an_empty_sqlite_file_is_still_a_new_database(tmp_path, shared_datasets):
    db = tmp_path / "empty.sqlite"
    sqlite3.connect(db).close()  # a zero-byte file: SQLite's empty database
    assert _bench(db, shared_datasets / "adbench").exit_code == 0


def test_report_cleans_only_an_earlier_reports_folder_and_says_what_it_removed(
        tmp_path, shared_datasets):
    data = shared_datasets / "adbench"
    full, plain = tmp_path / "full.sqlite", tmp_path / "plain.sqlite"
    assert _bench(full, data, "--methods", "none,mixann").exit_code == 0
    assert _bench(plain, data).exit_code == 0
    # A user's folder (no report.md of ours): their margin.csv is not ours to remove.
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "margin.csv").write_text("my notes")
    write_report(plain, mine)
    assert (mine / "margin.csv").read_text() == "my notes"
    # An earlier report's folder: what this database has no rows for goes, and is said.
    out = tmp_path / "rep"
    assert runner.invoke(app, ["report", "--db", str(full), "--out", str(out)]).exit_code == 0
    assert (out / "margin.csv").is_file()
    result = runner.invoke(app, ["report", "--db", str(plain), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"removed {out / 'margin.csv'} (an earlier report's" in result.output  # unwrapped
    assert not (out / "margin.csv").exists()


def test_report_case_study_says_on_the_terminal_when_fig5_is_not_drawn(
        tmp_path, shared_datasets, monkeypatch):
    db = tmp_path / "b.sqlite"
    assert _bench(db, shared_datasets / "adbench").exit_code == 0
    monkeypatch.setenv("MIXANN_TOY2", str(tmp_path / "nowhere.csv"))
    result = runner.invoke(app, ["report", "--db", str(db), "--out", str(tmp_path / "r"),
                                 "--case-study"])
    assert result.exit_code == 0
    assert "fig5.png not drawn: toy2 case-study file not found" in _flat(result.output)


@pytest.mark.parametrize("args", [
    ["demo", "--seed", "-1"],
    ["demo", "--seed", str(2**32)],
    ["resample", "in.csv", "out.csv", "--seed", "-1"],
    ["plot", "policy", "--seed", "-1"],
    ["plot", "case-study", "--seed", "-1"],
])
def test_seed_out_of_numpys_range_is_refused_as_a_seed(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    X, y = make_diverse_minorities(n_samples=200, random_state=0)
    pd.DataFrame(X, columns=["a", "b"]).assign(label=y).to_csv("in.csv", index=False)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Invalid value for '--seed'" in _flat(result.output), result.output


def test_demo_refuses_seeds_that_run_past_the_range_before_the_first():
    result = runner.invoke(app, ["demo", "--seed", str(2**32 - 1), "--seeds", "2"])
    assert result.exit_code == 2
    assert "runs seeds up to 4294967296, past 4294967295" in _flat(result.output)
    assert "Synthetic diverse minorities" not in result.output  # nothing ran first


def test_data_list_refuses_a_folder_that_is_not_there_or_a_file(tmp_path):
    missing = runner.invoke(app, ["data", "list", "--data-dir", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "does not exist" in _flat(missing.output)
    (tmp_path / "f.csv").write_text("x")
    a_file = runner.invoke(app, ["data", "list", "--data-dir", str(tmp_path / "f.csv")])
    assert a_file.exit_code == 2 and "is a file, not a folder" in _flat(a_file.output)


def test_bench_refuses_unusable_data_before_the_first_cell(tmp_path):
    # Before: every cell was recorded as failed, with advice to rerun the same command.
    np.savez(tmp_path / "bady.npz", X=np.eye(6), y=np.array([0, 0, 0, 0, 2, 2]))
    np.savez(tmp_path / "tiny.npz", X=np.random.default_rng(0).random((50, 2)),
             y=np.r_[np.zeros(47), np.ones(3)])
    db = tmp_path / "b.sqlite"
    result = runner.invoke(app, ["bench", "--datasets", "bady,tiny", "--classifiers", "knn",
                                 "--methods", "none", "--seeds", "1", "--budget", "test",
                                 "--db", str(db), "--data-dir", str(tmp_path)])
    text = _flat(result.output)
    assert result.exit_code == 2, result.output
    assert "dataset 'bady':" in text and "y must hold 0 (normal) and 1 (anomaly)" in text
    assert "dataset 'tiny': class 1 has only 3 rows" in text
    assert not db.exists()


@pytest.mark.parametrize("method, says", [
    ("mixann[K=0]", "K values must be integers >= 1, got '0'"),
    ("mixann[foo=1]", "unknown sweep parameter 'foo'"),
    ("smote[K=5]", "unknown method 'smote[K=5]'"),
])
def test_a_sweep_point_with_a_bad_value_gets_its_own_message(tmp_path, method, says):
    result = runner.invoke(app, ["bench", "--datasets", "vowels", "--methods", method,
                                 "--db", str(tmp_path / "b.sqlite")])
    assert result.exit_code == 2 and says in _flat(result.output), result.output


def test_resample_refuses_to_overwrite_its_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    X, y = make_diverse_minorities(n_samples=200, random_state=0)
    pd.DataFrame(X, columns=["a", "b"]).assign(label=y).to_csv("same.csv", index=False)
    before = (tmp_path / "same.csv").read_bytes()
    result = runner.invoke(app, ["resample", "same.csv", "./same.csv", "--episodes", "1"])
    assert result.exit_code == 2 and "is the input file" in _flat(result.output)
    assert (tmp_path / "same.csv").read_bytes() == before


def test_a_csv_column_empty_in_every_row_is_named_by_position(tmp_path):
    X, y = make_diverse_minorities(n_samples=200, random_state=0)
    lines = pd.DataFrame(X, columns=["a", "b"]).assign(label=y).to_csv(index=False).splitlines()
    (tmp_path / "in.csv").write_text("\n".join(line + "," for line in lines) + "\n")
    result = runner.invoke(app, ["resample", str(tmp_path / "in.csv"), str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert ("column 4 of" in _flat(result.output)
            and "is empty in every row (a separator at the end of each line?)"
            in _flat(result.output)), result.output


def test_a_toy2_folder_is_called_a_folder(tmp_path):
    result = runner.invoke(app, ["plot", "case-study", "--toy2", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a folder; give the toy2 CSV itself" in _flat(result.output)


def test_a_policy_file_of_other_objects_gets_a_short_message(tmp_path):
    import torch

    torch.save({"arr": np.arange(3)}, tmp_path / "np.pt")
    with pytest.raises(ValueError) as info:
        MixAnN().load_policy(tmp_path / "np.pt")
    message = str(info.value)
    assert "holds objects other than tensors and plain values" in message
    assert "weights_only=False" not in message and "\x1b[" not in message
    assert "\n" not in message


def test_convergence_warnings_are_counted_in_one_line(capsys):
    # Before: an MLP on a small CSV printed some sixty two-line ConvergenceWarnings among the
    # progress bars; other warnings still show.
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from mixann.cli_checks import convergence_warnings_counted

    with pytest.warns(UserWarning, match="other thing"):
        with convergence_warnings_counted():
            for _ in range(3):
                warnings.warn("stopped at max_iter", ConvergenceWarning)
            warnings.warn("other thing", UserWarning)
    err = capsys.readouterr().err
    assert "note: 3 classifier fit(s) stopped before converging" in err
    assert "stopped at max_iter" not in err
