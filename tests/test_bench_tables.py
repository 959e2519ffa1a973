"""Tables 3-4 and Fig. 4-5 of the benchmark: ablation, detector and sweep cells, their CLI and
the report (budget "test" on vowels, knn only, to stay fast)."""

from __future__ import annotations

import csv
import json
import sqlite3
import struct

import numpy as np
import pytest
from typer.testing import CliRunner

from mixann.bench import protocol
from mixann.bench.figures import DPI, PANEL_SIZE
from mixann.bench.report import NOT_RUN, write_report
from mixann.bench.runner import (ABLATIONS, DETECTOR_CLASSIFIER, DETECTORS, Cell, build_cells,
                                 parse_method, parse_sweep, resolve_methods, run_cell)
from mixann.bench.store import ResultStore


@pytest.fixture(scope="module")
def data_dir(shared_datasets):
    return shared_datasets / "adbench"


def _flat(text):
    return " ".join(text.replace("│", " ").split())


def _png_size(path):
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


# ---------------------------------------------------------------- method names
def test_parse_sweep_valid_and_round_trip():
    assert parse_sweep("K=5,10,15,20,25") == [f"mixann[K={k}]" for k in (5, 10, 15, 20, 25)]
    assert parse_sweep(" k = 5, 10.0 ") == ["mixann[K=5]", "mixann[K=10]"]
    assert parse_sweep("eta=0.1,0.30,0.9") == ["mixann[eta=0.1]", "mixann[eta=0.3]",
                                              "mixann[eta=0.9]"]
    assert parse_method("mixann[K=5]") == ("mixann", {"K": 5})
    assert parse_method("mixann[eta=0.3]") == ("mixann", {"eta": 0.3})
    assert parse_sweep("selection_repeats=1,2") == ["mixann[selection_repeats=1]",
                                                    "mixann[selection_repeats=2]"]
    assert parse_method("mixann[selection_repeats=2]") == ("mixann", {"selection_repeats": 2})
    assert parse_sweep("selection_folds=10") == ["mixann[selection_folds=10]"]
    assert parse_method("mixann[selection_folds=10.0]") == ("mixann", {"selection_folds": 10})
    assert parse_sweep("n_draws=10") == ["mixann[n_draws=10]"]
    assert parse_sweep("selection_rule=best-larger,one-se") == [
        "mixann[selection_rule=best-larger]", "mixann[selection_rule=one-se]"]
    assert parse_method("mixann[selection_rule=best-larger]") == (
        "mixann", {"selection_rule": "best-larger"})
    assert parse_method("smote") == ("smote", {})
    # The warm-up (row 85) is swept on either preset.
    assert parse_sweep("warmup_steps=0,5") == ["mixann[warmup_steps=0]", "mixann[warmup_steps=5]"]
    assert parse_method("mixann-paper[warmup_steps=5.0]") == ("mixann-paper", {"warmup_steps": 5})
    assert resolve_methods("mixann-paper[warmup_steps=05]") == ["mixann-paper[warmup_steps=5]"]


@pytest.mark.parametrize("spec, message", [
    ("K", "must look like K=5,10,15,20,25"),
    ("K=", "empty value"),
    ("K=5,,10", "empty value"),
    ("K=0", "K values must be integers >= 1"),
    ("K=2.5", "K values must be integers >= 1"),
    ("eta=0", "eta values must be numbers in (0, 1)"),
    ("eta=1.5", "eta values must be numbers in (0, 1)"),
    ("eta=abc", "eta values must be numbers in (0, 1)"),
    ("lambda=1", "unknown sweep parameter 'lambda'"),
    ("selection_repeats=0", "selection_repeats values must be integers >= 1"),
    ("selection_repeats=1.5", "selection_repeats values must be integers >= 1"),
    ("selection_folds=1", "selection_folds values must be integers >= 2"),
    ("n_draws=0", "n_draws values must be integers >= 1"),
    ("selection_rule=auto", "selection_rule values must be one of best, best-larger"),
    ("selection_rule=largest", "selection_rule values must be one of best, best-larger"),
    ("K=5,5.0", "repeats mixann[K=5]"),
    ("warmup_steps=-1", "warmup_steps values must be integers >= 0"),
    ("warmup=5", "or warmup_steps (e.g."),
])
def test_parse_sweep_invalid(spec, message):
    with pytest.raises(ValueError) as err:
        parse_sweep(spec)
    assert message in str(err.value)


