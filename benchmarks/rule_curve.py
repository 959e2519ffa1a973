"""A choosing rule against the default's choice, as the minority grows: one point per file.

Each ``choice_ceiling.py --out`` file holds one group of cells with the same number of
anomalies in train + validation (e.g. the seven ``--tiny`` tables cut to N anomalies by
``adbench_heldout.py --tiny-anomalies N``). For each file this prints the rule's test F1 minus
``best``'s on the same samples (mean over datasets ± standard error over cells, wins / ties /
losses, as ``choice_ceiling.py --summarise`` prints it) and, with ``--plot``, draws the points
against the anomaly count with their standard errors: where a fixed rule stops beating the
folds' choice is then one look. Every record is replayed from its candidates
(``choice_ceiling.replay_rules``), so files written before a rule was recorded count too.

Reads records only; it fits nothing and reads no data set. The MLP's balance bar (rows 77,
78, 80, 81 of ``docs/quality.md``)::

    python benchmarks/rule_curve.py --rule balance --bar 12 \
      --point 8=tiny7_mlp.jsonl --point 12=t15_mlp.jsonl \
      --point 16=t20_mlp.jsonl --point 20=t25_mlp.jsonl \
      --plot docs/figures/mlp_balance_bar.png
"""

from __future__ import annotations

import argparse
from pathlib import Path

# A sibling script: `python benchmarks/rule_curve.py` puts this folder first on sys.path.
from choice_ceiling import paired, read_records, replay_rules


def parse_point(text):
    """``"N=FILE"`` as ``(N, FILE)``; N is the anomaly count in train + validation.

    Examples
    --------
    >>> parse_point("12=t15_mlp.jsonl")
    (12, 't15_mlp.jsonl')
    """
    count, sep, path = text.partition("=")
    try:
        n = int(count)
    except ValueError:
        n = None
    if not sep or not path or n is None or n < 1:
        raise ValueError(f"--point takes N=FILE with N the anomalies in train + validation "
                         f"(a positive whole number), e.g. 12=t15_mlp.jsonl; got {text!r}")
    return n, path


def curve(groups, rule):
    """One row per ``(count, records)`` group: the replayed ``rule`` minus ``best``.

    Returns dicts with ``count``, ``cells``, ``datasets``, ``diff`` (mean over datasets),
    ``se`` (over cells) and ``wtl``, sorted by count. A rule no record's candidates allow
    (``balance`` needs ``spread`` at volume 1.0) raises a ``ValueError`` naming the count.
    """
    rows = []
    for count, records in sorted(groups, key=lambda g: g[0]):
        replayed = [replay_rules(r) for r in records]
        missing = sum(rule not in r["rules"] for r in replayed)
        if missing:
            known = sorted({k for r in replayed for k in r["rules"]})
            raise ValueError(f"rule {rule!r} cannot be replayed in {missing} of {len(replayed)} "
                             f"records at {count} anomalies; the records' rules: "
                             f"{', '.join(known)}")
        diff, se, wtl = paired(replayed, rule)
        rows.append({"count": count, "cells": len(replayed),
                     "datasets": len({r["dataset"] for r in replayed}),
                     "diff": diff, "se": se, "wtl": wtl})
    return rows


def table(rows, rule):
    """Text table of :func:`curve`'s rows."""
    lines = [f"`{rule}` minus `best`, same samples (mean over datasets ± standard error over "
             "cells, wins/ties/losses):",
             "anomalies in train + validation  cells  datasets  difference"]
    for row in rows:
        w, t, l = row["wtl"]
        lines.append(f"{row['count']:>31}  {row['cells']:>5}  {row['datasets']:>8}  "
                     f"{row['diff']:+.4f} ± {row['se']:.4f}  {w}/{t}/{l}")
    return "\n".join(lines)


def plot(rows, rule, out, bar=None):
    """Points with one-standard-error bars against the anomaly count; ``bar``: a dashed line."""
    import matplotlib

    matplotlib.use("Agg")  # files only; works without a display
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    counts = [r["count"] for r in rows]
    ax.axhline(0.0, color="grey", linewidth=0.8)
    ax.errorbar(counts, [r["diff"] for r in rows], yerr=[r["se"] for r in rows], fmt="o-",
                color="#c0392b", capsize=4)
    if bar is not None:
        ax.axvline(bar + 0.5, color="#3b6db3", linestyle="--", linewidth=1,
                   label=f"bar: {rule} up to {bar}")
        ax.legend(loc="best", fontsize=8)
    ax.set_xticks(counts)
    ax.set_xlabel("anomalies in train + validation")
    ax.set_ylabel(f"test macro-F1: {rule} minus choice")
    ax.set_title(f"{rule} against the folds' choice (± 1 SE)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--rule", default="balance",
                        help="a rule choice_ceiling replays (balance, best-larger, one-se, ...)")
    parser.add_argument("--point", action="append", default=[], metavar="N=FILE",
                        help="a choice_ceiling --out file whose cells hold N anomalies in "
                             "train + validation; give two or more")
    parser.add_argument("--plot", default=None, help="write the figure here (PNG)")
    parser.add_argument("--bar", type=int, default=None,
                        help="with --plot: mark the rule's bar (the largest count it applies to)")
    args = parser.parse_args(argv)
    if len(args.point) < 2:
        parser.error("give two or more --point N=FILE, e.g. --point 8=a.jsonl --point 12=b.jsonl")
    groups = []
    for text in args.point:
        try:
            count, path = parse_point(text)
        except ValueError as error:
            parser.error(str(error))
        if not Path(path).is_file():
            parser.error(f"no such file: {path} (write it with choice_ceiling.py --out)")
        try:
            groups.append((count, read_records(path)))
        except ValueError as error:  # a cell stored twice: say so instead of a traceback
            parser.error(str(error))
    if len({c for c, _ in groups}) < len(groups):
        parser.error("two --point give the same N; put those cells in one file")
    try:
        rows = curve(groups, args.rule)
    except ValueError as error:
        parser.error(str(error))
    print(table(rows, args.rule))
    if args.plot:
        plot(rows, args.rule, args.plot, bar=args.bar)
        print(f"wrote {args.plot}")


if __name__ == "__main__":
    main()
