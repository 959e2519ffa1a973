"""Memory on wide data (10,000 x 1,000 features): the generators hold
fewer arrays of shape (rows, features) at once, and every byte they return is as before.

Each test checks a rewritten path against the operations it replaced (the old formulas, kept
here as references), with blocks made small so that several blocks run.
"""

import numpy as np
import pytest

import mixann.mixup as mixup
from mixann.mixup import mix_rows
from mixann.rollout import (_repeated_rows, head_end, minority_pairs, rollout, spread,
                            spread_off_majority, swap)


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of a few rows (3 rows at 7 features), so that every blocked path runs many."""
    monkeypatch.setattr(mixup, "BLOCK_ELEMENTS", 21)


def _data(n=240, d=7, seed=0):
    rng = np.random.default_rng(seed)
    # scales far apart, so that a change of rounding would show in the bytes
    X = rng.normal(size=(n, d)) * np.logspace(-3, 3, d)
    y = (np.arange(n) % 6 == 0).astype(int)
    return X, y


def _old_mix(x0, x1, alpha):
    alpha = np.asarray(alpha, dtype=float)
    alpha = alpha[:, None] if alpha.ndim else alpha
    return alpha * x0 + (1.0 - alpha) * x1


def _same(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def test_mix_rows_is_mix_of_the_gathered_rows(small_blocks):
    X, _ = _data()
    rng = np.random.default_rng(1)
    i, j = rng.integers(0, len(X), 77), rng.integers(0, len(X), 77)
    alpha = rng.random(77)
    assert _same(mix_rows(X, i, j, alpha), _old_mix(X[i], X[j], alpha))
    assert _same(mix_rows(X, i, j, 0.25), _old_mix(X[i], X[j], 0.25))
    assert mix_rows(X, i[:0], j[:0], alpha[:0]).shape == (0, X.shape[1])
    assert _same(mix_rows(X.astype(np.float32), i, j, alpha),
                 _old_mix(X.astype(np.float32)[i].astype(float), X.astype(np.float32)[j], alpha))
    with pytest.raises(ValueError, match="one per mixed row"):
        mix_rows(X, i, j, alpha[:5])
    with pytest.raises(ValueError, match="1-D row indexes of one length"):
        mix_rows(X, i, j[:3], alpha)


def test_spread_and_swap_give_the_rows_and_draws_of_before(small_blocks):
    X, y = _data()
    for n in (0, 1, 5, 301):
        # spread: the midpoints of mix on the gathered rows
        rng, ref = np.random.default_rng(3), np.random.default_rng(3)
        out = spread(X, y, n, rng)
        pairs = minority_pairs(y, n, ref)
        if n:
            assert _same(out.X, _old_mix(X[pairs[:, 0]], X[pairs[:, 1]], np.full(n, 0.5)))
        assert rng.integers(2**62) == ref.integers(2**62)
        # swap: one draw per feature, in one call, the crossover and the shares as before
        rng, ref = np.random.default_rng(4), np.random.default_rng(4)
        out = swap(X, y, n, rng)
        pairs = minority_pairs(y, n, ref)
        if n:
            first = ref.random((n, X.shape[1])) < 0.5
            assert _same(out.X, np.where(first, X[pairs[:, 0]], X[pairs[:, 1]]))
            assert _same(out.alpha, first.mean(axis=1))
        assert rng.integers(2**62) == ref.integers(2**62)


def test_repeated_rows_is_the_prefix_of_the_concatenated_repeats():
    rng = np.random.default_rng(5)
    parts = [(rng.normal(size=(m, 4)), rng.integers(1, 4, size=m)) for m in (3, 5, 2)]
    whole = np.concatenate([np.repeat(x, n, axis=0) for x, n in parts])
    for end in (0, 1, 4, 7, len(whole) - 1, len(whole)):
        assert _same(_repeated_rows(parts, end, 4), whole[:end])
    assert head_end(np.array([0, 1, 0, 1, 1]), 2) == 4 and head_end(np.array([0, 1]), 0) == 0


@pytest.mark.parametrize("kind", ["paper", "boundary", "interior"])
def test_rollout_rows_are_eq1_of_their_sources_and_prefixes_of_longer_ones(small_blocks, kind):
    X, y = _data()
    W = np.random.default_rng(6).normal(size=(2 * X.shape[1], 4))
    mu, sd = X.mean(axis=0), X.std(axis=0)

    def run(n):
        return rollout(lambda s: s.astype(float) @ W, X, y, n, z_transform=lambda A: (A - mu) / sd,
                       max_neighbors=5, max_oversample=4, eta=0.3, max_steps=5, noise=0.5,
                       rng=np.random.default_rng(7), kind=kind)

    long, short = run(150), run(40)
    assert long.X.flags.c_contiguous and long.X.dtype == np.float64
    assert int(np.sum(long.y == 1)) >= 150 and long.y[len(long) - 1] == 1
    # every row is Eq. 1 of its two sources, with the same operations as ever
    s0, s1 = X[long.sources[:, 0]], X[long.sources[:, 1]]
    assert _same(long.X, _old_mix(s0, s1, long.alpha))
    head = long.head(40)
    for a, b in zip((short.X, short.y, short.sources, short.alpha),
                    (head.X, head.y, head.sources, head.alpha)):
        assert _same(a, b)


def test_spread_off_majority_is_unchanged_by_the_blocks(small_blocks, monkeypatch):
    X, y = _data()
    small = spread_off_majority(X, y, 60, np.random.default_rng(8))
    monkeypatch.setattr(mixup, "BLOCK_ELEMENTS", 1 << 20)
    large = spread_off_majority(X, y, 60, np.random.default_rng(8))
    assert _same(small.X, large.X) and _same(small.sources, large.sources)


