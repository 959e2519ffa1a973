"""DevNet (Pang, Shen & van den Hengel, KDD 2019, "Deep Anomaly Detection with Deviation Networks").

A scoring network ``phi`` maps a sample to a scalar anomaly score. A prior ``N(0, 1)`` gives
reference scores ``r_1..r_l`` (``l = 5000`` fresh draws per batch); the deviation of a score is its
z-score against them, ``dev(x) = (phi(x) - mean(r)) / std(r)``, and the deviation loss is::

    (1 - y) * |dev(x)| + y * max(0, a - dev(x)),      a = 5 (confidence margin)

so normal scores are pulled to the prior mean and labeled anomalies are pushed at least ``a``
standard deviations above it. The anomaly score of a new sample is ``phi(x)``.

Why not ``pyod.models.devnet.DevNet`` (pyod 3.6.7)? Its loss broadcasts the ``(n, 1)`` scores
against the ``(n,)`` labels into an ``(n, n)`` matrix (every score gets every label's loss term),
it trains on plain shuffled minibatches instead of DevNet's balanced ones, ignores its
``random_seed`` argument, prints every epoch, and seeds the *global* numpy and torch generators
when the module is imported. This module follows the reference Keras code
(github.com/GuansongPang/deviation-network) instead:

* network: ``hidden=(20,)`` is the reference "shallow" net (``network_depth=2``: one ReLU layer of
  20 units with L2 0.01 on its kernel, linear score output); ``(1000, 250, 20)`` is the deep one;
* optimiser: RMSprop, ``lr=1e-3``, gradient norm clipped at 1;
* training: ``epochs`` x ``n_batches`` minibatches of ``batch_size`` samples, each half normal and
  half anomalous, drawn with replacement.

Left out: the reference experiments' restriction to 30 labeled anomalies and its injection of
unlabeled contamination (our training data is fully labeled). Inputs are z-scored with the
training statistics when ``standardize=True``.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import BaseEstimator
from torch import nn

from .._torch import check_device, check_widths, seeded_torch, torch_threads
from ._torch_utils import Standardizer, check_Xy, resolve_seed


def deviation_loss(scores, y, ref=None, margin=5.0, n_ref=5000):
    """DevNet's deviation loss (batch mean).

    Parameters
    ----------
    scores : torch.Tensor of shape (n,)
        Anomaly scores ``phi(x)``.
    y : torch.Tensor or array-like of shape (n,)
        1 = anomaly, 0 = normal.
    ref : torch.Tensor of shape (l,), optional
        Reference scores from the prior; ``None`` draws ``n_ref`` from ``N(0, 1)`` with torch's
        current generator.
    margin : float, default=5.0
        Confidence margin ``a``.
    n_ref : int, default=5000
        Number of reference draws when ``ref`` is None.

    Returns
    -------
    loss : torch.Tensor (scalar)

    Examples
    --------
    With a reference of mean 0 and (unbiased) std 1, deviations equal the scores:

    >>> import torch
    >>> from mixann.detectors.devnet import deviation_loss
    >>> ref = torch.tensor([-1.0, 1.0]) / 2 ** 0.5
    >>> s, y = torch.tensor([0.5, -2.0, 3.0, 6.0]), torch.tensor([0, 0, 1, 1])
    >>> float(deviation_loss(s, y, ref=ref))  # (0.5 + 2 + 2 + 0) / 4
    1.125
    """
    scores = torch.as_tensor(scores).reshape(-1)
    y = torch.as_tensor(y, device=scores.device).reshape(-1).to(scores.dtype)
    if y.shape != scores.shape:
        raise ValueError(f"scores and y differ in length: {scores.shape[0]} vs {y.shape[0]}")
    if ref is None:
        ref = torch.randn(n_ref, device=scores.device, dtype=scores.dtype)
    dev = (scores - ref.mean()) / ref.std()
    inlier = dev.abs()
    outlier = torch.clamp(margin - dev, min=0.0)
    return ((1.0 - y) * inlier + y * outlier).mean()


class DevNet(BaseEstimator):
    """Deviation network anomaly detector trained on labeled normals and anomalies.

    Parameters
    ----------
    hidden : tuple of int, default=(20,)
        Hidden ReLU layer widths (reference: ``(20,)`` shallow, ``(1000, 250, 20)`` deep).
    l2 : float, default=0.01
        L2 penalty ``l2 * ||W||^2`` on the hidden layers' weight matrices (Keras' kernel
        regularizer of the reference code).
    epochs : int, default=50
        Training epochs.
    n_batches : int, default=20
        Minibatches per epoch.
    batch_size : int, default=512
        Minibatch size; half normal, half anomalous.
    lr : float, default=1e-3
        RMSprop learning rate.
    margin : float, default=5.0
        Confidence margin ``a`` of :func:`deviation_loss`.
    n_ref : int, default=5000
        Reference draws from ``N(0, 1)`` per minibatch.
    standardize : bool, default=True
        Z-score the inputs with the training mean and standard deviation.
    random_state : int, RandomState or None, default=None
        Seed of the initialisation, the batches and the reference draws (applied inside
        ``torch.random.fork_rng``; global generators are left untouched).
    device : str, default="cpu"
        Torch device.
    n_threads : int or None, default=1
        Torch CPU threads during ``fit`` and ``decision_function`` (restored afterwards); ``None``
        keeps torch's setting. One thread is much faster for these small networks.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.detectors import DevNet
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.randn(200, 3), rng.randn(10, 3) * 0.1 + 4])
    >>> y = np.r_[np.zeros(200), np.ones(10)]
    >>> s = DevNet(epochs=5, n_batches=5, batch_size=64, random_state=0).fit(X, y).decision_function(X)
    >>> bool(s[200:].min() > s[:200].max())
    True
    """

    def __init__(self, hidden=(20,), l2=0.01, epochs=50, n_batches=20, batch_size=512, lr=1e-3,
                 margin=5.0, n_ref=5000, standardize=True, random_state=None, device="cpu",
                 n_threads=1):
        self.hidden = hidden
        self.l2 = l2
        self.epochs = epochs
        self.n_batches = n_batches
        self.batch_size = batch_size
        self.lr = lr
        self.margin = margin
        self.n_ref = n_ref
        self.standardize = standardize
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads

    def _build(self, n_features):
        layers, width = [], n_features
        self._hidden_linears = []
        for h in self.hidden:
            lin = nn.Linear(width, int(h))
            self._hidden_linears.append(lin)
            layers += [lin, nn.ReLU()]
            width = int(h)
        layers.append(nn.Linear(width, 1))
        return nn.Sequential(*layers).to(self.device)

    def fit(self, X, y):
        """Train on ``X`` with labels ``y`` (1 = anomaly, 0 = normal); both classes are needed.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            0 or 1 only (other labels are refused, named).

        Returns
        -------
        self : DevNet
        """
        check_device(self.device)
        check_widths("hidden", self.hidden)
        X, y = check_Xy(X, y)
        inliers, outliers = np.flatnonzero(y == 0), np.flatnonzero(y == 1)
        if inliers.size == 0 or outliers.size == 0:
            raise ValueError("DevNet needs labeled normals (y=0) and labeled anomalies (y=1)")
        if self.epochs < 1 or self.n_batches < 1 or self.batch_size < 2:
            raise ValueError("epochs and n_batches must be >= 1 and batch_size >= 2")
        self.n_features_in_ = X.shape[1]
        self.scaler_ = Standardizer().fit(X) if self.standardize else None
        Xs = self.scaler_.transform(X) if self.scaler_ is not None else X
        seed = resolve_seed(self.random_state)
        rng = np.random.RandomState(seed)
        n_in = self.batch_size - self.batch_size // 2  # even positions of the reference's alternation
        n_out = self.batch_size // 2
        labels = torch.cat([torch.zeros(n_in), torch.ones(n_out)]).to(self.device)
        X_t = torch.from_numpy(Xs).to(self.device)
        with torch_threads(self.n_threads), seeded_torch(seed, self.device):
            self.net_ = self._build(X.shape[1])
            opt = torch.optim.RMSprop(self.net_.parameters(), lr=self.lr)
            self.loss_history_ = []
            self.net_.train()
            for _ in range(self.epochs):
                total = 0.0
                for _ in range(self.n_batches):
                    idx = np.concatenate([rng.choice(inliers, n_in), rng.choice(outliers, n_out)])
                    scores = self.net_(X_t[torch.from_numpy(idx).to(self.device)]).reshape(-1)
                    loss = deviation_loss(scores, labels, margin=self.margin, n_ref=self.n_ref)
                    if self.l2:
                        loss = loss + self.l2 * sum((lin.weight ** 2).sum() for lin in self._hidden_linears)
                    opt.zero_grad()
                    loss.backward()
                    nn.utils.clip_grad_norm_(self.net_.parameters(), 1.0)
                    opt.step()
                    total += loss.item()
                self.loss_history_.append(total / self.n_batches)
            self.net_.eval()
        return self

    def decision_function(self, X):
        """Anomaly scores ``phi(x)`` (higher = more anomalous).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,)
        """
        if not hasattr(self, "net_"):
            raise RuntimeError("DevNet is not fitted; call fit(X, y) first")
        X, _ = check_Xy(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, DevNet was fitted on {self.n_features_in_}")
        Xs = self.scaler_.transform(X) if self.scaler_ is not None else X
        out = []
        with torch_threads(self.n_threads), torch.no_grad():
            for start in range(0, Xs.shape[0], 4096):
                out.append(self.net_(torch.from_numpy(Xs[start:start + 4096]).to(self.device)).reshape(-1))
        return torch.cat(out).cpu().numpy().astype(np.float64) if out else np.zeros(0)
