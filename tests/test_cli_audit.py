"""Command-line bugs from the audit: method names, --scheduler, --db, report --budget, markup."""


import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mixann.bench.runner import parse_sweep, resolve_methods
from mixann.cli import app
from test_bench import _rows  # the results table as dicts, one reader for the tests

runner = CliRunner()
RULE = "mixann[selection_rule=one-se]"


def _flat(output):
    # rich wraps error boxes at the terminal width: compare the words only.
    return " ".join(output.replace("│", " ").split())


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory, shared_datasets):
    """One tiny bench run (vowels, knn, none and the one-se rule) into ``run[bold]/r[v2].sqlite``.

    The folder and file names are Rich markup look-alikes: the header must print them as given.
    """
    import os

    root = tmp_path_factory.mktemp("bench")
    (root / "run[bold]").mkdir()
    here = os.getcwd()
    os.chdir(root)  # relative paths: short enough that rich never wraps them
    try:
        result = runner.invoke(app, [
            "bench", "--datasets", "vowels", "--classifiers", "knn", "--methods", f"none,{RULE}",
            "--seeds", "1", "--budget", "test", "--db", "run[bold]/r[v2].sqlite",
            "--data-dir", str(shared_datasets / "adbench")])
    finally:
        os.chdir(here)
    return result, root / "run[bold]" / "r[v2].sqlite"


def test_methods_and_sweep_spell_selection_rule_alike_and_the_cell_runs(bench_run):
    assert resolve_methods(RULE) == parse_sweep("selection_rule=one-se") == [RULE]
    result, db = bench_run
    assert result.exit_code == 0, result.output
    assert [(r["method"], r["status"]) for r in _rows(db)] == [("none", "ok"), (RULE, "ok")]


def test_unknown_method_lists_every_sweep_form():
    with pytest.raises(ValueError) as info:
        resolve_methods("mixann[bogus")
    assert "mixann[n_draws=..]" in str(info.value)
    assert "mixann[selection_rule=..]" in str(info.value)


def test_bench_refuses_a_malformed_scheduler_in_one_line(tmp_path):
    db = tmp_path / "x.sqlite"
    result = runner.invoke(app, ["bench", "--datasets", "vowels", "--classifiers", "knn",
                                 "--methods", "none", "--seeds", "1", "--budget", "test",
                                 "--db", str(db), "--scheduler", "bogus"])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert "scheduler 'bogus' is not an address" in _flat(result.output)
    assert "tcp://HOST:PORT" in _flat(result.output)
    assert not db.exists()


@pytest.mark.parametrize("command", ["report", "bench"])
def test_a_db_that_is_not_sqlite_is_refused_and_left_intact(tmp_path, monkeypatch, command,
                                                            shared_datasets):
    monkeypatch.chdir(tmp_path)
    csv = tmp_path / "in.csv"
    csv.write_text("a,label\n1.0,0\n2.0,1\n")
    before = csv.read_bytes()
    args = {"report": ["report", "--db", "in.csv", "--out", "rep"],
            "bench": ["bench", "--datasets", "vowels", "--classifiers", "knn", "--methods",
                      "none", "--seeds", "1", "--budget", "test", "--db", "in.csv",
                      "--data-dir", str(shared_datasets / "adbench")]}[command]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert "in.csv is not an SQLite results database" in _flat(result.output)
    assert csv.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_report_refuses_a_budget_the_database_does_not_hold(bench_run, tmp_path):
    _, db = bench_run
    out = tmp_path / "rep"
    result = runner.invoke(app, ["report", "--db", str(db), "--out", str(out), "--budget",
                                 "huge"])
    assert result.exit_code == 2, result.output
    assert "budget 'huge' has no results in" in _flat(result.output)
    assert "it holds test" in _flat(result.output)
    assert not out.exists()


def test_bench_header_prints_the_db_path_as_given(bench_run):
    result, _ = bench_run
    assert "db run[bold]/r[v2].sqlite, jobs 1" in result.output


def test_bench_help_shows_the_eta_sweep_name():
    result = runner.invoke(app, ["bench", "--help"])
    assert result.exit_code == 0
    assert "mixann[K=5], mixann[eta=0.3]." in _flat(result.output)


def test_resample_prints_user_paths_and_labels_verbatim(tmp_path, monkeypatch, diverse):
    # A minority label "[/x]" once crashed the final message with a MarkupError.
    X, y = diverse
    monkeypatch.chdir(tmp_path)
    (tmp_path / "run[bold]").mkdir()
    labels = np.where(y == 1, "[/x]", "ok")
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": labels}).to_csv("in.csv", index=False)
    result = runner.invoke(app, ["resample", "in.csv", "run[bold]/out[v2].csv", "--episodes",
                                 "2"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run[bold]" / "out[v2].csv").is_file()
    flat = _flat(result.output)
    assert "to run[bold]/out[v2].csv" in flat and "[/x]: " in flat


def test_data_fetch_prints_a_bad_name_verbatim(tmp_path):
    # "[/x]" once crashed the error line itself with a MarkupError instead of naming the problem.
    result = runner.invoke(app, ["data", "fetch", "[/x]", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "[/x]: invalid dataset name" in _flat(result.output)
