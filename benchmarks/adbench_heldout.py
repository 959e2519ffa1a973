"""Rebuild seven ADBench datasets that are not in ``shared/`` from their public sources, offline.

Issue 6 says the defaults "will also be measured on ADBench datasets that are not in shared/".
ADBench's own files cannot be downloaded here (no network but the package registries), but
seven of its Classical datasets are built from UCI tables that reach this machine another way:
five from the R package mlbench (Debian's ``r-cran-mlbench``, read with ``pyreadr``; R itself
is not needed) and two from scikit-learn's bundled data. Each is built as ODDS / ADBench
describe it, so rows, features and anomalies match ADBench's Table 1:

==============  ======  ========  =========  ==================================================
file            rows    features  anomalies  anomaly class (the rest is normal)
==============  ======  ========  =========  ==================================================
4_breastw       683     9         239        malignant (rows with a missing value dropped)
14_glass        214     9         9          type 6, tableware
18_Ionosphere   351     33        126        "bad" radar returns (the constant V2 dropped)
29_Pima         768     8         268        diabetic
32_shuttle      49097   9         3511       classes 2, 3, 5, 6, 7 (class 4, "High", dropped)
43_WDBC         367     30        10         malignant, 10 drawn of 212
45_wine         129     13        10         cultivar 1, 10 drawn of 59
==============  ======  ========  =========  ==================================================

The two draws (WDBC, wine) use ``numpy.random.default_rng(123)``, so their rows are not
ADBench's own ten, but the files are the same bytes on every run. No lever of issue 6 was ever
measured on any of these, so they are a held-out check of the defaults as they stand. Usage::

    apt-get download r-cran-mlbench && dpkg-deb -x r-cran-mlbench_*.deb mlbench-deb
    pip install pyreadr   # or pip install -e ".[heldout]"
    python benchmarks/adbench_heldout.py \
        --mlbench mlbench-deb/usr/lib/R/site-library/mlbench/data --out adbench-heldout
    mixann bench --datasets 4_breastw,14_glass,18_Ionosphere,29_Pima,43_WDBC,45_wine \
        --data-dir adbench-heldout --classifiers knn,xgboost --methods all --seeds 5 \
        --budget paper --jobs 2 --db adbench_heldout.sqlite

``--tiny`` also writes seven sets that are *not* ADBench's, from mlbench tables no session had
used, each with one class cut to 10 anomalies (``numpy.random.default_rng(123)``), for testing
choosing rules where the minority is tiny. Session 37's three (row 75): ``sonar10`` (97 rocks,
10 mines, 60 features), ``vehicle10`` (647 other vehicles, 10 vans, 18 features) and
``vowel10`` (900 other vowels, 10 of "hid", 9 features; the speaker column V1 dropped).
Session 38's four (row 76): ``dna10`` (2,419 "ie" and "n" splice sites, 10 "ei", 180 binary
features), ``soybean10`` (470 other diseases, 10 "brown-spot", 35 features; rows with a
missing value dropped), ``votes10`` (124 democrats, 10 republicans, 16 votes as y = 1, n = 0;
rows with a missing vote dropped) and ``letter10`` (2,000 rows drawn of the other letters, 10
"A", 16 features). ``--tiny-anomalies N`` cuts the same seven tables to ``N`` anomalies instead
(``sonar25``, ...; session 39's row 78 used 25: 20 in train + validation, 5 in test).
``--tiny-fresh`` (session 59, row 87) cuts *another* class of the same seven tables, from its own
``default_rng(59)`` stream: ``sonar_rock10`` (111 mines, 10 rocks), ``vehicle_bus10`` (628
other vehicles, 10 buses), ``vowel_hed10`` (900 other vowels, 10 of "hEd"), ``dna_ie10`` (2,421
"ei" and "n", 10 "ie"), ``soybean_leafspot10`` (471 other diseases, 10 "alternarialeaf-spot"),
``votes_democrat10`` (108 republicans, 10 democrats) and ``letter_b10`` (2,000 other letters, 10
"B"): sets on which to test a rule chosen on the ``--tiny`` sets.

With R and mlbench installed, ``--mlbench`` is ``$(Rscript -e 'cat(system.file("data",
package="mlbench"))')``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NamedTuple

import numpy as np
from sklearn.datasets import load_breast_cancer, load_wine

#: ADBench file stem -> (rows, features, anomalies) of ADBench's Table 1, checked on writing.
EXPECTED = {
    "4_breastw": (683, 9, 239),
    "14_glass": (214, 9, 9),
    "18_Ionosphere": (351, 33, 126),
    "29_Pima": (768, 8, 268),
    "32_shuttle": (49097, 9, 3511),
    "43_WDBC": (367, 30, 10),
    "45_wine": (129, 13, 10),
}

#: mlbench table read for each file built from it.
MLBENCH_TABLES = {
    "4_breastw": "BreastCancer",
    "14_glass": "Glass",
    "18_Ionosphere": "Ionosphere",
    "29_Pima": "PimaIndiansDiabetes",
    "32_shuttle": "Shuttle",
}


def _numeric(frame):
    """Every column as float; R factors of numbers ("1".."10", "0"/"1") become those numbers."""
    return np.column_stack([np.asarray(frame[c].astype(str).astype(float)) for c in frame.columns])


def _labelled(frame, target, anomaly_of):
    """(X, y) from an R table: ``target`` is the class column, ``anomaly_of(cls)`` -> 0/1/None
    (None drops the row)."""
    labels = frame[target].astype(str).map(anomaly_of)
    keep = labels.notna().to_numpy()
    features = frame.drop(columns=[target])[keep]
    return _numeric(features), labels[keep].to_numpy().astype(int)


def breastw(frame):
    """mlbench ``BreastCancer`` -> ADBench ``breastw``: nine cytology scores, malignant = 1."""
    frame = frame.drop(columns=["Id"]).dropna()
    return _labelled(frame, "Class", lambda c: int(c == "malignant"))


def glass(frame):
    """mlbench ``Glass`` -> ADBench ``glass``: type 6 (tableware) = 1."""
    return _labelled(frame, "Type", lambda c: int(c == "6"))


def ionosphere(frame):
    """mlbench ``Ionosphere`` -> ADBench ``Ionosphere``: "bad" = 1; V2 (always 0) dropped."""
    return _labelled(frame.drop(columns=["V2"]), "Class", lambda c: int(c == "bad"))


def pima(frame):
    """mlbench ``PimaIndiansDiabetes`` -> ADBench ``Pima``: diabetic = 1."""
    return _labelled(frame, "diabetes", lambda c: int(c == "pos"))


def shuttle(frame):
    """mlbench ``Shuttle`` (train and test, 58,000 rows) -> ODDS / ADBench ``shuttle``:
    Rad.Flow (class 1) = 0, High (class 4) dropped, the five smallest classes = 1."""
    return _labelled(frame, "Class",
                     lambda c: None if c == "High" else int(c != "Rad.Flow"))


def _downsampled(X, y, anomaly, n_anomalies, rng, n_normal=None):
    """The rows whose class is not ``anomaly`` (label 0; all of them, or ``n_normal`` drawn)
    and ``n_anomalies`` drawn of it (1)."""
    normal = np.flatnonzero(y != anomaly)
    if n_normal is not None:
        normal = np.sort(rng.choice(normal, n_normal, replace=False))
    drawn = rng.choice(np.flatnonzero(y == anomaly), n_anomalies, replace=False)
    rows = np.concatenate([normal, np.sort(drawn)])
    return X[rows].astype(float), (y[rows] == anomaly).astype(int)


BUILDERS = {"4_breastw": breastw, "14_glass": glass, "18_Ionosphere": ionosphere,
            "29_Pima": pima, "32_shuttle": shuttle}


def from_sklearn(seed=123):
    """ADBench ``WDBC`` and ``wine`` from scikit-learn's bundled tables (no download)."""
    rng = np.random.default_rng(seed)
    X, y = load_breast_cancer(return_X_y=True)  # target 0 = malignant
    wdbc = _downsampled(X, y, anomaly=0, n_anomalies=10, rng=rng)
    X, y = load_wine(return_X_y=True)  # target 0 = UCI's cultivar 1
    wine = _downsampled(X, y, anomaly=0, n_anomalies=10, rng=rng)
    return {"43_WDBC": wdbc, "45_wine": wine}


