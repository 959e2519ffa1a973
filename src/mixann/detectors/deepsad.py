"""Deep SAD (Ruff et al., ICLR 2020, "Deep Semi-Supervised Anomaly Detection") in torch.

An encoder ``phi`` maps samples to a ``rep_dim``-dimensional space; normal samples are pulled
towards a fixed center ``c`` and labeled anomalies are pushed away from it through an inverse
distance term. The anomaly score is the squared distance ``||phi(x) - c||^2``.

Following the paper, the encoder is an MLP *without bias terms* (a bias lets the network map
everything onto ``c``, the trivial "hypersphere collapse"), with leaky ReLU activations, and ``c``
is fixed to the mean of the initial network outputs on the training data, entries closer to 0
than ``center_eps`` being pushed to ``+-center_eps`` (so that zero weights are no solution either).

Differences from the reference implementation (github.com/lukasruff/Deep-SAD-PyTorch), all
deliberate and kept small:

* no autoencoder pre-training (the network starts from torch's default initialisation);
* no batch normalisation in the encoder, so training and scoring use the same function;
* inputs are z-scored with the training mean/std when ``standardize=True``;
* the loss weights only the labeled anomalies by ``eta`` (see :func:`deepsad_loss`).
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import BaseEstimator
from torch import nn

from .._torch import check_device, check_widths, seeded_torch, torch_threads
from ._torch_utils import Standardizer, check_Xy, resolve_seed

#: Deep SAD's label convention inside the loss: +1 labeled normal, -1 labeled anomaly, 0 unlabeled.
LABELED_NORMAL, LABELED_ANOMALY, UNLABELED = 1, -1, 0


def deepsad_loss(dist_sq, labels, eta=1.0, eps=1e-6, reduction="mean"):
    """Deep SAD loss from squared distances to the center.

    Per sample::

        unlabeled (label  0):  d
        labeled normal (+1):   d
        labeled anomaly (-1):  eta * (d + eps) ** -1

    with ``d = ||phi(x) - c||^2``. This is Eq. (4) of Ruff et al. (2020), whose labeled term is
    ``eta * d ** y`` with ``y = +1`` for normals and ``-1`` for anomalies, and ``eps`` guards the
    inverse as in the reference code. One deliberate difference: labeled normals are not weighted
    by ``eta``. Our training data is fully labeled, and weighting every sample by ``eta`` would make
    ``eta`` a global loss scale (a no-op under Adam); weighting only the anomalies keeps it the
    relative weight of the anomaly term, its role in the paper's semi-supervised setting. With the
    default ``eta=1`` the two versions coincide up to the constant ``eps``.

    Parameters
    ----------
    dist_sq : torch.Tensor of shape (n,)
        Squared distances ``||phi(x) - c||^2`` (non-negative).
    labels : torch.Tensor or array-like of shape (n,)
        +1 labeled normal, -1 labeled anomaly, 0 unlabeled.
    eta : float, default=1.0
        Weight of the labeled-anomaly term.
    eps : float, default=1e-6
        Added to ``d`` before inverting it.
    reduction : {"mean", "none"}, default="mean"
        Return the batch mean or the per-sample losses.

    Returns
    -------
    loss : torch.Tensor
        Scalar (``"mean"``) or shape (n,) (``"none"``).

    Examples
    --------
    >>> import torch
    >>> from mixann.detectors.deepsad import deepsad_loss
    >>> d = torch.tensor([1.0, 4.0, 0.5])
    >>> deepsad_loss(d, torch.tensor([1, -1, 0]), eta=2.0, eps=0.0, reduction="none").tolist()
    [1.0, 0.5, 0.5]
    >>> round(deepsad_loss(d, torch.tensor([1, -1, 0]), eta=2.0, eps=0.0).item(), 4)
    0.6667
    """
    dist_sq = torch.as_tensor(dist_sq)
    labels = torch.as_tensor(labels, device=dist_sq.device)
    if labels.shape != dist_sq.shape:
        raise ValueError("dist_sq and labels differ in shape: "
                         f"{tuple(dist_sq.shape)} vs {tuple(labels.shape)}")
    anomaly = labels == LABELED_ANOMALY
    # torch.where evaluates both branches; clamp the inverse's argument so that d = 0 with
    # eps = 0 on a *normal* sample cannot put inf/nan into the gradient.
    inv = eta / torch.clamp(dist_sq + eps, min=torch.finfo(dist_sq.dtype).tiny)
    losses = torch.where(anomaly, inv, dist_sq)
    if reduction == "none":
        return losses
    if reduction == "mean":
        return losses.mean()
    raise ValueError(f"reduction must be 'mean' or 'none', got {reduction!r}")


def _encoder(n_features, hidden, rep_dim):
    layers, width = [], n_features
    for h in hidden:
        layers += [nn.Linear(width, int(h), bias=False), nn.LeakyReLU()]
        width = int(h)
    layers.append(nn.Linear(width, int(rep_dim), bias=False))
    return nn.Sequential(*layers)


class DeepSAD(BaseEstimator):
    """Deep Semi-supervised Anomaly Detection with a bias-free MLP encoder.

    Parameters
    ----------
    hidden : tuple of int, default=(64, 32)
        Hidden layer widths of the encoder.
    rep_dim : int, default=16
        Dimension of the representation space.
    eta : float, default=1.0
        Weight of the labeled-anomaly term of the loss (:func:`deepsad_loss`).
    epochs : int, default=50
        Passes over the training data.
    lr : float, default=1e-3
        Adam learning rate.
    batch_size : int, default=128
        Minibatch size (reshuffled every epoch).
    weight_decay : float, default=5e-7
        Adam L2 weight decay (the reference implementation's 0.5e-6).
    center_eps : float, default=0.1
        Center entries with ``|c_j| < center_eps`` are set to ``+-center_eps``.
    loss_eps : float, default=1e-6
        ``eps`` of :func:`deepsad_loss`.
    standardize : bool, default=True
        Z-score the inputs with the training mean and standard deviation.
    random_state : int, RandomState or None, default=None
        Seed of the weight initialisation and the minibatch order. Seeding happens inside
        ``torch.random.fork_rng``: torch's global generator is left as it was.
    device : str, default="cpu"
        Torch device.
    n_threads : int or None, default=1
        Torch CPU threads during ``fit`` and ``decision_function`` (restored afterwards); ``None``
        keeps torch's setting. One thread is much faster for these small networks.

    Attributes
    ----------
    center_ : ndarray of shape (rep_dim,)
        The center ``c``.
    net_ : torch.nn.Sequential
        The trained encoder.
    loss_history_ : list of float
        Mean training loss of every epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from mixann.detectors import DeepSAD
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.randn(200, 3), rng.randn(10, 3) * 0.1 + 4])
    >>> y = np.r_[np.zeros(200), np.ones(10)]
    >>> det = DeepSAD(epochs=20, random_state=0).fit(X, y)
    >>> s = det.decision_function(X)
    >>> bool(s[200:].mean() > s[:200].mean())
    True
    """

    def __init__(self, hidden=(64, 32), rep_dim=16, eta=1.0, epochs=50, lr=1e-3, batch_size=128,
                 weight_decay=5e-7, center_eps=0.1, loss_eps=1e-6, standardize=True,
                 random_state=None, device="cpu", n_threads=1):
        self.hidden = hidden
        self.rep_dim = rep_dim
        self.eta = eta
        self.epochs = epochs
        self.lr = lr
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.center_eps = center_eps
        self.loss_eps = loss_eps
        self.standardize = standardize
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads

    def _prepare(self, X):
        return self.scaler_.transform(X) if self.scaler_ is not None else X

    def _embed(self, X):
        out = []
        with torch.no_grad():
            for start in range(0, X.shape[0], 4096):
                xb = torch.from_numpy(X[start:start + 4096]).to(self.device)
                out.append(self.net_(xb))
        return torch.cat(out) if out else torch.zeros((0, self.rep_dim), device=self.device)

    def fit(self, X, y=None):
        """Train on ``X``; ``y`` (1 = anomaly, 0 = normal) marks labeled anomalies and normals.

        With ``y=None`` every sample is unlabeled and Deep SAD reduces to Deep SVDD.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
            0 or 1 only (other labels are refused, named).

        Returns
        -------
        self : DeepSAD
        """
        check_device(self.device)
        check_widths("hidden", self.hidden)
        check_widths("rep_dim", self.rep_dim, example="16")
        X, y = check_Xy(X, y)
        if X.shape[0] < 2:
            raise ValueError("DeepSAD needs at least 2 training samples")
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError("epochs and batch_size must be >= 1")
        self.n_features_in_ = X.shape[1]
        self.scaler_ = Standardizer().fit(X) if self.standardize else None
        Xs = self._prepare(X)
        if y is None:
            semi = np.full(X.shape[0], UNLABELED, dtype=np.int64)
        else:
            semi = np.where(y == 1, LABELED_ANOMALY, LABELED_NORMAL).astype(np.int64)
        seed = resolve_seed(self.random_state)
        with torch_threads(self.n_threads), seeded_torch(seed, self.device):
            self.net_ = _encoder(X.shape[1], self.hidden, self.rep_dim).to(self.device)
            self.net_.eval()
            c = self._embed(Xs).mean(dim=0)
            c[(c.abs() < self.center_eps) & (c < 0)] = -self.center_eps
            c[(c.abs() < self.center_eps) & (c >= 0)] = self.center_eps
            self._c = c.detach()
            X_t = torch.from_numpy(Xs).to(self.device)
            s_t = torch.from_numpy(semi).to(self.device)
            opt = torch.optim.Adam(self.net_.parameters(), lr=self.lr, weight_decay=self.weight_decay)
            self.loss_history_ = []
            self.net_.train()
            n = X.shape[0]
            for _ in range(self.epochs):
                perm = torch.randperm(n).to(self.device)
                total = 0.0
                for start in range(0, n, self.batch_size):
                    idx = perm[start:start + self.batch_size]
                    z = self.net_(X_t[idx])
                    dist = ((z - self._c) ** 2).sum(dim=1)
                    loss = deepsad_loss(dist, s_t[idx], self.eta, self.loss_eps)
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    total += loss.item() * idx.shape[0]
                self.loss_history_.append(total / n)
            self.net_.eval()
        self.center_ = self._c.cpu().numpy()
        return self

    def decision_function(self, X):
        """Anomaly scores ``||phi(x) - c||^2`` (higher = more anomalous).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,)
        """
        if not hasattr(self, "net_"):
            raise RuntimeError("DeepSAD is not fitted; call fit(X, y) first")
        X, _ = check_Xy(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, DeepSAD was fitted on {self.n_features_in_}")
        with torch_threads(self.n_threads):
            z = self._embed(self._prepare(X))
        return ((z - self._c) ** 2).sum(dim=1).cpu().numpy().astype(np.float64)
