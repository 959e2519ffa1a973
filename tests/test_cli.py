"""The command line: the demo runs end to end and prints a before/after table."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mixann.cli import app

runner = CliRunner()


def _table_rows(output):
    """``{method: [cells]}`` of the rich table's body rows in ``output``."""
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in output.splitlines()
            if line.startswith("│")]
    return {row[0]: row[1:] for row in rows}


def test_demo_prints_before_after_table():
    result = runner.invoke(app, ["demo", "--n-samples", "400", "--episodes", "2"])
    assert result.exit_code == 0, result.output
    rows = _table_rows(result.output)
    # No augmentation, the two default baselines on the same split, then MixAnN.
    assert list(rows) == ["without augmentation", "SMOTE", "AutoSMOTE", "with MixAnN"]
    assert rows["without augmentation"][-1] == "0" and int(rows["SMOTE"][-1]) > 0
    assert all(0 <= float(cell) <= 1 for row in rows.values() for cell in row[:3])
    assert "test split 80 samples (4 anomalies)" in _flat(result.output)


def test_demo_seeds_show_means_and_per_seed_scores():
    args = ["demo", "--n-samples", "400", "--episodes", "2", "--compare", "smote"]
    result = runner.invoke(app, [*args, "--seeds", "2", "--seed", "3"])
    assert result.exit_code == 0, result.output
    rows = _table_rows(result.output)
    assert list(rows) == ["without augmentation", "SMOTE", "with MixAnN"]
    per_seed = {line.split(":")[0]: line for line in result.output.splitlines()
                if line.startswith("seed ")}
    assert list(per_seed) == ["seed 3", "seed 4"]
    # The table's F1 is the mean of the seeds' lines, with its std over them.
    none = [float(line.split("none ")[1].split(",")[0]) for line in per_seed.values()]
    mean, std = rows["without augmentation"][2].split(" ± ")
    assert float(mean) == pytest.approx(np.mean(none), abs=6e-4)
    assert float(std) == pytest.approx(np.std(none), abs=6e-4)
    # Seed 3 alone gives the first line's scores again.
    alone = _table_rows(runner.invoke(app, [*args, "--seed", "3"]).output)
    assert float(alone["without augmentation"][2]) == pytest.approx(none[0], abs=6e-4)
    assert list(_table_rows(runner.invoke(app, [*args[:-2], "--compare", ""]).output)) == [
        "without augmentation", "with MixAnN"]


