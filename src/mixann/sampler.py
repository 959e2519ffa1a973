"""MixAnN as an imbalanced-learn over-sampler, and MixAnNClassifier (augment, then fit)."""

from __future__ import annotations

import numbers
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import torch
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils._validation import ArraysTransformer
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from .ddpg import DDPGAgent
from .env import Episode, MixUpEnv
from .metrics import check_metric, score_proba
from .reward import REWARD_KINDS, MovingBaseline
from .updaters import UPDATE_NAMES, make_updater

POLICY_FORMAT = "mixann-policy-v1"


def default_estimator():
    """The paper's default classifier: KNN with k = 10."""
    return KNeighborsClassifier(n_neighbors=10)


class MixAnN(BaseOverSampler):
    """Learned mix-up over-sampling for imbalanced data with diverse minorities (MixAnN, CIKM'23).

    A DDPG actor-critic walks the training set: at each step it sees a pair of training
    points with different labels (x0, x1) and chooses a neighbourhood size k, a mix ratio
    alpha, a number of copies n and a termination probability eps. The synthetic sample
    ``alpha * x0 + (1 - alpha) * x1`` (Eq. 1) gets the label of x0 if ``alpha >= eta``, else
    of x1 (Eq. 2), is added n times, the classifier is updated, and the reward
    ``reward_scale * dM * C`` combines the validation improvement (Eq. 5) with the
    classifier's uncertainty around the new sample (Eq. 6). The next x0 is drawn among the k
    nearest training points of the synthetic sample. :meth:`fit_resample` returns the data it
    was given plus the synthetic set of the best episode on validation.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``, default=None
        The classifier the augmentation is learned for (``None``: KNN with k = 10).
    max_neighbors : int, default=10
        K, the largest neighbourhood size the policy may choose (paper grid 5..25).
    max_oversample : int, default=5
        N, the largest number of copies of one synthetic sample.
    eta : float in (0, 1), default=0.3
        Label threshold of Eq. 2.
    reward_scale : float, default=10.0
        lambda, the reward strength.
    baseline_window : int, default=25
        m, the number of recent validation scores averaged by the moving baseline of Eq. 5.
    metric : str, default="f1_macro"
        M, any scikit-learn scorer name.
    reward : {"full", "no-improvement", "no-exploration", "random"}, default="full"
        The reward ablations of Table 4 (``"full"`` is the paper's reward).
    n_episodes : int, default=30
        E, the number of episodes.
    ddpg_updates : int, default=50
        S, DDPG updates after each episode.
    max_steps_per_episode : int, default=50
        Hard cap on the steps of one episode.
    warmup_steps : int, default=50
        Steps with uniformly random actions before the actor acts.
    gamma, tau : float, default=0.9, 0.01
        Discount factor and soft target-update rate.
    actor_lr, critic_lr : float, default=1e-3
        Adam learning rates.
    batch_size, buffer_size : int, default=64, 10000
        DDPG replay batch and capacity.
    exploration_noise : float, default=0.5
        Std of the Gaussian noise on the pre-sigmoid action.
    hidden_sizes : tuple of int, default=(64, 64)
        Hidden layers of the actor and the critic.
    validation_size : float in (0, 1), default=0.2
        Stratified share of the data held out for the reward, unless ``validation_data``.
    validation_data : tuple (X_val, y_val), default=None
        An explicit validation set; then all of X is used for training.
    guard : bool, default=True
        Return no synthetic samples when no episode beat the un-augmented classifier on
        validation.
    update : {"auto", "refit", "exact-knn", "warm-start"}, default="auto"
        How the classifier absorbs new samples (see :mod:`mixann.updaters`): ``"auto"`` is
        ``"exact-knn"`` (same result as ``"refit"``, far faster) for a KNN with uniform
        weights and the euclidean metric, else ``"refit"``.
    accumulate : bool, default=False
        ``False`` (the paper): every episode starts from the original data and the best
        episode's set is returned. ``True``: an episode whose final validation score is at
        least the best so far is kept, later episodes start from the data plus every kept
        set, and the union of the kept sets is returned.
    device : str, default="cpu"
        Torch device of the networks (``"cuda"`` where present).
    random_state : int, RandomState instance or None, default=None
        Seeds the split, the networks, the exploration and the transitions.
    verbose : bool, default=False
        Show a progress bar over episodes with the running validation score.

    Attributes
    ----------
    synthetic_X_ : ndarray of shape (n_synthetic, n_features)
        The synthetic samples returned (each of the n copies is a row).
    synthetic_y_ : ndarray of shape (n_synthetic,)
        Their labels, in the caller's label type.
    synthetic_sources_ : ndarray of shape (n_synthetic, 2)
        Row indices in the X given to :meth:`fit_resample` of each sample's x0 and x1.
    synthetic_alpha_ : ndarray of shape (n_synthetic,)
        Each sample's mix ratio alpha.
    history_ : dict
        ``"steps"``: one dict per step (episode, k, alpha, n, eps, reward, delta_metric,
        confidence, metric); ``"episodes"``: one dict per episode (episode, score, n_steps,
        n_synthetic, and ``kept=True`` for the episodes ``accumulate`` kept); ``"baseline_score"`` (validation score without augmentation),
        ``"returned_episode"`` (None when nothing was returned) and ``"guard_fired"``.
    actor_, critic_ : torch.nn.Module
        The trained networks.
    minority_label_ : scalar
        The less frequent class (labelled 1 inside the MDP).
    n_features_in_ : int
        Number of features seen in :meth:`fit_resample`.

    Examples
    --------
    >>> from mixann import MixAnN
    >>> from mixann.datasets import make_diverse_minorities
    >>> X, y = make_diverse_minorities(n_samples=300, random_state=0)
    >>> sampler = MixAnN(n_episodes=2, max_steps_per_episode=5, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> X_res.shape[0] == X.shape[0] + sampler.synthetic_X_.shape[0]
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "max_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_oversample": [Interval(numbers.Integral, 1, None, closed="left")],
        "eta": [Interval(numbers.Real, 0, 1, closed="neither")],
        "reward_scale": [Interval(numbers.Real, 0, None, closed="neither")],
        "baseline_window": [Interval(numbers.Integral, 1, None, closed="left")],
        "metric": [str],
        "reward": [StrOptions(set(REWARD_KINDS))],
        "n_episodes": [Interval(numbers.Integral, 1, None, closed="left")],
        "ddpg_updates": [Interval(numbers.Integral, 0, None, closed="left")],
        "max_steps_per_episode": [Interval(numbers.Integral, 1, None, closed="left")],
        "warmup_steps": [Interval(numbers.Integral, 0, None, closed="left")],
        "gamma": [Interval(numbers.Real, 0, 1, closed="both")],
        "tau": [Interval(numbers.Real, 0, 1, closed="right")],
        "actor_lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "critic_lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "buffer_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "exploration_noise": [Interval(numbers.Real, 0, None, closed="left")],
        "hidden_sizes": [tuple, list],
        "validation_size": [Interval(numbers.Real, 0, 1, closed="neither")],
        "validation_data": [tuple, None],
        "guard": ["boolean"],
        "update": [StrOptions(set(UPDATE_NAMES))],
        "accumulate": ["boolean"],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, estimator=None, *, max_neighbors=10, max_oversample=5, eta=0.3,
                 reward_scale=10.0, baseline_window=25, metric="f1_macro", reward="full",
                 n_episodes=30, ddpg_updates=50, max_steps_per_episode=50, warmup_steps=50,
                 gamma=0.9, tau=0.01, actor_lr=1e-3, critic_lr=1e-3, batch_size=64,
                 buffer_size=10_000, exploration_noise=0.5, hidden_sizes=(64, 64),
                 validation_size=0.2, validation_data=None, guard=True, update="auto",
                 accumulate=False, device="cpu", random_state=None, verbose=False):
        self.estimator = estimator
        self.max_neighbors = max_neighbors
        self.max_oversample = max_oversample
        self.eta = eta
        self.reward_scale = reward_scale
        self.baseline_window = baseline_window
        self.metric = metric
        self.reward = reward
        self.n_episodes = n_episodes
        self.ddpg_updates = ddpg_updates
        self.max_steps_per_episode = max_steps_per_episode
        self.warmup_steps = warmup_steps
        self.gamma = gamma
        self.tau = tau
        self.actor_lr = actor_lr
        self.critic_lr = critic_lr
        self.batch_size = batch_size
        self.buffer_size = buffer_size
        self.exploration_noise = exploration_noise
        self.hidden_sizes = hidden_sizes
        self.validation_size = validation_size
        self.validation_data = validation_data
        self.guard = guard
        self.update = update
        self.accumulate = accumulate
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ public API
    def fit_resample(self, X, y):
        """Learn the mix-up policy on (X, y) and return X, y plus the best synthetic set.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Dense features without NaN or inf.
        y : array-like of shape (n_samples,)
            Binary labels of any type; the less frequent class is the minority.

        Returns
        -------
        X_resampled : {ndarray, DataFrame} of shape (n_samples + n_synthetic, n_features)
        y_resampled : {ndarray, Series} of shape (n_samples + n_synthetic,)
        """
        self._validate_params()
        _check_estimator_has_proba(self.estimator)
        check_metric(self.metric)
        _check_dense(X)
        check_classification_targets(y)  # 'Unknown label type: continuous' for regression targets
        arrays_transformer = ArraysTransformer(X, y)
        X, y = validate_data(self, X=X, y=y, reset=True, dtype=float, ensure_all_finite=True)
        y01, self.classes_, self.minority_label_ = _encode_binary(y)
        X_res, y_res = self._fit_resample(X, y, y01)
        return arrays_transformer.transform(X_res, y_res)

    def save_policy(self, path):
        """Save the trained actor and critic weights (no code is pickled).

        Load them with :meth:`load_policy` into a MixAnN for data of the same width.
        """
        check_is_fitted(self, "actor_")
        payload = {
            "format": POLICY_FORMAT,
            "n_features": int(self.n_features_in_),
            "hidden_sizes": [int(h) for h in self.hidden_sizes],
            "actor": {k: v.detach().cpu() for k, v in self.actor_.state_dict().items()},
            "critic": {k: v.detach().cpu() for k, v in self.critic_.state_dict().items()},
        }
        torch.save(payload, Path(path))
        return self

    def load_policy(self, path):
        """Start the next :meth:`fit_resample` from weights saved by :meth:`save_policy`.

        The file is read with ``torch.load(weights_only=True)``: tensors and plain values
        only. Raises ``ValueError`` if it is not a MixAnN policy file.
        """
        try:
            payload = torch.load(Path(path), map_location="cpu", weights_only=True)
        except Exception as exc:  # torch raises several types for foreign files
            raise ValueError(f"{path} is not a MixAnN policy file saved by save_policy: {exc}") from exc
        if not isinstance(payload, dict) or payload.get("format") != POLICY_FORMAT:
            raise ValueError(f"{path} is not a MixAnN policy file saved by save_policy")
        self._policy_init = payload
        return self

    # ------------------------------------------------------------------ internals
    def _split(self, X, y01, seed):
        """Training and validation parts; returns (train_idx into X, X_val, y_val01)."""
        if self.validation_data is not None:
            if len(self.validation_data) != 2:
                raise ValueError("validation_data must be a tuple (X_val, y_val)")
            _check_dense(self.validation_data[0])
            X_val = check_array(self.validation_data[0], dtype=float, ensure_all_finite=True)
            if X_val.shape[1] != X.shape[1]:
                raise ValueError(f"validation_data has {X_val.shape[1]} features, X has {X.shape[1]}")
            y_val = np.asarray(self.validation_data[1])
            unknown = set(np.unique(y_val)) - set(self.classes_)
            if unknown or len(y_val) != len(X_val):
                raise ValueError("validation_data labels must match X_val in length and use "
                                 f"the classes of y {list(self.classes_)}")
            return np.arange(len(X)), X_val, (y_val == self.minority_label_).astype(int)
        idx = np.arange(len(X))
        try:
            train_idx, val_idx = train_test_split(idx, test_size=self.validation_size,
                                                  stratify=y01, random_state=seed)
        except ValueError as exc:
            raise ValueError(f"cannot carve a stratified validation set of size "
                             f"{self.validation_size} from {len(X)} samples ({exc}); pass more "
                             "data, change validation_size, or give validation_data") from exc
        if len(np.unique(y01[train_idx])) < 2:
            raise ValueError("the training split holds a single class; pass more minority samples "
                             "or give validation_data")
        return train_idx, X[val_idx], y01[val_idx]

    def _fit_resample(self, X, y, y01):
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        rng = np.random.default_rng(seed)
        train_idx, X_val, y_val = self._split(X, y01, seed)
        X_train, y_train = X[train_idx], y01[train_idx]
        if self.max_neighbors > len(X_train):
            raise ValueError(f"max_neighbors={self.max_neighbors} is larger than the training "
                             f"split ({len(X_train)} samples); lower max_neighbors")
        estimator = clone(self.estimator) if self.estimator is not None else default_estimator()

        updater = make_updater(self.update, estimator, X_train, y_train, X_val)
        baseline_score = score_proba(self.metric, updater.proba_validation(), y_val)
        baseline = MovingBaseline(self.baseline_window)
        baseline.push(baseline_score)  # phi_0 (Algorithm 1, line 3) seeds Eq. 5's window
        env = MixUpEnv(X_train, y_train, X_val, y_val, updater=updater, metric=self.metric,
                       baseline=baseline, rng=rng, max_neighbors=self.max_neighbors,
                       max_oversample=self.max_oversample, eta=self.eta,
                       reward_scale=self.reward_scale, reward_kind=self.reward,
                       max_steps=self.max_steps_per_episode)
        agent = self._make_agent(env.state_dim, seed)

        steps, episodes, best, kept = [], [], None, Episode()
        total_steps = 0
        with _progress(self.verbose, self.n_episodes) as (progress, task):
            for episode in range(self.n_episodes):
                state, done = env.reset(), False
                while not done:
                    if total_steps < self.warmup_steps:
                        unit_action = rng.uniform(0.0, 1.0, size=4)
                    else:
                        unit_action = agent.act(state, rng)
                    next_state, reward, done, terminated, info = env.step(unit_action)
                    agent.buffer.add(state, unit_action, reward, next_state, terminated)
                    steps.append({"episode": episode, **info.__dict__})
                    state, total_steps = next_state, total_steps + 1
                score = info.metric  # classifier trained on train + this episode's set
                episodes.append({"episode": episode, "score": score, "n_steps": env.t,
                                 "n_synthetic": int(sum(env.episode.copies))})
                if self.accumulate:
                    if env.episode.X and score >= (best[1] if best else baseline_score):
                        episodes[-1]["kept"] = True
                        kept.extend(env.episode)
                        best = (episode, score, kept)
                        # Later episodes start from train + every kept set.
                        env.updater = make_updater(self.update, estimator, *kept.grown(X_train, y_train), X_val)
                elif best is None or score > best[1]:
                    best = (episode, score, env.episode)
                for _ in range(self.ddpg_updates):
                    agent.update(rng)
                if progress is not None:
                    progress.update(task, advance=1, description=(
                        f"MixAnN val {self.metric} {score:.3f} (best {best[1] if best else score:.3f}, "
                        f"none {baseline_score:.3f})"))

        if best is None:  # accumulate and no episode kept
            best = (None, baseline_score, None)
        guard_fired = bool(self.guard and best[1] <= baseline_score)
        chosen = None if guard_fired else best[2]
        self._store_synthetic(chosen, X.shape[1], train_idx)
        self.history_ = {"steps": steps, "episodes": episodes, "baseline_score": baseline_score,
                         "returned_episode": None if guard_fired else best[0],
                         "guard_fired": guard_fired}
        self.actor_, self.critic_ = agent.actor, agent.critic
        self.sampling_strategy_ = {self.minority_label_: int(np.sum(self.synthetic_y_ == self.minority_label_))}
        X_res = np.vstack([X, self.synthetic_X_])
        y_res = np.concatenate([y, self.synthetic_y_])
        return X_res, y_res

    def _make_agent(self, state_dim, seed):
        agent = DDPGAgent(state_dim, hidden=tuple(self.hidden_sizes), actor_lr=self.actor_lr,
                          critic_lr=self.critic_lr, gamma=self.gamma, tau=self.tau,
                          batch_size=self.batch_size, buffer_size=self.buffer_size,
                          noise=self.exploration_noise, seed=seed, device=self.device)
        init = getattr(self, "_policy_init", None)
        if init is not None:
            if init["n_features"] != state_dim // 2:
                raise ValueError(f"the loaded policy was trained on {init['n_features']} features; "
                                 f"X has {state_dim // 2}")
            if list(init["hidden_sizes"]) != [int(h) for h in self.hidden_sizes]:
                raise ValueError(f"the loaded policy has hidden_sizes={init['hidden_sizes']}; set "
                                 "the same hidden_sizes before fit_resample")
            agent.load_weights(init["actor"], init["critic"])
        return agent

    def _store_synthetic(self, episode, n_features, train_idx):
        if episode is None or not episode.X:
            self.synthetic_X_ = np.empty((0, n_features))
            self.synthetic_y_ = np.empty(0, dtype=self.classes_.dtype)
            self.synthetic_sources_ = np.empty((0, 2), dtype=np.intp)
            self.synthetic_alpha_ = np.empty(0)
            return
        copies = np.asarray(episode.copies)
        self.synthetic_X_ = np.repeat(np.asarray(episode.X), copies, axis=0)
        labels01 = np.repeat(np.asarray(episode.y), copies)
        self.synthetic_y_ = np.where(labels01 == 1, self.minority_label_, self._majority_label())
        self.synthetic_y_ = self.synthetic_y_.astype(self.classes_.dtype)
        self.synthetic_sources_ = train_idx[np.repeat(np.asarray(episode.sources), copies, axis=0)]
        self.synthetic_alpha_ = np.repeat(np.asarray(episode.alpha), copies)

    def _majority_label(self):
        return self.classes_[self.classes_ != self.minority_label_][0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.non_deterministic = False
        return tags


class MixAnNClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Augment with :class:`MixAnN`, then fit a clone of ``estimator`` on the result.

    Takes exactly the parameters of :class:`MixAnN` (the same ``__init__`` is reused so the
    two never drift apart); ``estimator`` is both the classifier MixAnN learns the
    augmentation for and the one fitted on the augmented data.

    Attributes
    ----------
    sampler_ : MixAnN
        The fitted sampler (its ``history_``, ``synthetic_X_`` ...).
    estimator_ : classifier
        The classifier fitted on the augmented data.
    classes_ : ndarray
        Class labels.

    Examples
    --------
    >>> from mixann import MixAnNClassifier
    >>> from mixann.datasets import make_diverse_minorities
    >>> X, y = make_diverse_minorities(n_samples=300, random_state=0)
    >>> clf = MixAnNClassifier(n_episodes=2, max_steps_per_episode=5, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    __init__ = MixAnN.__init__  # same parameters, same defaults, one definition
    _parameter_constraints = MixAnN._parameter_constraints

    def fit(self, X, y):
        """Augment (X, y) with MixAnN and fit a clone of ``estimator`` on the result."""
        self.sampler_ = MixAnN(**self.get_params(deep=False))
        X_res, y_res = self.sampler_.fit_resample(X, y)
        self.n_features_in_ = self.sampler_.n_features_in_
        if hasattr(self.sampler_, "feature_names_in_"):
            self.feature_names_in_ = self.sampler_.feature_names_in_
        base = self.estimator if self.estimator is not None else default_estimator()
        self.estimator_ = clone(base).fit(np.asarray(X_res, dtype=float), np.asarray(y_res))
        self.classes_ = self.estimator_.classes_
        return self

    def _checked(self, X):
        check_is_fitted(self, "estimator_")
        return validate_data(self, X=X, reset=False, dtype=float, ensure_all_finite=True)

    def predict(self, X):
        """Class labels from the classifier trained on the augmented data."""
        X = self._checked(X)
        return self.estimator_.predict(X)

    def predict_proba(self, X):
        """Class probabilities (columns in the order of ``classes_``)."""
        X = self._checked(X)
        return self.estimator_.predict_proba(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags


# ---------------------------------------------------------------------- input checks
def _check_estimator_has_proba(estimator):
    if estimator is not None and not hasattr(estimator, "predict_proba"):
        raise TypeError(f"estimator {type(estimator).__name__} has no predict_proba; MixAnN's "
                        "reward needs class probabilities (use e.g. SVC(probability=True))")


def _check_dense(X):
    if sp.issparse(X):
        raise TypeError("sparse X is not supported: MixAnN mixes dense rows; convert with "
                        "X.toarray() (or reduce the dimension first)")


def _encode_binary(y):
    """Map binary labels to {0, 1} with 1 = the less frequent class."""
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise ValueError(f"y has 1 class ({classes[0]!r}); MixAnN needs a majority and a "
                         "minority class")
    if len(classes) > 2:
        raise ValueError(f"y has {len(classes)} classes: multiclass is not supported yet. Only "
                         "binary classification is supported; pass binary labels such as "
                         "y == minority_label")
    minority = classes[0] if counts[0] < counts[1] else classes[1]  # a tie: the second label
    if counts.min() < 2:
        raise ValueError(f"the minority class {minority!r} has {counts.min()} sample; MixAnN needs at "
                         "least 2 minority samples (one to train on, one to validate)")
    return (np.asarray(y) == minority).astype(int), classes, minority


class _progress:
    """A rich progress bar over episodes, or nothing when not verbose."""

    def __init__(self, verbose, total):
        self.verbose, self.total = verbose, total

    def __enter__(self):
        if not self.verbose:
            return None, None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn(), TimeRemainingColumn())
        self._bar.__enter__()
        return self._bar, self._bar.add_task("MixAnN episodes", total=self.total)

    def __exit__(self, *exc):
        if self.verbose:
            self._bar.__exit__(*exc)
        return False
