"""Command-line bugs from the third audit: plot --out formats, small CSVs, nested fetch
folders, repeated column names."""

import urllib.error
import urllib.request

import pandas as pd
import pytest
from typer.testing import CliRunner

from mixann.cli import app
from mixann.datasets import DatasetDownloadError, fetch_dataset, make_diverse_minorities

runner = CliRunner()


def _flat(output):
    # rich wraps error boxes at the terminal width: compare the words only.
    return " ".join(output.replace("│", " ").split())


@pytest.fixture
def toy_csv(tmp_path):
    X, y = make_diverse_minorities(n_samples=300, random_state=0)
    frame = pd.DataFrame(X, columns=["a", "b"]).assign(label=y)
    path = tmp_path / "toy.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("command", [["plot", "case-study", "--methods", "none"],
                                     ["plot", "policy"]])
def test_plot_refuses_an_image_format_before_any_training(tmp_path, monkeypatch, command):
    # It used to train everything, then fail in savefig (blaming --toy2, or with a traceback).
    import mixann.plots

    def never(*args, **kwargs):
        raise AssertionError("trained before checking --out")

    monkeypatch.setattr(mixann.plots, "case_study", never)
    monkeypatch.setattr(mixann.plots, "policy_map", never)
    monkeypatch.setattr("mixann.sampler.MixAnN.fit_resample", never)
    result = runner.invoke(app, [*command, "--episodes", "1", "--out", str(tmp_path / "f.xyz")])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--out': matplotlib cannot write '.xyz' files" in _flat(
        result.output)
    assert ".png" in result.output and not (tmp_path / "f.xyz").exists()


def test_plot_without_a_suffix_names_the_png_it_wrote(tmp_path, toy_csv):
    result = runner.invoke(app, ["plot", "policy", "--csv", str(toy_csv), "--episodes", "1",
                                 "--out", str(tmp_path / "pol")])
    assert result.exit_code == 0, result.output
    assert f"wrote {tmp_path / 'pol.png'} (" in result.output
    assert (tmp_path / "pol.png").is_file() and not (tmp_path / "pol").exists()


def test_resample_of_a_small_csv_asks_for_rows_not_for_max_neighbors(tmp_path, toy_csv):
    frame = pd.read_csv(toy_csv)
    small = pd.concat([frame[frame.label == 0].head(8), frame[frame.label == 1].head(3)])
    small.to_csv(tmp_path / "small.csv", index=False)
    result = runner.invoke(app, ["resample", str(tmp_path / "small.csv"),
                                 str(tmp_path / "out.csv"), "--episodes", "1"])
    assert result.exit_code == 2, result.output
    flat = _flat(result.output)
    assert "training split holds 8 rows, fewer than its 10 neighbours" in flat
    assert "give a file with more rows" in flat and "lower max_neighbors" not in flat
    assert not (tmp_path / "out.csv").exists()


def test_failed_fetch_removes_every_folder_it_created(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(DatasetDownloadError):
        fetch_dataset("vowels", data_dir=tmp_path / "nest" / "a" / "b", timeout=0.5)
    assert list(tmp_path.iterdir()) == []  # nest/a/b, nest/a and nest: all gone
    (tmp_path / "nest" / "keep").mkdir(parents=True)  # a folder that was there stays
    with pytest.raises(DatasetDownloadError):
        fetch_dataset("vowels", data_dir=tmp_path / "nest" / "a" / "b", timeout=0.5)
    assert [p.name for p in (tmp_path / "nest").iterdir()] == ["keep"]


@pytest.mark.parametrize("header", ["a,a,label", "a,label,b,label"])
def test_resample_refuses_repeated_column_names_as_the_file_has_them(tmp_path, toy_csv, header):
    # pandas renamed them (a.1, label.1): the output header differed from the input's.
    frame = pd.read_csv(toy_csv)
    if header.count("label") == 2:
        frame = frame.assign(c=frame.label)[["a", "label", "b", "c"]]
    path = tmp_path / "dup.csv"
    frame.to_csv(path, index=False, header=header.split(","))
    result = runner.invoke(app, ["resample", str(path), str(tmp_path / "out.csv"),
                                 "--episodes", "1"])
    assert result.exit_code == 2, result.output
    repeated = "['label']" if header.count("label") == 2 else "['a']"
    assert f"column name(s) {repeated} appear more than once" in _flat(result.output)
    assert not (tmp_path / "out.csv").exists()


def test_resample_notes_a_column_without_a_name_and_keeps_it_blank(tmp_path, toy_csv):
    # A CSV saved with pandas' index: the column is mixed (it may be meant) but said; the
    # output used to call it "Unnamed: 0".
    frame = pd.read_csv(toy_csv)
    frame.to_csv(tmp_path / "indexed.csv")  # index=True: a first column with a blank name
    result = runner.invoke(app, ["resample", str(tmp_path / "indexed.csv"),
                                 str(tmp_path / "out.csv"), "--episodes", "1"])
    assert result.exit_code == 0, result.output
    assert "1 column(s) without a name (a saved pandas index?)" in _flat(result.output)
    assert (tmp_path / "out.csv").read_text().splitlines()[0] == ",a,b,label"


def test_detectors_unfitted_and_unknown_metric_fail_at_once(monkeypatch):
    import mixann.detectors as detectors
    from mixann.detectors import XGBODDetector, fit_predict_detector

    with pytest.raises(RuntimeError, match="XGBODDetector is not fitted; call fit"):
        XGBODDetector().decision_function([[0.0, 1.0]])

    def never(*args, **kwargs):
        raise AssertionError("the detector trained before the metric was checked")

    monkeypatch.setattr(detectors, "make_detector", never)
    X, y = make_diverse_minorities(n_samples=100, random_state=0)
    with pytest.raises(ValueError, match="metric must be one of"):
        fit_predict_detector("devnet", X, y, X, y, X, metric="auc")