def test_resample_csv(tmp_path, diverse):
    X, y = diverse
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": y}).to_csv(src, index=False)
    result = runner.invoke(app, ["resample", str(src), str(out), "--episodes", "2"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["a", "b", "label"] and len(frame) >= len(X)
    np.testing.assert_allclose(frame[["a", "b"]].to_numpy()[: len(X)], X)
    # --jobs runs the volume search's fits in parallel and writes the same file
    again = tmp_path / "again.csv"
    result = runner.invoke(app, ["resample", str(src), str(again), "--episodes", "2", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert again.read_bytes() == out.read_bytes()
    result = runner.invoke(app, ["resample", str(src), str(again), "--jobs", "0"])
    assert result.exit_code != 0 and "--jobs 0" in result.output


def test_resample_csv_with_three_labels(tmp_path, diverse):
    # The anomalies split in two classes: each is augmented against the rest.
    X, y = diverse
    labels = np.where(y == 0, "normal", np.where(X[:, 0] > 0, "fraud", "fault"))
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "kind": labels}).to_csv(src, index=False)
    result = runner.invoke(app, ["resample", str(src), str(out), "--label", "kind",
                                 "--episodes", "2"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    added = frame["kind"].iloc[len(X):]
    assert len(added) > 0 and set(added) <= {"fraud", "fault"}
    counts = ", ".join(f"{c}: {int((added == c).sum())}" for c in ("fault", "fraud"))
    assert f"({len(added)} synthetic; {counts})" in _flat(result.output)


def test_resample_unknown_label_column(tmp_path, diverse):
    X, y = diverse
    src = tmp_path / "in.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": y}).to_csv(src, index=False)
    result = runner.invoke(app, ["resample", str(src), str(tmp_path / "o.csv")])
    assert result.exit_code != 0
    assert "no column 'label'" in result.output


def _flat(output):
    # rich wraps error boxes at the terminal width: compare the words only.
    return " ".join(output.replace("│", " ").split())


@pytest.mark.parametrize("edit, expected", [
    (lambda f: f.assign(colour="red"), "column(s) ['colour'] of in.csv are not numbers"),
    (lambda f: f.assign(a=f["a"].where(f.index != 3)),
     "column(s) ['a'] of in.csv have empty cells"),
    (lambda f: f.assign(label=np.where(f.index == 0, 2, f["label"])), "class 2 has 1 sample"),
    (lambda f: f.iloc[0:0], "in.csv has a header row but no data rows"),
], ids=["text-column", "empty-cell", "class-of-one-row", "no-rows"])
def test_resample_refuses_a_csv_mixann_cannot_use(tmp_path, monkeypatch, diverse, edit, expected):
    # One message that names the problem and the fix, no traceback, and no file written.
    X, y = diverse
    monkeypatch.chdir(tmp_path)
    edit(pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": y})).to_csv("in.csv", index=False)
    result = runner.invoke(app, ["resample", "in.csv", "out.csv", "--episodes", "2"])
    assert result.exit_code == 2, result.output
    assert expected in _flat(result.output) and "Traceback" not in result.output
    assert not (tmp_path / "out.csv").exists()


def test_the_commands_check_their_arguments_before_working(tmp_path, diverse):
    X, y = diverse
    src = tmp_path / "in.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 0], "label": y}).to_csv(src, index=False)
    (tmp_path / "empty.csv").write_text("")
    cases = [
        (["demo", "--classifier", "svm"], "unknown classifier 'svm'; choose one of knn"),
        (["demo", "--compare", "smote,smote-nc"], "unknown method 'smote-nc'; choose one of"),
        (["resample", str(src), str(tmp_path / "no" / "out.csv")], "does not exist; create it"),
        (["resample", str(tmp_path / "empty.csv"), "o.csv"], "is empty"),
        (["plot", "policy", "--csv", str(src)], "draws 2-D data; " + str(src) + " has 3 feature"),
        (["plot", "case-study", "--methods", "none,smote-nc"],
         "unknown method 'smote-nc'; choose one of none"),
        (["plot", "case-study", "--methods", ","], "give at least one method; choose one of"),
        (["plot", "case-study", "--out", str(tmp_path / "no" / "x.png")], "does not exist"),
        (["plot", "case-study", "--toy2", str(tmp_path / "none.csv")], "not found at"),
    ]
    for args, expected in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert expected in _flat(result.output), (args, result.output)


def test_the_command_line_loads_torch_only_when_it_works():
    # `mixann --help` and the argument checks should answer at once: importing the package and
    # its command line must not load torch or imbalanced-learn (some 4 s); MixAnN loads them on
    # first use (PEP 562).
    import subprocess
    import sys

    code = ("import sys, mixann, mixann.cli; "
            "print(sorted(m for m in ('torch', 'imblearn') if m in sys.modules)); "
            "from mixann import MixAnN, MixAnNClassifier; "
            "print(MixAnN.__module__, MixAnNClassifier.__module__, 'torch' in sys.modules, "
            "'MixAnN' in dir(mixann))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["[]", "mixann.sampler mixann.augmented_classifier True True"]
    import mixann

    with pytest.raises(AttributeError, match="no attribute 'Sampler'"):
        mixann.Sampler


def test_resample_prune_keeps_a_share_of_the_candidates(tmp_path, diverse):
    # --prune is MixAnN's selection_prune; a share outside (0, 1] is refused before any work.
    X, y = diverse
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": y}).to_csv(src, index=False)
    result = runner.invoke(app, ["resample", str(src), str(out), "--episodes", "2",
                                 "--prune", "0.25"])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) >= len(X)
    for bad in ("0", "1.5"):
        result = runner.invoke(app, ["resample", str(src), str(tmp_path / "x.csv"),
                                     "--prune", bad])
        assert result.exit_code != 0 and "number in (0, 1]" in _flat(result.output)
        assert not (tmp_path / "x.csv").exists()
