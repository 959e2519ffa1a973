"""The command line: the demo runs end to end and prints a before/after table."""

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from mixann.cli import app

runner = CliRunner()


def test_demo_prints_before_after_table():
    result = runner.invoke(app, ["demo", "--n-samples", "400", "--episodes", "2"])
    assert result.exit_code == 0, result.output
    assert "without augmentation" in result.output and "with MixAnN" in result.output
    assert "F1" in result.output


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


def test_resample_unknown_label_column(tmp_path, diverse):
    X, y = diverse
    src = tmp_path / "in.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": y}).to_csv(src, index=False)
    result = runner.invoke(app, ["resample", str(src), str(tmp_path / "o.csv")])
    assert result.exit_code != 0
    assert "no column 'label'" in result.output