@pytest.mark.parametrize("name, message", [
    ("smote[K=5]", "only MixAnN methods"),
    ("mixann[K=5", "malformed method"),
    ("mixann[K]", "malformed method"),
])
def test_parse_method_invalid(name, message):
    with pytest.raises(ValueError, match=message):
        parse_method(name)


def test_method_shortcuts_and_cells():
    from mixann.detectors import DETECTOR_NAMES

    assert tuple(DETECTORS) == tuple(DETECTOR_NAMES)
    assert resolve_methods("ablations") == [*ABLATIONS, "mixann"]
    assert resolve_methods("detectors") == ["xgbod", "devnet", "deepsad"]
    assert resolve_methods("all")[-1] == "mixann" and "xgbod" not in resolve_methods("all")
    assert resolve_methods("none,ablations,mixann[K=05]", ["eta=0.3"]) == [
        "none", *ABLATIONS, "mixann", "mixann[K=5]", "mixann[eta=0.3]"]
    with pytest.raises(ValueError, match="unknown method 'foo'"):
        resolve_methods("smote,foo")
    # Detectors: one cell per (dataset, seed), classifier "-", whatever classifiers are named.
    cells = build_cells(["vowels"], ["knn", "mlp"], ["none", "devnet"], 2, "test")
    assert len(cells) == 2 * 2 + 2
    assert [c.classifier for c in cells if c.method == "devnet"] == [DETECTOR_CLASSIFIER] * 2


# ---------------------------------------------------------------- cells
def test_ablation_cells_differ_only_in_reward(data_dir):
    results = {m: run_cell(Cell("vowels", "knn", m, 0, "test"), data_dir)
               for m in [*ABLATIONS, "mixann"]}
    rewards = {m: r["config"]["mixann"]["reward"] for m, r in results.items()}
    assert rewards == {"mixann-random-reward": "random", "mixann-no-improvement": "no-improvement",
                       "mixann-no-exploration": "no-exploration", "mixann": "full"}
    full = results["mixann"]["config"]
    assert full["mixann"]["preset"] == "default" and full["mixann"]["K_candidates"] == [10]
    for method, r in results.items():
        assert r["status"] == "ok" and 0 <= r["f1"] <= 1
        cfg = r["config"]
        assert cfg["split"] == full["split"]  # same seed => same split
        strip = lambda c: {k: v for k, v in c.items() if k not in ("reward", "trials")}
        assert strip(cfg["mixann"]) == strip(full["mixann"])  # same K, same params
        assert {k: v for k, v in cfg.items() if k not in ("method", "mixann")} == \
            {k: v for k, v in full.items() if k not in ("method", "mixann")}


def test_sweep_cells_fix_k_or_set_eta(data_dir):
    k = run_cell(Cell("vowels", "knn", "mixann[K=10]", 0, "test"), data_dir)["config"]["mixann"]
    assert k["K_candidates"] == [10] and k["K"] == 10 and k["sweep"] == {"K": 10}
    assert k["eta"] == 0.3  # the paper's eta
    e = run_cell(Cell("vowels", "knn", "mixann[eta=0.5]", 0, "test"), data_dir)["config"]["mixann"]
    assert e["eta"] == 0.5 and e["K_candidates"] == [10]  # the default preset's K
    p = run_cell(Cell("vowels", "knn", "mixann-paper[eta=0.5]", 0, "test"),
                 data_dir)["config"]["mixann"]
    assert p["preset"] == "paper" and p["K_candidates"] == list(protocol.k_candidates("test"))