def read_mlbench(folder, tables):
    """``{name: DataFrame}`` of mlbench's ``tables``, from its ``data`` folder of ``.rda``
    files."""
    try:
        import pyreadr
    except ImportError as error:
        raise SystemExit("reading mlbench's .rda files needs pyreadr: pip install pyreadr "
                         "(or pip install -e '.[heldout]')") from error
    folder = Path(folder)
    frames = {}
    for table in tables:
        path = folder / f"{table}.rda"
        if not path.is_file():
            raise SystemExit(f"{path} not found: --mlbench must be mlbench's data folder "
                             "(see this script's docstring for how to get it)")
        frames[table] = pyreadr.read_r(str(path))[table]
    return frames


def from_mlbench(folder):
    """The five mlbench-built ADBench datasets, from mlbench's ``data`` folder."""
    frames = read_mlbench(folder, MLBENCH_TABLES.values())
    return {stem: BUILDERS[stem](frames[table]) for stem, table in MLBENCH_TABLES.items()}


class TinySet(NamedTuple):
    """How one ``--tiny`` set is cut from an mlbench table."""

    table: str  # mlbench table
    target: str  # its class column
    anomaly: str  # the class cut to a few anomalies; every other class is normal
    dropped: tuple = ()  # columns left out
    drop_missing: bool = False  # rows with a missing value dropped first (as for breastw)
    codes: dict | None = None  # factor levels that are not numbers, mapped to numbers
    n_normal: int | None = None  # normal rows drawn (None: all of them)


