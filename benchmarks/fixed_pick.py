"""One fixed candidate for every cell, against the default's choice: read from ``choice_ceiling.py`` records.

``choice_ceiling.py`` keeps, for every (dataset, seed) cell, each candidate's out-of-fold score
and its test F1 on the same samples. A rule with no search (the MLP's ``balance``, XGBoost's
``beta-mix``, docs/quality.md rows 77 and 87) returns one fixed (kind, volume) in every cell;
this script asks which fixed candidate would have scored best over a file of records (to pick
one on development sets) and how one given pick compares, cell by cell, with the default rule
(``mixann.selection.choose``) replayed among the default's kinds only (to test it on fresh
sets). Only volumes that are shares of the class gap (``--shares``) are fixed candidates:
the minority-count volumes mean other shares on every dataset. Usage (session 59, row 87)::

    python benchmarks/fixed_pick.py dev_xgb.jsonl                       # the best fixed picks
    python benchmarks/fixed_pick.py fresh_xgb.jsonl --pick beta-mix:0.5  # the written test

A rule that is itself a fixed candidate (the MLP's ``balance`` is ``spread`` at 1.0 of the gap)
is paired against with ``--rule spread:1`` (session 61, row 91).

``--with-baseline`` records (``choice_ceiling.py --with-baseline mixboost``) also report that
baseline's cells.
"""

from __future__ import annotations

import argparse

import numpy as np

from choice_ceiling import keyed, paired, read_records, scored  # the records' own helpers
from mixann.defaults import DEFAULT_VOLUMES
from mixann.selection import choose

#: The default rule's kinds unless ``--kinds`` says otherwise: XGBoost's as row 87 tested
#: against (row 89 has since added ``beta-mix``, the kind row 87 picked; its own candidates
#: would compete with the pick). Today's: ``--kinds`` with ``mixann.defaults.default_mix_kinds``.
DEFAULT_KINDS = ("boundary", "spread", "swap", "spread-off-majority")
#: The fixed candidates' volumes: the default preset's positive shares of the class gap.
SHARES = tuple(v for v in DEFAULT_VOLUMES if v > 0)


def cell_rows(records, kinds=DEFAULT_KINDS, shares=SHARES):
    """Per record: the default rule's test F1 among ``kinds`` (and no augmentation), every fixed
    candidate's test F1 (``{(kind, share): f1}``) and the baseline's, if recorded.

    Examples
    --------
    >>> rec = {"dataset": "d", "seed": 0, "candidates": [
    ...     {"kind": None, "volume": 0.0, "score": 0.5, "se": 0.1, "f1": 0.6},
    ...     {"kind": "spread", "volume": 0.5, "score": 0.7, "se": 0.1, "f1": 0.7},
    ...     {"kind": "beta-mix", "volume": 0.5, "score": 0.9, "se": 0.1, "f1": 0.8}]}
    >>> row = cell_rows([rec], kinds=("spread",), shares=(0.5,))[0]
    >>> row["best"], row["fixed"][("beta-mix", 0.5)], row["baseline"]
    (0.7, 0.8, None)
    """
    rows = []
    for record in records:
        default = [c for c in record["candidates"] if c["kind"] is None or c["kind"] in kinds]
        f1 = keyed(record["candidates"], "f1")
        fixed = {k: v for k, v in f1.items()
                 if k[0] is not None and any(abs(k[1] - s) < 1e-12 for s in shares)}
        rows.append({"dataset": record["dataset"], "seed": record["seed"],
                     "best": f1[choose(scored(default))], "fixed": fixed,
                     "baseline": (record.get("baseline") or {}).get("f1")})
    return rows


def fixed_as_rule(rows, key):
    """The rows with ``best`` replaced by the fixed candidate ``key`` (``(kind, share)``): a rule
    without search, such as the MLP's ``balance`` (``("spread", 1.0)``), as the base to pair with.

    Examples
    --------
    >>> rows = [{"best": 0.7, "fixed": {("spread", 1.0): 0.6, ("swap", 0.2): 0.8}}]
    >>> fixed_as_rule(rows, ("spread", 1.0))[0]["best"]
    0.6
    """
    return [dict(r, best=r["fixed"][key]) for r in rows]