def test_selection_repeats_sweep_runs_the_default_preset_with_more_repeats(data_dir):
    plain = run_cell(Cell("vowels", "knn", "mixann", 0, "test"), data_dir)
    cell = run_cell(Cell("vowels", "knn", "mixann[selection_repeats=2]", 0, "test"), data_dir)
    r = cell["config"]["mixann"]
    assert r["selection_repeats"] == 2 and r["sweep"] == {"selection_repeats": 2}
    assert "selection_repeats" not in plain["config"]["mixann"]  # the library default (1)
    # Same split and training; the candidates' pooled scores average two repeats instead of one.
    scores = {(c["kind"], c["volume"]): c["score"] for c in r["trials"][0]["candidates"]}
    plain_scores = {(c["kind"], c["volume"]): c["score"]
                    for c in plain["config"]["mixann"]["trials"][0]["candidates"]}
    assert scores.keys() == plain_scores.keys() and scores != plain_scores
    with pytest.raises(ValueError, match="default preset"):
        run_cell(Cell("vowels", "knn", "mixann-paper[selection_repeats=2]", 0, "test"), data_dir)
    folds = run_cell(Cell("vowels", "knn", "mixann[selection_folds=3]", 0, "test"),
                     data_dir)["config"]["mixann"]
    assert folds["selection_folds"] == 3 and folds["sweep"] == {"selection_folds": 3}
    drawn = run_cell(Cell("vowels", "knn", "mixann[n_draws=2]", 0, "test"),
                     data_dir)["config"]["mixann"]
    assert drawn["n_draws"] == 2 and drawn["sweep"] == {"n_draws": 2}
    assert len(drawn["trials"][0]["draw_scores"]) == 2  # vowels: spread is chosen
    assert len(plain["config"]["mixann"]["trials"][0]["draw_scores"]) == 10  # "auto" for KNN
    # The choosing rule by name (row 78): recorded, and only for the default preset.
    ruled = run_cell(Cell("vowels", "knn", "mixann[selection_rule=best-larger]", 0, "test"),
                     data_dir)["config"]["mixann"]
    assert ruled["selection_rule"] == "best-larger" and ruled["sweep"] == {
        "selection_rule": "best-larger"}
    assert ruled["trials"][0]["selection_rule"] == "best-larger"
    assert plain["config"]["mixann"]["trials"][0]["selection_rule"] == "best"  # "auto" for KNN
    # The pruning share that ran is recorded: "auto" is 0.25 for KNN (row 95).
    assert plain["config"]["mixann"]["trials"][0]["selection_prune"] == 0.25
    pruned = run_cell(Cell("vowels", "knn", "mixann[selection_prune=0.5]", 0, "test"),
                      data_dir)["config"]["mixann"]
    assert pruned["trials"][0]["selection_prune"] == 0.5
    with pytest.raises(ValueError, match="default preset"):
        run_cell(Cell("vowels", "knn", "mixann-paper[selection_rule=best]", 0, "test"), data_dir)


def test_warmup_sweep_reaches_the_paper_preset(data_dir):
    # The test budget sets warmup_steps=5; the sweep point replaces it and is recorded.
    plain = run_cell(Cell("vowels", "knn", "mixann-paper[K=5]", 0, "test"), data_dir)
    swept = run_cell(Cell("vowels", "knn", "mixann-paper[K=5,warmup_steps=0]", 0, "test"),
                     data_dir)
    assert plain["config"]["mixann"]["warmup_steps"] == 5
    assert swept["config"]["mixann"]["warmup_steps"] == 0
    assert swept["config"]["mixann"]["sweep"] == {"K": 5, "warmup_steps": 0}


def test_detector_cell_runs(data_dir):
    r = run_cell(Cell("vowels", DETECTOR_CLASSIFIER, "devnet", 0, "test"), data_dir)
    assert r["status"] == "ok" and 0 <= r["f1"] <= 1 and r["n_synthetic"] == 0
    info = r["config"]["detector"]
    assert info["detector"] == "devnet" and info["threshold_rule"] == "validation_search"
    assert info["multiplier"] in (0.5, 1.0, 1.5, 2.0)
    assert r["config"]["split"] == run_cell(Cell("vowels", "knn", "none", 0, "test"),
                                             data_dir)["config"]["split"]
    json.dumps(r["config"], default=str)  # storable


