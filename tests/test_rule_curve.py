"""benchmarks/rule_curve.py: a rule against the choice per anomaly count, on hand-made records."""

from __future__ import annotations

import json

import pytest

from conftest import load_benchmark


@pytest.fixture(scope="module")
def rule_curve():
    return load_benchmark("rule_curve")


def cell(dataset, f1_choice, f1_balance, seed=0):
    # The folds' scores pick boundary at 0.2 (0.9); balance is spread at volume 1.0.
    return {"dataset": dataset, "seed": seed, "rules": {}, "picks": {}, "candidates": [
        {"kind": None, "volume": 0.0, "score": 0.5, "se": 0.01, "f1": 0.5},
        {"kind": "boundary", "volume": 0.2, "score": 0.9, "se": 0.01, "f1": f1_choice},
        {"kind": "spread", "volume": 1.0, "score": 0.6, "se": 0.01, "f1": f1_balance}]}


EIGHT = [cell("a", 0.7, 0.8), cell("a", 0.7, 0.7, seed=1), cell("b", 0.6, 0.5),
         cell("b", 0.6, 0.9, seed=1)]
TWELVE = [cell("c", 0.9, 0.7), cell("c", 0.9, 0.8, seed=1)]


def test_parse_point_reads_count_and_file_and_refuses_the_rest(rule_curve):
    assert rule_curve.parse_point("16=t20_mlp.jsonl") == (16, "t20_mlp.jsonl")
    for bad in ["t20.jsonl", "x=t20.jsonl", "0=t20.jsonl", "12=", "1.5=a.jsonl"]:
        with pytest.raises(ValueError, match="N=FILE"):
            rule_curve.parse_point(bad)


def test_curve_pairs_the_replayed_rule_with_best_per_group(rule_curve):
    rows = rule_curve.curve([(12, TWELVE), (8, EIGHT)], "balance")
    assert [r["count"] for r in rows] == [8, 12]  # sorted by the anomaly count
    eight, twelve = rows
    # diffs +0.1, 0, -0.1, +0.3: dataset means a 0.05, b 0.1 -> 0.075; the std over cells
    # is sqrt(0.0875 / 3) = 0.17078, over sqrt(4) -> 0.08539.
    assert eight["cells"] == 4 and eight["datasets"] == 2 and eight["wtl"] == (2, 1, 1)
    assert eight["diff"] == pytest.approx(0.075) and eight["se"] == pytest.approx(0.0853913)
    # diffs -0.2, -0.1: mean -0.15, std 0.070711 / sqrt(2) = 0.05.
    assert twelve["diff"] == pytest.approx(-0.15) and twelve["se"] == pytest.approx(0.05)
    assert twelve["wtl"] == (0, 0, 2)
    text = rule_curve.table(rows, "balance")
    assert "+0.0750 ± 0.0854  2/1/1" in text and "-0.1500 ± 0.0500  0/0/2" in text


def test_curve_names_the_group_where_the_rule_cannot_be_replayed(rule_curve):
    no_balance = [{**c, "candidates": c["candidates"][:2]} for c in TWELVE]
    with pytest.raises(ValueError, match="'balance' cannot be replayed in 2 of 2 records at 12"):
        rule_curve.curve([(8, EIGHT), (12, no_balance)], "balance")


def test_main_prints_the_table_and_writes_the_figure(rule_curve, tmp_path, capsys):
    paths = {}
    for name, records in [("t10", EIGHT), ("t15", TWELVE)]:
        paths[name] = tmp_path / f"{name}.jsonl"
        paths[name].write_text("".join(json.dumps(r) + "\n" for r in records))
    png = tmp_path / "bar.png"
    rule_curve.main(["--rule", "balance", "--point", f"8={paths['t10']}",
                     "--point", f"12={paths['t15']}", "--plot", str(png), "--bar", "8"])
    out = capsys.readouterr().out
    assert "+0.0750 ± 0.0854  2/1/1" in out and f"wrote {png}" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for argv, message in [([f"8={paths['t10']}"], "two or more"),
                          ([f"8={paths['t10']}", "12=nowhere.jsonl"], "no such file"),
                          ([f"8={paths['t10']}", f"8={paths['t15']}"], "the same N"),
                          ([f"8={paths['t10']}", "twelve=x"], "N=FILE")]:
        with pytest.raises(SystemExit):
            rule_curve.main([a for p in argv for a in ("--point", p)])
        assert message in capsys.readouterr().err
    with pytest.raises(SystemExit):
        rule_curve.main(["--rule", "nonesuch", "--point", f"8={paths['t10']}",
                         "--point", f"12={paths['t15']}"])
    assert "cannot be replayed" in capsys.readouterr().err


def test_doctests(rule_curve):
    import doctest

    result = doctest.testmod(rule_curve)
    assert result.attempted > 0 and result.failed == 0
