"""A finished result is never half-written and never lost: a target that cannot be written
after training (a full disk, a read-only mount, root passing os.access) gets nothing, the
result goes to the temporary folder, and the command's one error line names it."""

import errno
import os
import stat
import tempfile
import threading
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mixann import _files
from mixann._files import ResultKeptElsewhere, write_safely
from mixann.cli import app
from test_cli_audit3 import _flat

runner = CliRunner()


@pytest.fixture
def keep_dir(tmp_path, monkeypatch):
    folder = tmp_path / "keep"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _disk_full_on_move(monkeypatch):
    def replace(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(_files.os, "replace", replace)


def test_an_existing_file_is_replaced_whole_and_keeps_its_permissions(tmp_path):
    out = tmp_path / "rows.csv"
    out.write_text("old")
    os.chmod(out, 0o640)
    write_safely(out, lambda p: p.write_text("new"))
    assert out.read_text() == "new" and stat.S_IMODE(out.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["rows.csv"]


def test_a_link_is_written_through_not_replaced(tmp_path):
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("old")
    link.symlink_to(real)
    write_safely(link, lambda p: p.write_text("new"))
    assert link.is_symlink() and real.read_text() == "new"


def test_a_write_that_fails_half_way_leaves_the_old_file_and_keeps_the_result(
        tmp_path, keep_dir):
    out = tmp_path / "rows.csv"
    out.write_text("old")

    def half_then_fail(path):
        path.write_text("half")
        if path.parent == tmp_path:
            raise OSError(errno.ENOSPC, "No space left on device")
        path.write_text("whole")

    with pytest.raises(ResultKeptElsewhere) as caught:
        write_safely(out, half_then_fail)
    kept = caught.value.kept
    assert out.read_text() == "old"  # no half-written file under the target's name
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["rows.csv"]  # no .part left
    assert kept.parent == keep_dir and kept.suffix == ".csv" and kept.read_text() == "whole"
    assert str(caught.value) == (f"could not write {out} (No space left on device); the result "
                                 f"is kept in {kept}: move it where you want it")


def test_nowhere_to_write_says_so(tmp_path, keep_dir):
    def always_fails(path):
        path.write_text("half")
        raise OSError(errno.EROFS, "Read-only file system")

    with pytest.raises(ResultKeptElsewhere, match="nor a copy in .*free some space") as caught:
        write_safely(tmp_path / "rows.csv", always_fails)
    assert caught.value.kept is None and list(keep_dir.glob("mixann-*")) == []


def test_resample_keeps_its_rows_when_the_output_cannot_be_written(tmp_path, keep_dir,
                                                                    diverse, monkeypatch):
    X, y = diverse
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": y}).to_csv(src, index=False)
    args = ["resample", str(src), str(out), "--episodes", "2"]
    assert runner.invoke(app, args).exit_code == 0
    expected = out.read_bytes()
    out.write_text("an earlier result")
    _disk_full_on_move(monkeypatch)
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    (kept,) = keep_dir.glob("mixann-*")
    assert f"could not write {out} (No space left on device); the result is kept in {kept}" in (
        _flat(result.output))
    assert kept.read_bytes() == expected and out.read_text() == "an earlier result"


def test_plot_policy_keeps_its_figure_when_the_image_cannot_be_written(tmp_path, keep_dir,
                                                                       diverse, monkeypatch):
    X, y = diverse
    src, out = tmp_path / "two.csv", tmp_path / "policy.svg"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": y}).to_csv(src, index=False)
    _disk_full_on_move(monkeypatch)
    result = runner.invoke(app, ["plot", "policy", "--csv", str(src), "--out", str(out),
                                 "--episodes", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    (kept,) = keep_dir.glob("mixann-*")
    assert kept.suffix == ".svg" and kept.read_text().lstrip().startswith("<?xml")
    assert f"the result is kept in {kept}" in _flat(result.output) and not out.exists()


def test_a_figure_without_suffix_is_a_png_named_as_matplotlib_names_it(tmp_path, diverse, tiny):
    # The temporary name's own suffix must not decide the format (".part" is none).
    from mixann import MixAnN
    from mixann.plots import policy_map

    X, y = diverse
    sampler = MixAnN(random_state=0, **tiny).fit(X, y)
    for name in ("policy", "policy2.", "policy3.PDF"):
        policy_map(sampler, X, y, tmp_path / name)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["policy.png", "policy2.png",
                                                          "policy3.PDF"]
    assert (tmp_path / "policy.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "policy3.PDF").read_bytes()[:4] == b"%PDF"


def test_a_device_or_pipe_is_written_directly_never_replaced(tmp_path):
    # Moving a file onto /dev/null (root may) would replace the device; /dev/stdout is a pipe
    # or a terminal, with no folder to put a temporary file in.
    written = []
    write_safely("/dev/null", lambda p: (written.append(p), p.write_text("rows")))
    assert written == [Path("/dev/null")] and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = threading.Thread(target=lambda: written.append(fifo.read_text()))
    reader.start()
    write_safely(fifo, lambda p: p.write_text("x,label\n"))
    reader.join(timeout=10)
    assert written[-1] == "x,label\n" and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_resample_keeps_stdout_for_data(tmp_path, diverse):
    # Progress bars and the closing line go to stderr, so `resample in.csv /dev/stdout | ...`
    # pipes the CSV alone.
    X, y = diverse
    src = tmp_path / "in.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": y}).to_csv(src, index=False)
    result = runner.invoke(app, ["resample", str(src), str(tmp_path / "out.csv"),
                                 "--episodes", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "volume search" in result.stderr and "wrote " in result.stderr