def parse_pick(text):
    """``"kind:share"`` as a fixed candidate's key, ``(kind, share)``; None when malformed.

    Examples
    --------
    >>> parse_pick("beta-mix:0.5"), parse_pick("spread"), parse_pick("swap:x")
    (('beta-mix', 0.5), None, None)
    """
    kind, _, share = text.rpartition(":")
    try:
        return (kind, float(share)) if kind else None
    except ValueError:
        return None


def against(rows, values, base="best"):
    """``values`` (one per row) minus the rows' ``base`` (``"best"`` or ``"baseline"``), as
    :func:`choice_ceiling.paired` counts it: (mean, standard error, wins / ties / losses)."""
    cells = [{"dataset": r["dataset"], "rules": {"value": v, base: r[base]}}
             for r, v in zip(rows, values)]
    return paired(cells, "value", base)


def best_fixed(rows, top=10):
    """The ``top`` fixed candidates held by every row, by mean test F1 (highest first)."""
    common = set.intersection(*(set(r["fixed"]) for r in rows))
    means = {k: float(np.mean([r["fixed"][k] for r in rows])) for k in common}
    return sorted(means.items(), key=lambda kv: (-kv[1], str(kv[0])))[:top]


def main(argv=None):
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("records", help="a choice_ceiling.py --out file (JSON lines)")
    parser.add_argument("--pick", default=None, metavar="KIND:SHARE",
                        help="a fixed candidate to pair against the default rule, e.g. "
                        "beta-mix:0.5")
    parser.add_argument("--kinds", default=",".join(DEFAULT_KINDS),
                        help="the default rule's kinds (default: XGBoost's four before "
                        "row 89, i.e. without beta-mix)")
    parser.add_argument("--rule", default=None, metavar="KIND:SHARE",
                        help="pair against this fixed candidate instead of the default rule "
                        "replayed, e.g. spread:1 (the MLP's balance)")
    parser.add_argument("--top", type=int, default=10, help="fixed candidates listed")
    args = parser.parse_args(argv)
    records = read_records(args.records)
    if not records:
        parser.error(f"{args.records} holds no records")
    rows = cell_rows(records, kinds=tuple(args.kinds.split(",")))

    def candidate(flag, text):  # --rule and --pick name a fixed candidate of every record
        key = parse_pick(text)
        if key is None or any(key not in r["fixed"] for r in rows):
            parser.error(f"{flag} {text!r} is not a fixed candidate (kind:share) of every record")
        return key

    if args.rule:
        rows = fixed_as_rule(rows, candidate("--rule", args.rule))
    rule = f"the fixed {args.rule}" if args.rule else f"the default rule among {args.kinds}"
    base = args.rule or "the default rule"  # what every difference below is taken against
    has_baseline = all(r["baseline"] is not None for r in rows)
    print(f"{len(rows)} cells; {rule}: "
          f"{np.mean([r['best'] for r in rows]):.3f}")
    if has_baseline:
        print(f"baseline: {np.mean([r['baseline'] for r in rows]):.3f}")
    print(f"fixed candidate                 mean   minus {base} (SE), W / T / L")
    for (kind, share), mean in best_fixed(rows, args.top):
        d, se, (w, t, lo) = against(rows, [r["fixed"][(kind, share)] for r in rows])
        print(f"{kind + ' at ' + format(share, 'g'):30s} {mean:.3f}  {d:+.3f} ({se:.3f}), "
              f"{w} / {t} / {lo}")
    if args.pick:
        key = candidate("--pick", args.pick)
        picked = [r["fixed"][key] for r in rows]
        d, se, (w, t, lo) = against(rows, picked)
        print(f"PICK {args.pick}: {np.mean(picked):.3f}, minus {base} {d:+.4f} "
              f"({se:.4f}), {w} / {t} / {lo}")
        if has_baseline:
            d, se, (w, t, lo) = against(rows, picked, "baseline")
            print(f"PICK {args.pick} minus the baseline {d:+.4f} ({se:.4f}), {w} / {t} / {lo}")
        for dataset in dict.fromkeys(r["dataset"] for r in rows):  # in the records' order
            mine = [(v, r["best"]) for r, v in zip(rows, picked) if r["dataset"] == dataset]
            pick_mean, best_mean = np.mean(mine, axis=0)
            print(f"  {dataset}: pick {pick_mean:.3f}, {base} {best_mean:.3f}")


if __name__ == "__main__":
    main()