#: ``--tiny`` sets by stem (the file is the stem and the anomaly count: ``sonar10``), drawn in
#: this order from one ``default_rng(123)`` stream: the first three are session 37's (row 75),
#: the other four session 38's (row 76), so adding them left the first three's bytes as they were.
TINY = {
    "sonar": TinySet("Sonar", "Class", "M"),
    "vehicle": TinySet("Vehicle", "Class", "van"),
    "vowel": TinySet("Vowel", "Class", "hid", dropped=("V1",)),
    "dna": TinySet("DNA", "Class", "ei"),
    "soybean": TinySet("Soybean", "Class", "brown-spot", drop_missing=True),
    "votes": TinySet("HouseVotes84", "Class", "republican", drop_missing=True,
                     codes={"n": 0, "y": 1}),
    "letter": TinySet("LetterRecognition", "lettr", "A", n_normal=2000),
}

#: ``--tiny-fresh`` sets (session 59, row 87): the same seven tables with *another* class cut to
#: a few anomalies, drawn from their own ``default_rng(59)`` stream, so no rule chosen on the
#: ``--tiny`` sets has seen their anomalies (the ``--tiny`` files keep their bytes).
TINY_FRESH = {
    "sonar_rock": TinySet("Sonar", "Class", "R"),
    "vehicle_bus": TinySet("Vehicle", "Class", "bus"),
    "vowel_hed": TinySet("Vowel", "Class", "hEd", dropped=("V1",)),
    "dna_ie": TinySet("DNA", "Class", "ie"),
    "soybean_leafspot": TinySet("Soybean", "Class", "alternarialeaf-spot", drop_missing=True),
    "votes_democrat": TinySet("HouseVotes84", "Class", "democrat", drop_missing=True,
                              codes={"n": 0, "y": 1}),
    "letter_b": TinySet("LetterRecognition", "lettr", "B", n_normal=2000),
}


