"""benchmarks/adbench_heldout.py: seven ADBench datasets rebuilt from their public tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mixann.datasets import load_dataset

from conftest import load_benchmark


def _module():
    return load_benchmark("adbench_heldout")


def _factor(values):
    """An R factor as pyreadr reads it: a pandas categorical of strings (None: missing)."""
    return pd.Categorical([None if v is None else str(v) for v in values])


def _mlbench_tables():
    """Tiny stand-ins for mlbench's five tables, with its column names and class labels."""
    return {
        "BreastCancer": pd.DataFrame({
            "Id": ["a", "b", "c"], "Cl.thickness": _factor([5, 10, 1]),
            "Bare.nuclei": _factor([1, None, 3]),
            "Class": _factor(["benign", "malignant", "malignant"])}),
        "Glass": pd.DataFrame({"RI": [1.5, 1.6, 1.7], "Na": [13.0, 14.0, 12.5],
                               "Type": _factor(["1", "6", "7"])}),
        "Ionosphere": pd.DataFrame({"V1": _factor([1, 0]), "V2": _factor([0, 0]),
                                    "V3": [0.25, -1.0], "Class": _factor(["good", "bad"])}),
        "PimaIndiansDiabetes": pd.DataFrame({"glucose": [148.0, 85.0],
                                             "diabetes": _factor(["pos", "neg"])}),
        "Shuttle": pd.DataFrame({"V1": [1.0, 2.0, 3.0, 4.0],
                                 "Class": _factor(["Rad.Flow", "High", "Bypass", "Bpv.Open"])}),
    }


def test_each_builder_follows_adbench_s_construction():
    module = _module()
    tables = _mlbench_tables()
    built = {stem: module.BUILDERS[stem](tables[table])
             for stem, table in module.MLBENCH_TABLES.items()}
    # breastw: Id dropped, the row with a missing Bare.nuclei dropped, malignant = 1.
    X, y = built["4_breastw"]
    np.testing.assert_array_equal(X, [[5.0, 1.0], [1.0, 3.0]])
    np.testing.assert_array_equal(y, [0, 1])
    # glass: type 6 alone is the anomaly.
    np.testing.assert_array_equal(built["14_glass"][1], [0, 1, 0])
    # Ionosphere: the constant V2 dropped, the factor V1 read as its number, "bad" = 1.
    X, y = built["18_Ionosphere"]
    np.testing.assert_array_equal(X, [[1.0, 0.25], [0.0, -1.0]])
    np.testing.assert_array_equal(y, [0, 1])
    np.testing.assert_array_equal(built["29_Pima"][1], [1, 0])
    # shuttle: High (class 4) dropped; every class but Rad.Flow is an anomaly.
    X, y = built["32_shuttle"]
    np.testing.assert_array_equal(X[:, 0], [1.0, 3.0, 4.0])
    np.testing.assert_array_equal(y, [0, 1, 1])


def test_mlbench_rda_files_are_read_through_pyreadr(tmp_path):
    import pyreadr  # in the dev extra (pyproject.toml), so CI has it

    module = _module()
    for table, frame in _mlbench_tables().items():
        pyreadr.write_rdata(str(tmp_path / f"{table}.rda"), frame, df_name=table)
    built = module.from_mlbench(tmp_path)
    assert sorted(built) == sorted(module.MLBENCH_TABLES)
    np.testing.assert_array_equal(built["32_shuttle"][1], [0, 1, 1])
    # The stand-ins are not ADBench's tables: the count check names them instead of writing.
    with pytest.raises(ValueError, match="14_glass"):
        module.check_counts(built)
    (tmp_path / "Glass.rda").unlink()
    with pytest.raises(SystemExit, match="Glass.rda not found"):
        module.from_mlbench(tmp_path)


