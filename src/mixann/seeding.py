"""The seed MixAnN draws from ``random_state``, and the classifiers it fits seeded with it."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from .classifiers import random_state_params


def drawn_seed(random_state):
    """The int seed MixAnN draws from ``random_state`` (int, RandomState or None): the sampler's
    own, and the one ``MixAnNClassifier`` and :func:`mixann.plots.policy_map` give an unseeded
    classifier, so the three agree.

    Examples
    --------
    >>> from mixann.seeding import drawn_seed
    >>> drawn_seed(0) == drawn_seed(0)
    True
    """
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def seed_unset_random_states(estimator, seed):
    """``estimator`` with every ``random_state`` parameter left ``None`` set to ``seed``.

    Why: MixAnN fits clones of its estimator many times; an unseeded forest or MLP would make
    two runs with the same ``random_state`` differ. A seed the caller gave is kept (unlike
    scikit-learn's ensembles, which replace it), so a seeded classifier trains as it would
    alone. Nested parameters (a pipeline's ``clf__random_state``) count too.

    Examples
    --------
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from mixann.seeding import seed_unset_random_states
    >>> seed_unset_random_states(RandomForestClassifier(), 7).random_state
    7
    >>> seed_unset_random_states(RandomForestClassifier(random_state=1), 7).random_state
    1
    >>> pipe = seed_unset_random_states(make_pipeline(StandardScaler(), RandomForestClassifier()), 7)
    >>> pipe[-1].random_state
    7
    """
    unset = {name: seed for name, value in random_state_params(estimator).items()
             if value is None}
    if unset:
        estimator.set_params(**unset)
    return estimator