def tiny(tables, seed=123, n_anomalies=10, sets=TINY):
    """The ``--tiny`` sets from mlbench's tables (``{table name: DataFrame}``), ``n_anomalies``
    each, named ``<stem><n_anomalies>``; ``sets`` (:data:`TINY`, or :data:`TINY_FRESH`) says how
    each is cut."""
    rng = np.random.default_rng(seed)
    out = {}
    for stem, spec in sets.items():
        frame = tables[spec.table].drop(columns=list(spec.dropped))
        if spec.drop_missing:
            frame = frame.dropna()
        labels = frame[spec.target].astype(str).to_numpy()
        available = int((labels == spec.anomaly).sum())
        if available < n_anomalies:
            raise ValueError(f"{spec.table} has {available} rows of {spec.anomaly!r}, fewer "
                             f"than the {n_anomalies} anomalies asked; lower --tiny-anomalies")
        features = frame.drop(columns=[spec.target])
        if spec.codes:
            features = features.apply(lambda column: column.astype(str).map(spec.codes))
        out[f"{stem}{n_anomalies}"] = _downsampled(_numeric(features), labels, spec.anomaly,
                                                   n_anomalies, rng, n_normal=spec.n_normal)
    return out


def check_counts(datasets):
    """Raise ``ValueError`` naming any dataset whose rows, features or anomalies differ from
    ADBench's (:data:`EXPECTED`; the ``--tiny`` sets, not ADBench's, are not checked)."""
    counts = {stem: (X.shape[0], X.shape[1], int(y.sum())) for stem, (X, y) in datasets.items()}
    wrong = {stem: n for stem, n in counts.items() if stem in EXPECTED and n != EXPECTED[stem]}
    if wrong:
        raise ValueError(f"not ADBench's counts (rows, features, anomalies): {wrong}; "
                         f"expected {[EXPECTED[s] for s in wrong]}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--mlbench", help="mlbench's data folder (.rda files); without it only "
                        "WDBC and wine are written")
    parser.add_argument("--out", default="adbench-heldout", help="folder for the .npz files")
    parser.add_argument("--tiny", action="store_true", help="also write seven sets of a few "
                        "anomalies (not ADBench's; needs --mlbench): "
                        + ", ".join(f"{stem}10" for stem in TINY))
    parser.add_argument("--tiny-fresh", action="store_true", help="also write seven sets with "
                        "another class of the same tables cut to a few anomalies (session 59; "
                        "needs --mlbench): " + ", ".join(f"{stem}10" for stem in TINY_FRESH))
    parser.add_argument("--tiny-anomalies", type=int, default=10, metavar="N",
                        help="anomalies in each --tiny set (default 10; the files are named "
                        "<stem>N, e.g. sonar25)")
    args = parser.parse_args(argv)
    for flag, given in (("--tiny", args.tiny), ("--tiny-fresh", args.tiny_fresh)):
        if given and not args.mlbench:
            parser.error(f"{flag} needs --mlbench")
    if args.tiny_anomalies < 2:
        parser.error("--tiny-anomalies must be at least 2 (a stratified split needs them)")
    datasets = from_sklearn()
    if args.mlbench:
        datasets.update(from_mlbench(args.mlbench))
    check_counts(datasets)
    for given, sets, seed in ((args.tiny, TINY, 123), (args.tiny_fresh, TINY_FRESH, 59)):
        if not given:
            continue
        tables = read_mlbench(args.mlbench, sorted({t.table for t in sets.values()}))
        try:
            datasets.update(tiny(tables, seed=seed, n_anomalies=args.tiny_anomalies, sets=sets))
        except ValueError as error:  # a table with fewer anomalies: say so, no traceback
            parser.error(str(error))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for stem, (X, y) in sorted(datasets.items()):
        np.savez(out / f"{stem}.npz", X=X, y=y)
        print(f"wrote {out / stem}.npz: {len(y)} rows, {X.shape[1]} features, "
              f"{int(y.sum())} anomalies")


if __name__ == "__main__":
    main()