def test_tiny_sets_keep_ten_of_the_anomaly_class_and_drop_the_speaker(tmp_path):
    import pyreadr

    module = _module()
    n = 14  # rows per class in the stand-ins; 10 of the anomaly class are kept
    votes = ([None] + ["n", "y"] * n)[:2 * n]  # row 0 (a democrat) has a missing vote
    tables = {
        "Sonar": pd.DataFrame({"V1": np.arange(2.0 * n), "Class": _factor(["R", "M"] * n)}),
        "Vehicle": pd.DataFrame({"Comp": np.arange(2.0 * n),
                                 "Class": _factor(["van", "bus"] * n)}),
        "Vowel": pd.DataFrame({"V1": _factor([3] * 2 * n), "V2": np.arange(2.0 * n),
                               "Class": _factor(["hid", "hEd"] * n)}),
        "DNA": pd.DataFrame({"V1": _factor([0, 1] * n), "Class": _factor(["ei", "n"] * n)}),
        "Soybean": pd.DataFrame({"leaves": _factor([None] + [0, 1] * n + [1]),
                                 "Class": _factor(["x"] + ["brown-spot", "y"] * n + ["y"])}),
        "HouseVotes84": pd.DataFrame({"V1": _factor(votes),
                                      "Class": _factor(["democrat", "republican"] * n)}),
        "LetterRecognition": pd.DataFrame({"x.box": np.arange(3600.0),
                                           "lettr": _factor(["A", "B", "C"] * 1200)}),
    }
    first, second = module.tiny(tables), module.tiny(tables)
    for name, (X, y) in first.items():
        rows = {"soybean10": n + 1 + 10, "votes10": n - 1 + 10, "letter10": 2000 + 10}.get(
            name, n + 10)
        assert (len(y), int(y.sum())) == (rows, 10), name
        np.testing.assert_array_equal(X, second[name][0])  # a fixed draw
    # soybean10 and votes10: the rows with a missing value dropped; votes read as y = 1, n = 0.
    assert not np.isnan(first["soybean10"][0]).any()
    X, y = first["votes10"]
    np.testing.assert_array_equal(X[y == 1, 0], 0.0)  # republicans voted "n" here
    np.testing.assert_array_equal(X[y == 0, 0], 1.0)
    # letter10: 2000 drawn of the 2400 B and C rows, then ten A rows (x.box % 3 == 0).
    X, y = first["letter10"]
    assert set(X[y == 0, 0] % 3) == {1.0, 2.0} and set(X[y == 1, 0] % 3) == {0.0}
    assert np.all(np.diff(X[y == 0, 0]) > 0)  # kept in the table's order
    # dna10: the "ei" rows are the anomalies.
    X, y = first["dna10"]
    np.testing.assert_array_equal(X[:, 0], 1.0 - y)
    # vowel10: V1 (the speaker) dropped, the anomalies are the "hid" rows (even positions).
    X, y = first["vowel10"]
    assert X.shape[1] == 1 and set(X[y == 1, 0] % 2) == {0.0}
    np.testing.assert_array_equal(first["sonar10"][0][first["sonar10"][1] == 0, 0] % 2, 0)
    # Through .rda files and the command line: --tiny writes them next to ADBench's.
    for table, frame in {**_mlbench_tables(), **tables}.items():
        pyreadr.write_rdata(str(tmp_path / f"{table}.rda"), frame, df_name=table)
    read = module.tiny(module.read_mlbench(tmp_path, list(tables)))
    for name, (X, y) in read.items():
        np.testing.assert_array_equal(X, first[name][0])
        np.testing.assert_array_equal(y, first[name][1])
    with pytest.raises(ValueError, match="not ADBench's counts"):  # the stand-ins' counts
        module.main(["--mlbench", str(tmp_path), "--tiny", "--out", str(tmp_path / "out")])
    with pytest.raises(SystemExit):  # --tiny alone: argparse names the missing --mlbench
        module.main(["--tiny", "--out", str(tmp_path / "out")])
    # --tiny-anomalies: the same tables cut to another count, named by it.
    twelve = module.tiny(tables, n_anomalies=12)
    assert sorted(twelve) == sorted(name.replace("10", "12") for name in first)
    assert {name: int(y.sum()) for name, (X, y) in twelve.items()} == dict.fromkeys(twelve, 12)
    with pytest.raises(ValueError, match="Sonar has 14 rows of 'M'.*lower --tiny-anomalies"):
        module.tiny(tables, n_anomalies=15)
    with pytest.raises(SystemExit):  # argparse: too few for a stratified split
        module.main(["--mlbench", str(tmp_path), "--tiny", "--tiny-anomalies", "1"])