# ---------------------------------------------------------------- CLI end to end
def test_cli_rejects_bad_sweep(tmp_path):
    from mixann.cli import app

    for spec, message in (("K=0", "K values must be integers >= 1"),
                          ("gamma=1", "unknown sweep parameter 'gamma'")):
        res = CliRunner().invoke(app, ["bench", "--db", str(tmp_path / "x.sqlite"),
                                       "--sweep", spec])
        assert res.exit_code != 0 and message in _flat(res.output)
    res = CliRunner().invoke(app, ["bench", "--db", str(tmp_path / "x.sqlite"), "--methods",
                                   "smote[K=5]"])
    assert res.exit_code != 0 and "unknown method 'smote[K=5]'" in _flat(res.output)
    assert not (tmp_path / "x.sqlite").exists()


def test_sweep_summary_keeps_a_rule_s_name_beside_numeric_sweeps():
    import pandas as pd

    from mixann.bench.figures import sweep_summary

    ok = pd.DataFrame({
        "method": ["mixann[K=10]", "mixann[selection_rule=best-larger]", "mixann[K=5]",
                   "mixann[selection_rule=best-larger]", "mixann", "smote"],
        "dataset": ["v"] * 6, "classifier": ["knn"] * 6, "seed": [0, 0, 0, 1, 0, 0],
        "f1": [0.8, 0.7, 0.6, 0.9, 0.5, 0.4]})
    out = sweep_summary(ok)
    assert [(r.param, r.value, r.n) for r in out.itertuples()] == [
        ("K", 5.0, 1), ("K", 10.0, 1), ("selection_rule", "best-larger", 2)]
    assert out["f1_mean"].tolist() == pytest.approx([0.6, 0.8, 0.8])


