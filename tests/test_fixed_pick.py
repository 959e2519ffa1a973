"""benchmarks/fixed_pick.py: one fixed candidate against the default's choice (row 87)."""

from __future__ import annotations

import doctest
import json

import pytest

from conftest import load_benchmark


def _record(dataset, seed, cands, baseline=None):
    rec = {"dataset": dataset, "seed": seed,
           "candidates": [{"kind": k, "volume": v, "score": s, "se": 0.01, "f1": f}
                          for k, v, s, f in cands]}
    if baseline is not None:
        rec["baseline"] = {"method": "mixboost", "f1": baseline}
    return rec


def test_fixed_pick_doctests():
    result = doctest.testmod(load_benchmark("fixed_pick"))
    assert result.failed == 0 and result.attempted > 0


def test_pick_is_paired_with_the_default_rule_replayed_among_its_kinds(tmp_path, capsys):
    module = load_benchmark("fixed_pick")
    # In both cells the extra kind scores best out of fold, so the rule among all kinds would
    # take it; among the default kinds the rule takes spread (cell 0) or no augmentation (1).
    records = [
        _record("a", 0, [(None, 0.0, 0.5, 0.60), ("spread", 0.5, 0.7, 0.70),
                         ("beta-mix", 0.5, 0.9, 0.90), ("beta-mix", 0.0123, 0.95, 0.1)], 0.8),
        _record("a", 1, [(None, 0.0, 0.8, 0.50), ("spread", 0.5, 0.7, 0.90),
                         ("beta-mix", 0.5, 0.9, 0.70)], 0.6),
    ]
    rows = module.cell_rows(records)
    assert [r["best"] for r in rows] == [0.70, 0.50]
    # A minority-count volume (0.0123) is no fixed candidate.
    assert set(rows[0]["fixed"]) == {("spread", 0.5), ("beta-mix", 0.5)}
    assert module.best_fixed(rows)[0] == (("beta-mix", 0.5), pytest.approx(0.80))
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    module.main([str(path), "--pick", "beta-mix:0.5"])
    out = capsys.readouterr().out
    # (0.90 - 0.70 + 0.70 - 0.50) / 2 = +0.2 over the rule; (0.1 + 0.1) / 2 over the baseline.
    assert "PICK beta-mix:0.5: 0.800, minus the default rule +0.2000 (0.0000), 2 / 0 / 0" in out
    assert "minus the baseline +0.1000" in out
    with pytest.raises(SystemExit):  # not a candidate of every record: argparse says so
        module.main([str(path), "--pick", "swap:0.5"])
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(SystemExit):
        module.main([str(empty)])


def test_rule_that_is_a_fixed_candidate_is_the_base(tmp_path, capsys):
    module = load_benchmark("fixed_pick")
    # The MLP's balance is spread at 1.0 of the gap: --rule pairs the pick against it, not
    # against the out-of-fold choice (which takes spread at 0.5 in both cells here).
    records = [
        _record("a", 0, [(None, 0.0, 0.5, 0.60), ("spread", 0.5, 0.9, 0.70),
                         ("spread", 1.0, 0.6, 0.50), ("swap", 0.2, 0.7, 0.80)]),
        _record("b", 0, [(None, 0.0, 0.5, 0.60), ("spread", 0.5, 0.9, 0.90),
                         ("spread", 1.0, 0.6, 0.70), ("swap", 0.2, 0.7, 0.70)]),
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    module.main([str(path), "--rule", "spread:1", "--pick", "swap:0.2", "--kinds", "spread"])
    out = capsys.readouterr().out
    assert "2 cells; the fixed spread:1: 0.600" in out
    # (0.80 - 0.50 + 0.70 - 0.70) / 2 = +0.15 over balance; over the choice it would be -0.05.
    assert "PICK swap:0.2: 0.750, minus spread:1 +0.1500" in out
    assert "1 / 1 / 0" in out
    assert "  a: pick 0.800, spread:1 0.500" in out
    for bad in ("spread", "swap:0.5", "spread:x"):
        with pytest.raises(SystemExit):  # malformed or not a candidate: argparse says so
            module.main([str(path), "--rule", bad])