def test_fresh_tiny_sets_cut_another_class_from_their_own_stream(tmp_path):
    module = _module()
    n = 12  # rows per class in the stand-ins; 10 of the anomaly class are kept
    tables = {
        "Sonar": pd.DataFrame({"V1": np.arange(2.0 * n), "Class": _factor(["R", "M"] * n)}),
        "Vehicle": pd.DataFrame({"Comp": np.arange(2.0 * n),
                                 "Class": _factor(["bus", "van"] * n)}),
        "Vowel": pd.DataFrame({"V1": _factor([3] * 2 * n), "V2": np.arange(2.0 * n),
                               "Class": _factor(["hEd", "hid"] * n)}),
        "DNA": pd.DataFrame({"V1": np.arange(2.0 * n), "Class": _factor(["ie", "ei"] * n)}),
        "Soybean": pd.DataFrame({"leaves": np.arange(2.0 * n),
                                 "Class": _factor(["alternarialeaf-spot", "brown-spot"] * n)}),
        "HouseVotes84": pd.DataFrame({"V1": _factor(["y", "n"] * n),
                                      "Class": _factor(["democrat", "republican"] * n)}),
        "LetterRecognition": pd.DataFrame({"x.box": np.arange(3600.0),
                                           "lettr": _factor(["B", "A", "C"] * 1200)}),
    }
    fresh = module.tiny(tables, seed=59, sets=module.TINY_FRESH)
    assert sorted(fresh) == sorted(f"{stem}10" for stem in module.TINY_FRESH)
    for name, (X, y) in fresh.items():
        if name == "votes_democrat10":  # democrats voted "y" (1) here, republicans "n" (0)
            np.testing.assert_array_equal(X[:, 0], y)
            continue
        # Every other stand-in puts the fresh set's anomaly class at the even rows (every third
        # for the letters), so the anomalies are exactly those rows.
        step = 3 if name == "letter_b10" else 2
        column = -1 if name == "vowel_hed10" else 0  # vowel: V1 (the speaker) dropped
        assert int(y.sum()) == 10, name
        assert set(X[y == 1, column] % step) == {0.0}, name
        assert 0.0 not in set(X[y == 0, column] % step), name
    assert len(fresh["letter_b10"][1]) == 2010
    # A fixed draw from its own stream: the same bytes again, other bytes from --tiny's seed.
    again = module.tiny(tables, seed=59, sets=module.TINY_FRESH)
    other = module.tiny(tables, seed=123, sets=module.TINY_FRESH)
    for name, (X, y) in fresh.items():
        np.testing.assert_array_equal(X, again[name][0])
    assert any(not np.array_equal(X, other[name][0]) for name, (X, y) in fresh.items())
    with pytest.raises(SystemExit):  # --tiny-fresh alone: argparse names the missing --mlbench
        module.main(["--tiny-fresh", "--out", str(tmp_path / "out")])


def test_sklearn_sets_have_adbench_s_counts_and_fixed_bytes(tmp_path):
    module = _module()
    module.main(["--out", str(tmp_path)])  # without --mlbench: WDBC and wine only
    first = module.from_sklearn()
    module.check_counts(first)  # 367 rows / 30 features / 10 anomalies; 129 / 13 / 10
    for stem, (X, y) in first.items():
        X_loaded, y_loaded = load_dataset(stem, data_dir=tmp_path)  # what `mixann bench` reads
        np.testing.assert_array_equal(X_loaded, X)
        np.testing.assert_array_equal(y_loaded, y)
        assert (X.shape, int(y.sum())) == (
            (module.EXPECTED[stem][0], module.EXPECTED[stem][1]), module.EXPECTED[stem][2])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["43_WDBC.npz", "45_wine.npz"]
