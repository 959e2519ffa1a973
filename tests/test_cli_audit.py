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


def test_an_unreachable_scheduler_leaves_no_new_database(tmp_path, monkeypatch):
    """The connect fails after run_grid opened the database: a file it created goes again."""
    from mixann.bench import runner as bench_runner
    from mixann.bench.store import ResultStore

    def unreachable(*args, **kwargs):  # what _run_dask raises after its 30 s connect timeout
        raise bench_runner.SchedulerError("cannot connect to the dask scheduler tcp://x:1")

    monkeypatch.setattr(bench_runner, "_run_dask", unreachable)
    db = tmp_path / "new.sqlite"
    args = ["bench", "--datasets", "vowels", "--classifiers", "knn", "--methods", "none",
            "--seeds", "1", "--budget", "test", "--scheduler", "tcp://127.0.0.1:1", "--db"]
    result = runner.invoke(app, [*args, str(db)])
    assert result.exit_code == 2, result.output
    assert "cannot connect to the dask scheduler" in _flat(result.output)
    assert not db.exists() and not list(tmp_path.glob("new.sqlite*"))
    # A database the user already had is kept, whatever the scheduler does.
    kept = tmp_path / "kept.sqlite"
    ResultStore(kept).close()
    assert runner.invoke(app, [*args, str(kept)]).exit_code == 2
    assert kept.exists() and _rows(kept) == []


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


def test_report_reads_one_database_given_twice_once(bench_run, tmp_path):
    _, db = bench_run
    once, twice = tmp_path / "once", tmp_path / "twice"
    result = runner.invoke(app, ["report", "--db", str(db), "--out", str(once)])
    assert result.exit_code == 0, result.output
    # The same file by two spellings: one database, not every cell "in more than one".
    result = runner.invoke(app, ["report", "--db", str(db), "--db",
                                 str(db.parent / ".." / db.parent.name / db.name),
                                 "--out", str(twice)])
    assert result.exit_code == 0, result.output
    assert (once / "table2.md").read_text() == (twice / "table2.md").read_text()


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


def test_resample_keeps_the_label_column_where_the_input_had_it(tmp_path, diverse):
    X, y = diverse
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.DataFrame({"id_like": X[:, 1], "label": y, "a": X[:, 0]}).to_csv(src, index=False)
    result = runner.invoke(app, ["resample", str(src), str(out), "--episodes", "2"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["id_like", "label", "a"]
    np.testing.assert_array_equal(frame["label"].to_numpy()[: len(y)], y)
    np.testing.assert_allclose(frame[["id_like", "a"]].to_numpy()[: len(X)], X[:, [1, 0]])
    assert set(frame["label"].to_numpy()[len(y):]) == {1}  # the synthetic rows: anomalies


def test_demo_compare_shows_each_row_once():
    result = runner.invoke(app, ["demo", "--n-samples", "400", "--episodes", "2",
                                 "--compare", "none,smote,smote"])
    assert result.exit_code == 0, result.output
    rows = [line.split("│")[1].strip() for line in result.output.splitlines()
            if line.startswith("│")]
    assert rows == ["without augmentation", "SMOTE", "with MixAnN"]


# ---------------------------------------------------------------- the second audit (session 42)
def _small_toy2(path, n_anomalies):
    """A toy2-format CSV (label,x,y) with ``n_anomalies`` anomalies among 200 rows."""
    rng = np.random.default_rng(0)
    labels = ["anomaly"] * n_anomalies + ["nominal"] * (200 - n_anomalies)
    pd.DataFrame({"label": labels, "x": rng.normal(size=200),
                  "y": rng.normal(size=200)}).to_csv(path, index=False)
    return path


def test_plot_policy_refuses_more_than_two_labels_before_training(tmp_path, diverse):
    X, y = diverse
    labels = np.where(y == 0, "normal", np.where(X[:, 0] > 0, "fraud", "fault"))
    src, out = tmp_path / "three.csv", tmp_path / "policy.png"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": labels}).to_csv(src, index=False)
    result = runner.invoke(app, ["plot", "policy", "--csv", str(src), "--out", str(out),
                                 "--episodes", "1"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert "has 3 labels in 'label': keep two" in _flat(result.output)
    assert "MixAnN episodes" not in result.output and not out.exists()  # nothing trained


def test_plot_case_study_with_too_few_anomalies_is_one_line(tmp_path):
    toy = _small_toy2(tmp_path / "toy.csv", 3)
    result = runner.invoke(app, ["plot", "case-study", "--toy2", str(toy), "--methods",
                                 "smote,mixann", "--episodes", "1", "--out",
                                 str(tmp_path / "cs.png")])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    flat = _flat(result.output)
    assert "--toy2" in flat and "cannot augment the case study's training split" in flat
    assert "anomalies in" in flat and not (tmp_path / "cs.png").exists()


@pytest.mark.parametrize("toy", ["bad-columns", "few-anomalies"])
def test_report_case_study_notes_an_unusable_toy2_and_writes_the_report(bench_run, tmp_path,
                                                                        monkeypatch, toy):
    _, db = bench_run
    path = tmp_path / "toy.csv"
    if toy == "bad-columns":
        path.write_text("label,x,z\nnominal,0.1,0.2\n")
    else:
        _small_toy2(path, 3)
    monkeypatch.setenv("MIXANN_TOY2", str(path))
    out = tmp_path / "rep"
    result = runner.invoke(app, ["report", "--db", str(db), "--out", str(out), "--case-study"])
    assert result.exit_code == 0, result.output
    report = (out / "report.md").read_text()
    assert "not drawn" in report and str(path) in report
    assert not (out / "fig5.png").exists()


def test_data_fetch_into_a_file_is_one_error_line(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("")
    result = runner.invoke(app, ["data", "fetch", "vowels", "--data-dir", str(afile)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "error vowels: cannot write to the data folder" in _flat(result.output)
    assert afile.read_text() == ""


def test_data_list_prints_names_and_folder_as_given(tmp_path, shared_datasets):
    import shutil

    folder = tmp_path / "[bold]d"
    folder.mkdir()
    shutil.copy(shared_datasets / "adbench" / "40_vowels.npz", folder / "my[red]set.npz")
    np.savez(folder / "half.npz", X=np.zeros((4, 2)), y=np.array([0, 0.5, 1, 0]))
    result = runner.invoke(app, ["data", "list", "--data-dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert "my[red]set" in result.output and "[bold]d" in result.output
    # A label that is neither 0 nor 1 makes the file broken, with the reason printed.
    assert "half.npz: ValueError:" in _flat(result.output)
    assert "0 (normal) and 1 (anomaly)" in _flat(result.output)


def test_data_fetch_name_with_npz_suffix_means_the_same_file():
    from mixann.datasets import dataset_url

    assert dataset_url("vowels.npz") == dataset_url("vowels")


def test_bench_header_counts_a_repeated_name_once(tmp_path, shared_datasets):
    result = runner.invoke(app, ["bench", "--datasets", "vowels,vowels", "--classifiers",
                                 "knn,knn", "--methods", "none", "--seeds", "1", "--budget",
                                 "test", "--db", str(tmp_path / "r.sqlite"), "--data-dir",
                                 str(shared_datasets / "adbench")])
    assert result.exit_code == 0, result.output
    assert "1 dataset(s) x 1 classifier(s) x 1 method(s) x 1 seed(s) = 1 cells" in result.output
