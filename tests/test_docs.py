"""The documentation runs: every numpydoc example of the package, and the README's Python blocks."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
import warnings

import numpy as np
import pytest
from conftest import REPO

import mixann

MODULES = sorted(m.name for m in pkgutil.walk_packages(mixann.__path__, "mixann."))


@pytest.mark.parametrize("name", MODULES)
def test_module_examples_run(name):
    # Walking the package means a new module's examples are run without anyone listing it.
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


#: Modules whose docstrings hold examples: the user-facing ones and the paper's equations.
WITH_EXAMPLES = ("sampler", "classifiers", "baselines", "baselines.autosmote",
                 "baselines.mixboost", "baselines.none", "baselines.random", "datasets", "mixup", "reward", "ddpg",
                 "env", "metrics", "rollout", "selection", "updaters", "bench.runner",
                 "bench.report", "bench.margins", "detectors", "detectors.threshold",
                 "detectors.deepsad", "detectors.devnet", "detectors.wrappers", "plots",
                 "cli_checks", "_output", "_files", "bench.timing", "multiclass", "defaults",
                 "augmented_classifier", "input_checks", "seeding", "knn_votes",
                 "neighbour_index")


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_module_has_examples(name):
    # A module whose examples were deleted would pass the test above by running nothing.
    tests = doctest.DocTestFinder().find(importlib.import_module(f"mixann.{name}"))
    assert sum(len(t.examples) for t in tests) > 0


def readme_python_blocks():
    return re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(), re.S)


@pytest.mark.slow
def test_readme_python_blocks_run_and_say_what_they_do(tmp_path, monkeypatch):
    # The README's code runs as printed, one block after the other in one namespace (about
    # 30 s, most of it XGBoost's choice among its five kinds), in a scratch folder.
    blocks = readme_python_blocks()
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, block in enumerate(blocks):
            exec(compile(block, f"README.md python block {i}", "exec"), namespace)
    X, y, sampler = namespace["X"], namespace["y"], namespace["sampler"]
    X_res, y_res = namespace["X_res"], namespace["y_res"]
    # "X, y first, then the synthetic rows", of the kinds the comments name.
    assert np.array_equal(X_res[:len(X)], X) and np.array_equal(y_res[:len(y)], y)
    assert set(y_res[len(y):]) <= {sampler.minority_label_}
    assert sampler.history_["mix_kind"] in sampler.mix_kinds_
    clf = namespace["clf"]
    assert clf.sampler_.mix_kinds_ == ["boundary", "spread", "swap", "spread-off-majority",
                                       "beta-mix"]
    assert clf.sampler_.n_draws_ == 10
    assert set(namespace["pipe"].predict(X)) <= set(y)
    assert (tmp_path / "policy.pt").is_file()
    # More than two classes: rows of the two smaller classes only, counted per class.
    y3, y3_res, sampler3 = namespace["y3"], namespace["y3_res"], namespace["sampler3"]
    added = y3_res[len(y3):]
    assert set(added.tolist()) <= {1, 2} and set(sampler3.samplers_) == {1, 2}
    assert sampler3.sampling_strategy_ == {c: int(np.sum(added == c)) for c in (1, 2)}


#: The Markdown the repository ships: the README, docs/ and the committed reports under it.
MARKDOWN = ["README.md", *sorted(str(p.relative_to(REPO)) for p in (REPO / "docs").rglob("*.md"))]


def relative_links(text):
    """The targets of Markdown links and images that point into the repository (no URL, no anchor)."""
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    return [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]


def test_relative_links_finds_files_and_images():
    text = "see [a](docs/a.md#x), ![f](../f.png), [w](https://x.org/y) and [s](#section)"
    assert relative_links(text) == ["docs/a.md", "../f.png"]


@pytest.mark.parametrize("name", MARKDOWN)
def test_markdown_links_resolve(name):
    # Reports copied from `mixann report --out` once linked the margin.png and margin.csv that
    # were left behind in the output folder (session 66): a link must name a committed file.
    page = REPO / name
    missing = [t for t in relative_links(page.read_text()) if not (page.parent / t).exists()]
    assert missing == [], f"{name} links files that are not in the repository: {missing}"
