"""Audit 17: dataset loaders, `mixann data` and fetch_dataset on broken inputs."""

from __future__ import annotations

import http.client
import io
import urllib.request

import numpy as np
import pytest
from typer.testing import CliRunner

from mixann.datasets import (DatasetDownloadError, dataset_stem, fetch_dataset, load_dataset,
                             load_toy2)


def _npz_bytes(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_truncated_npz_names_the_file(tmp_path):
    # A copy cut short raised zipfile.BadZipFile("File is not a zip file"), naming no file.
    raw = _npz_bytes(X=np.arange(400.0).reshape(100, 4), y=np.r_[np.zeros(95), np.ones(5)])
    (tmp_path / "40_vowels.npz").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ValueError, match="40_vowels.npz.*fetch it again"):
        load_dataset("vowels", data_dir=tmp_path)


def test_corrupt_member_names_the_file(tmp_path):
    # A flipped byte inside X fails lazily (bad CRC) when X is read, outside np.load's try.
    raw = bytearray(_npz_bytes(X=np.arange(400.0).reshape(100, 4), y=np.r_[np.zeros(95), np.ones(5)]))
    raw[200] ^= 0xFF
    (tmp_path / "40_vowels.npz").write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="40_vowels.npz: cannot read its arrays"):
        load_dataset("vowels", data_dir=tmp_path)


def test_object_or_text_X_names_the_file(tmp_path):
    np.savez(tmp_path / "obj.npz", X=np.array([[1, "a"]], dtype=object), y=np.array([0]))
    np.savez(tmp_path / "txt.npz", X=np.array([["1", "a"]]), y=np.array([0]))
    for name in ("obj", "txt"):
        with pytest.raises(ValueError, match=f"{name}.npz: cannot read its arrays"):
            load_dataset(name, data_dir=tmp_path)


def test_nan_in_X_is_refused(tmp_path):
    # Loaded silently before; xgboost then trained on the NaN as "missing".
    np.savez(tmp_path / "mine.npz", X=np.array([[0.0, np.nan], [1.0, 2.0], [3.0, np.inf]]),
             y=np.array([0, 0, 1]))
    with pytest.raises(ValueError, match=r"NaN or infinite values in 2 row\(s\)"):
        load_dataset("mine", data_dir=tmp_path)


def test_npz_suffix_in_any_case(tmp_path):
    # bench's canonical_dataset strips .NPZ; the loader looked for 40_vowels.NPZ.npz.
    assert dataset_stem("40_vowels.NPZ") == "40_vowels" and dataset_stem("Vowels.Npz") == "40_vowels"
    np.savez(tmp_path / "40_vowels.npz", X=np.eye(3), y=np.array([0, 0, 1]))
    assert load_dataset("40_vowels.NPZ", data_dir=tmp_path)[0].shape == (3, 3)


class _CutResponse(io.BytesIO):
    headers = {"Content-Length": "100000"}

    def read(self, n=-1):
        raise http.client.IncompleteRead(b"abc", 99997)


@pytest.mark.parametrize("failure", ["read", "status"])
def test_fetch_http_protocol_errors_are_download_errors(tmp_path, monkeypatch, failure):
    # http.client.HTTPException is no OSError: it escaped `mixann data fetch` as a traceback.
    def urlopen(url, timeout):
        if failure == "status":
            raise http.client.BadStatusLine("garbage")
        return _CutResponse(b"")

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    with pytest.raises(DatasetDownloadError, match="40_vowels.npz"):
        fetch_dataset("vowels", data_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []

    from mixann.cli import app

    result = CliRunner().invoke(app, ["data", "fetch", "vowels", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # no traceback
    assert "40_vowels.npz" in result.output


def test_data_list_flags_a_file_no_name_loads(tmp_path):
    # "my data.npz" was listed as present, yet load_dataset("my data") refuses the name.
    from mixann.cli import app

    np.savez(tmp_path / "my data.npz", X=np.eye(3), y=np.array([0, 0, 1]))
    result = CliRunner().invoke(app, ["data", "list", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "bad name" in result.output and "not a valid dataset name" in result.output


def test_toy2_bad_cells_name_the_file(tmp_path):
    text = tmp_path / "text.csv"
    text.write_text("label,x,y\nnominal,0.1,abc\nanomaly,0.9,0.8\n")
    with pytest.raises(ValueError, match="text.csv: x and y must be numbers"):
        load_toy2(text)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match="empty.csv is empty"):
        load_toy2(empty)


def test_shared_data_loads_as_np_load_reads_it(shared_datasets):
    # The fixes must not change what the benchmark reads.
    for path in sorted((shared_datasets / "adbench").glob("*.npz")):
        X, y = load_dataset(path.stem, data_dir=path.parent)
        with np.load(path) as raw:
            np.testing.assert_array_equal(X, raw["X"].astype(float))
            np.testing.assert_array_equal(y, raw["y"].astype(int))
        assert X.dtype == np.float64 and y.dtype == np.int64