def test_cli_ablations_detector_sweep_then_report(tmp_path, data_dir):
    from mixann.cli import app

    db, out = tmp_path / "r.sqlite", tmp_path / "report"
    cli = CliRunner()
    common = ["--datasets", "vowels", "--classifiers", "knn", "--seeds", "2", "--budget", "test",
              "--db", str(db), "--data-dir", str(data_dir)]
    res = cli.invoke(app, ["bench", "--methods", "ablations,devnet", *common])
    assert res.exit_code == 0, res.output
    assert "ok 10, failed 0" in res.output  # 4 MixAnN variants x 2 seeds + devnet x 2 seeds
    res = cli.invoke(app, ["bench", "--sweep", "K=5,10", *common])  # only the sweep runs
    assert res.exit_code == 0, res.output
    assert "ok 4, failed 0" in res.output
    con = sqlite3.connect(db)
    stored = sorted(set(con.execute("SELECT classifier, method FROM results")))
    con.close()
    assert ("-", "devnet") in stored and ("knn", "mixann[K=10]") in stored
    assert len(stored) == 7

    res = cli.invoke(app, ["report", "--db", str(db), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert _png_size(out / "fig4_K.png") == (int(PANEL_SIZE[0] * DPI), int(PANEL_SIZE[1] * DPI))
    assert not (out / "fig4_eta.png").exists()
    with open(out / "fig4.csv", newline="") as fh:
        points = list(csv.DictReader(fh))
    assert [(p["param"], float(p["value"]), p["n"]) for p in points] == [("K", 5.0, "2"),
                                                                          ("K", 10.0, "2")]

    # Table 2 holds only the horizontal methods: no ablation, sweep or detector rows.
    with open(out / "table2.csv", newline="") as fh:
        assert [(t["classifier"], t["method"]) for t in csv.DictReader(fh)] == [("knn", "mixann")]

    t3 = (out / "table3.md").read_text()
    assert "| Label-informed | DevNet |" in t3 and "[paper 0.89/0.99/0.93]" in t3
    assert "| Data Augmentation | MixAnN |" in t3 and "(knn)" in t3
    assert "Best Baseline: not run: use `mixann bench --methods all ...`" in t3
    with open(out / "table3.csv", newline="") as fh:
        t3rows = {r["method"]: r for r in csv.DictReader(fh)}
    assert list(t3rows) == ["xgbod", "devnet", "deepsad", "best-baseline", "mixann"]
    assert t3rows["devnet"]["vowels_n"] == "2" and t3rows["xgbod"]["vowels_f1"] == ""
    assert float(t3rows["mixann"]["vowels_paper_f1"]) == pytest.approx(0.98)

    t4 = (out / "table4.md").read_text()
    for label, paper in (("Random reward", "0.85/0.60/0.66"),
                         ("w/o Improvement Stimulation (Eq. 5)", "0.98/0.64/0.71"),
                         ("w/o Model Exploration (Eq. 6)", "0.98/0.71/0.79"),
                         ("Full MixAnN", "0.99/0.93/0.96")):
        line = next(ln for ln in t4.splitlines() if f"| {label} |" in ln)
        assert line.startswith("| knn | vowels |") and line.endswith(f"| 2 | {paper} |")
    with open(out / "table4.csv", newline="") as fh:
        assert [r["method"] for r in csv.DictReader(fh)] == [*ABLATIONS, "mixann"]

    report = (out / "report.md").read_text()
    assert "![Fig. 4: macro-F1 vs K](fig4_K.png)" in report
    assert NOT_RUN["fig4_eta"] in report and NOT_RUN["fig5"] in report
    for heading in ("## Table 2", "## Table 3", "## Table 4", "## Wilcoxon"):
        assert heading in report


def _fake_rows(db, rows):
    with ResultStore(db) as store:
        for dataset, classifier, method, seed, f1 in rows:
            store.record({"dataset": dataset, "classifier": classifier, "method": method,
                          "seed": seed, "budget": "quick", "status": "ok", "precision": f1,
                          "recall": f1, "f1": f1, "config": {}})


def test_report_with_only_table2_rows_says_what_is_not_run(tmp_path):
    db = tmp_path / "t2.sqlite"
    _fake_rows(db, [("vowels", "knn", m, s, f) for m, f in (("none", 0.8), ("mixann", 0.9))
                    for s in range(3)])
    paths = write_report(db, tmp_path / "out")
    assert set(paths) == {"md", "csv", "wilcoxon", "report", "margin_png", "margin_csv",
                          "timing_md", "timing_csv"}
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["margin.csv", "margin.png", "report.md", "table2.csv", "table2.md",
                     "timing.csv", "timing.md", "wilcoxon.md"]
    # These rows recorded no seconds: the timing table says so instead of inventing a number.
    assert "| knn | MixAnN | – + – | – + – |" in paths["timing_md"].read_text()
    report = paths["report"].read_text()
    assert "| knn | MixAnN |" in report
    for key in ("table3", "table4", "fig4_K", "fig4_eta", "fig5"):
        assert NOT_RUN[key] in report
    assert "not run: use `mixann bench --methods ablations ...`" in report


def test_timing_table_also_shows_datasets_with_only_sweep_cells(tmp_path):
    db = tmp_path / "t.sqlite"
    _fake_rows(db, [("vowels", "knn", m, 0, 0.8) for m in ("none", "mixann")]
               + [("satellite", "knn", "mixann[K=5]", 0, 0.7)])
    paths = write_report(db, tmp_path / "out")
    with open(paths["timing_csv"], newline="") as fh:
        header = next(csv.reader(fh))
    assert header[2:6] == ["vowels_resample", "satellite_resample", "vowels_fit", "satellite_fit"]
    assert "satellite" not in paths["csv"].read_text()  # Table 2 holds no sweep cell


def test_report_keeps_only_the_datasets_and_first_seeds_asked_for(tmp_path):
    # Seeds 0-4 give MixAnN 0.9 and none 0.8; seeds 5-9 give 0.6 and 0.7, so the mean over the
    # first five seeds (0.9 vs 0.8) and over all ten (0.75 vs 0.75) differ.
    db = tmp_path / "filter.sqlite"
    rows = [(ds, "knn", m, s, (f if s < 5 else g)) for ds in ("vowels", "smtp")
            for m, f, g in (("none", 0.8, 0.7), ("mixann", 0.9, 0.6)) for s in range(10)]
    _fake_rows(db, rows)

    def avg(paths, method):
        with open(paths["csv"], newline="") as fh:
            return {r["method"]: r for r in csv.DictReader(fh)}[method]

    everything = write_report(db, tmp_path / "all")
    assert float(avg(everything, "mixann")["avg_f1"]) == pytest.approx(0.75)
    first5 = write_report(db, tmp_path / "five", seeds=5, datasets=["vowels"])
    row = avg(first5, "mixann")
    assert float(row["avg_f1"]) == pytest.approx(0.9) and row["vowels_n"] == "5"
    assert "smtp_f1" not in row  # the dataset left out has no column
    assert "seeds per cell: 5" in first5["md"].read_text()
    with pytest.raises(ValueError, match=r"datasets \['cifar10'\] have no 'quick' results.*"
                                         r"choose from \['smtp', 'vowels'\]"):
        write_report(db, tmp_path / "bad", datasets=["vowels", "cifar10"])
    with pytest.raises(ValueError, match="seeds must be an integer >= 1"):
        write_report(db, tmp_path / "bad", seeds=0)
    with pytest.raises(ValueError, match="seeds must be an integer >= 1"):
        write_report(db, tmp_path / "bad", seeds=2.5)
    numpy_five = write_report(db, tmp_path / "np", seeds=np.int64(5), datasets=["vowels"])
    assert numpy_five["csv"].read_bytes() == first5["csv"].read_bytes()
    # More seeds than the database holds: refused, not a ten-seed table of ten (session 43).
    with pytest.raises(ValueError, match=r"seeds 0..11 asked for, but the 'quick' results in .* "
                                         r"hold seeds 0..9 only \(not 10..11\); run mixann bench "
                                         r"--seeds 12 to add"):
        write_report(db, tmp_path / "bad", seeds=12)


def test_report_first_seed_keeps_the_fresh_seeds_a_later_run_added(tmp_path):
    # Seeds 0-4 give MixAnN 0.9 and none 0.8; seeds 5-9 give 0.6 and 0.7: the report of the
    # later seeds alone reads 0.6, all ten 0.75 (session 57 extended a 15-seed database).
    db = tmp_path / "fresh.sqlite"
    _fake_rows(db, [("vowels", "knn", m, s, (f if s < 5 else g))
                    for m, f, g in (("none", 0.8, 0.7), ("mixann", 0.9, 0.6)) for s in range(10)])

    def mixann_row(paths):
        with open(paths["csv"], newline="") as fh:
            return {r["method"]: r for r in csv.DictReader(fh)}["mixann"]

    later = mixann_row(write_report(db, tmp_path / "later", first_seed=5))
    assert float(later["avg_f1"]) == pytest.approx(0.6) and later["vowels_n"] == "5"
    window = mixann_row(write_report(db, tmp_path / "window", first_seed=3, seeds=4))  # 3..6
    assert float(window["avg_f1"]) == pytest.approx((2 * 0.9 + 2 * 0.6) / 4)
    assert window["vowels_n"] == "4"
    with pytest.raises(ValueError, match=r"seeds 8..10 asked for, .* hold seeds 0..9 only "
                                         r"\(not 10\); run mixann bench --seeds 3 --first-seed 8"):
        write_report(db, tmp_path / "bad", first_seed=8, seeds=3)
    with pytest.raises(ValueError, match=r"seeds 10 and on asked for, .* hold seeds 0..9; lower "
                                         r"--first-seed"):
        write_report(db, tmp_path / "bad", first_seed=10)
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="first_seed must be an integer >= 0"):
            write_report(db, tmp_path / "bad", first_seed=bad)
    assert not (tmp_path / "bad").exists()  # nothing written for a refused window


def test_cli_report_filters_and_rejects_an_unknown_dataset(tmp_path):
    from mixann.cli import app

    db = tmp_path / "cli.sqlite"
    _fake_rows(db, [("vowels", "knn", m, s, f) for m, f in (("none", 0.8), ("mixann", 0.9))
                    for s in range(3)])
    res = CliRunner().invoke(app, ["report", "--db", str(db), "--out", str(tmp_path / "o"),
                                   "--datasets", "vowels", "--seeds", "2"])
    assert res.exit_code == 0, res.output
    assert "seeds per cell: 2" in (tmp_path / "o" / "table2.md").read_text()
    res = CliRunner().invoke(app, ["report", "--db", str(db), "--out", str(tmp_path / "p"),
                                   "--datasets", "vowels,smtp"])
    assert res.exit_code != 0 and "datasets ['smtp'] have no 'quick' results" in _flat(res.output)
    assert not (tmp_path / "p").exists()  # nothing written for a bad request


def test_table3_best_baseline_across_classifiers(tmp_path):
    db = tmp_path / "t3.sqlite"
    _fake_rows(db, [("vowels", "knn", "smote", 0, 0.7), ("vowels", "mlp", "adasyn", 0, 0.8),
                    ("vowels", "mlp", "none", 0, 0.95),  # w/o augmentation is no baseline here
                    ("vowels", "knn", "mixann", 0, 0.85), ("vowels", "mlp", "mixann", 0, 0.9),
                    ("vowels", "-", "xgbod", 0, 0.6)])
    paths = write_report(db, tmp_path / "out")
    with open(paths["table3_csv"], newline="") as fh:
        rows = {r["method"]: r for r in csv.DictReader(fh)}
    assert rows["best-baseline"]["vowels_via"] == "ADASYN, mlp"
    assert float(rows["best-baseline"]["vowels_f1"]) == pytest.approx(0.8)
    assert rows["mixann"]["vowels_via"] == "mlp" and rows["mixann"]["vowels_best"] == "True"
    assert float(rows["xgbod"]["delta_vs_mixann"]) == pytest.approx(-0.3)


def test_case_study_flag_draws_fig5_and_existing_one_is_embedded(tmp_path, monkeypatch):
    import numpy as np

    from mixann import datasets, plots

    db = tmp_path / "c.sqlite"
    _fake_rows(db, [("vowels", "knn", "mixann", 0, 0.9)])
    out = tmp_path / "out"

    def fake_case_study(path, X, y, **kwargs):
        assert X.shape == (4, 2)
        path.write_bytes(b"\x89PNG\r\n\x1a\n")

    monkeypatch.setattr(plots, "case_study", fake_case_study)
    monkeypatch.setattr(datasets, "load_toy2",
                        lambda path=None: (np.zeros((4, 2)), np.array([0, 0, 1, 1])))
    from mixann.cli import app

    res = CliRunner().invoke(app, ["report", "--db", str(db), "--out", str(out), "--case-study"])
    assert res.exit_code == 0, res.output
    assert (out / "fig5.png").is_file()
    assert "![Fig. 5: case study on toy2](fig5.png)" in (out / "report.md").read_text()

    # Without the flag an existing fig5.png is kept and embedded; without toy2 the flag says so.
    def missing(path=None):
        raise FileNotFoundError("toy2 case-study file not found at /nowhere")

    monkeypatch.setattr(datasets, "load_toy2", missing)
    paths = write_report(db, out)
    assert paths["fig5"] == out / "fig5.png"
    (out / "fig5.png").unlink()
    paths = write_report(db, out, case_study=True)
    assert "fig5" not in paths
    assert "not drawn: toy2 case-study file not found" in paths["report"].read_text()


def test_margin_summary_oracle_and_losses_hand_computed():
    """Best other by mean, the per-dataset best other (oracle), and each losing cell."""
    from mixann.bench.report import margin_summary

    def row(method, fa, fb):
        return {"classifier": "knn", "method": method,
                "cells": {"a": {"f1": fa, "f1_std": 0.01}, "b": {"f1": fb, "f1_std": 0.01}}}

    rows = [row("none", 0.5, 0.9), row("smote", 0.8, 0.7), row("mixann", 0.78, 0.95)]
    r = margin_summary(rows, ["a", "b"])[0]
    assert r["best"] == ("smote", pytest.approx(0.75))
    assert r["margin"] == pytest.approx(0.865 - 0.75)
    assert r["oracle"] == pytest.approx((0.8 + 0.9) / 2)
    assert r["goal_met"]
    assert len(r["losses"]) == 1 and r["losses"][0].startswith("a: MixAnN 0.780")
    # 0.05 below `none` with std 0.01 on b: the goal fails whatever the margin.
    rows[2] = row("mixann", 0.95, 0.85)
    assert not margin_summary(rows, ["a", "b"])[0]["goal_met"]


def test_margin_deltas_hand_computed():
    """Paired differences per dataset, their standard error, and the mean row."""
    import pandas as pd

    from mixann.bench.margins import margin_deltas

    f1 = {("mixann", "a"): [0.9, 0.8, 0.7], ("smote", "a"): [0.8, 0.8, 0.8],
          ("mixann", "b"): [0.5, 0.6], ("smote", "b"): [0.7, 0.5, 0.9],
          ("none", "a"): [0.1, 0.1, 0.1]}
    ok = pd.DataFrame([("knn", m, d, s, f) for (m, d), fs in f1.items()
                       for s, f in enumerate(fs)],
                      columns=["classifier", "method", "dataset", "seed", "f1"])
    out = margin_deltas(ok, {"knn": "smote"}, datasets=["b", "a", "c"]).set_index("dataset")
    assert list(out.index) == ["b", "a", "mean"]  # the order asked for; "c" has no rows
    # a: differences +0.1, 0, -0.1 -> mean 0, std 0.1, se 0.1 / sqrt(3).
    assert out.loc["a", "delta"] == pytest.approx(0.0)
    assert out.loc["a", "se"] == pytest.approx(0.1 / np.sqrt(3))
    assert (out.loc["a", "wins"], out.loc["a", "ties"], out.loc["a", "losses"]) == (1, 1, 1)
    # b: only seeds 0 and 1 are paired: -0.2 and +0.1.
    assert out.loc["b", "n"] == 2 and out.loc["b", "delta"] == pytest.approx(-0.05)
    assert out.loc["b", "se"] == pytest.approx(np.std([-0.2, 0.1], ddof=1) / np.sqrt(2))
    # The mean row: mean of the two datasets' deltas; se over the five pairs.
    assert out.loc["mean", "delta"] == pytest.approx(-0.025)
    assert out.loc["mean", "n"] == 5
    assert out.loc["mean", "se"] == pytest.approx(
        np.std([0.1, 0.0, -0.1, -0.2, 0.1], ddof=1) / np.sqrt(5))
    only_a = margin_deltas(ok, {"knn": "smote"}, datasets=["a"]).set_index("dataset")
    assert only_a.loc["mean", "n"] == 3  # a dataset left out is out of the mean too
    assert margin_deltas(ok, {"knn": "random"}).empty  # no such method: no rows
    assert margin_deltas(ok, {"knn": None}).empty


def test_report_reads_several_databases_and_refuses_a_cell_in_two(tmp_path):
    """One results file per classifier, reported together; a shared cell is an error."""
    from mixann.cli import app

    knn, xgb = tmp_path / "knn.sqlite", tmp_path / "xgb.sqlite"
    _fake_rows(knn, [("vowels", "knn", m, s, f) for m, f in (("none", 0.8), ("mixann", 0.9))
                     for s in range(3)])
    _fake_rows(xgb, [("vowels", "xgboost", m, s, f) for m, f in (("none", 0.95),
                                                                    ("mixann", 0.9))
                     for s in range(3)])
    paths = write_report([knn, xgb], tmp_path / "both")
    with open(paths["margin_csv"], newline="") as fh:
        means = {r["classifier"]: float(r["delta"]) for r in csv.DictReader(fh)
                 if r["dataset"] == "mean"}
    assert means == {"knn": pytest.approx(0.1), "xgboost": pytest.approx(-0.05)}
    assert _png_size(paths["margin_png"])[0] > 0
    assert "![MixAnN minus the best other method" in paths["report"].read_text()
    res = CliRunner().invoke(app, ["report", "--db", str(knn), "--db", str(xgb),
                                   "--out", str(tmp_path / "cli")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "cli" / "margin.csv").read_bytes() == paths["margin_csv"].read_bytes()
    out = _flat(res.output)  # the verdict is printed, one line per classifier
    assert "knn w/o Augmentation +0.100 0.000 3 3/0/0 yes" in out
    assert "xgboost w/o Augmentation -0.050 0.000 3 0/0/3 no" in out

    again = tmp_path / "again.sqlite"
    _fake_rows(again, [("vowels", "knn", "none", 1, 0.5)])
    with pytest.raises(ValueError, match=r"vowels / knn / none / seed 1 / quick is in more "
                                         r"than one database"):
        write_report([knn, again], tmp_path / "bad")
    res = CliRunner().invoke(app, ["report", "--db", str(knn), "--db", str(again),
                                   "--out", str(tmp_path / "bad")])
    assert res.exit_code != 0 and "more than one database" in _flat(res.output)
    res = CliRunner().invoke(app, ["report", "--db", str(knn), "--db",
                                   str(tmp_path / "missing.sqlite")])
    assert res.exit_code != 0 and "no results database at" in _flat(res.output)
