"""The data mixer: a DDPG actor-critic (Section 3.4), readable top to bottom.

* The actor maps a state (two standardised source samples, concatenated) to 4 reals;
  the action is ``a = w * sigmoid(pi(s))`` (:func:`scale_action`), giving the neighbourhood
  size k, the ratio alpha, the number of copies n and the termination probability eps.
* The critic ``Q(s, u)`` scores a state with the *unit* action ``u = sigmoid(pi(s))`` in [0, 1]^4,
  so both networks see inputs of similar scale whatever K and N are.
* Actor loss Eq. 3: ``-mean Q(s, pi(s))``; critic loss Eq. 4: squared error to
  ``r + gamma * Q'(s', pi'(s'))`` with target networks updated softly (``tau``).
"""

from __future__ import annotations

import copy

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ._torch import seeded_torch, torch_threads

ACTION_DIM = 4  # (k, alpha, n, eps)


@dataclass(frozen=True)
class MixAction:
    """One decoded action: neighbourhood size, mix ratio, copies, termination probability."""

    k: int
    alpha: float
    n: int
    eps: float


def scale_action(unit_action, max_neighbors, max_oversample):
    """Action scaling ``a = w * u`` with ``w = [K, 1, N, 1]``; k and n rounded, at least 1.

    ``unit_action`` is ``sigmoid(pi(s))``, four numbers in [0, 1]. The paper rounds k and n to
    the nearest integer; a rounded 0 is lifted to 1 because a 0-neighbourhood or 0 copies
    would make the step meaningless.

    Examples
    --------
    >>> from mixann.ddpg import scale_action
    >>> scale_action([0.5, 0.25, 0.5, 0.9], max_neighbors=10, max_oversample=5)
    MixAction(k=5, alpha=0.25, n=2, eps=0.9)
    """
    u = np.clip(np.asarray(unit_action, dtype=float), 0.0, 1.0)
    if u.shape != (ACTION_DIM,):
        raise ValueError(f"unit_action must have 4 entries, got shape {u.shape}")
    w = np.array([max_neighbors, 1.0, max_oversample, 1.0])
    a = w * u
    # np.rint rounds half to even (2.5 -> 2), as Python's round does.
    k = max(1, int(np.rint(a[0])))
    n = max(1, int(np.rint(a[2])))
    return MixAction(k=k, alpha=float(a[1]), n=n, eps=float(a[3]))


def _mlp(in_dim, hidden, out_dim):
    layers, last = [], in_dim
    for width in hidden:
        layers += [nn.Linear(last, width), nn.ReLU()]
        last = width
    layers.append(nn.Linear(last, out_dim))
    return nn.Sequential(*layers)


class Actor(nn.Module):
    """``pi(s)``: state -> 4 pre-sigmoid action values."""

    def __init__(self, state_dim, hidden=(64, 64), initial_eps=0.1):
        super().__init__()
        self.net = _mlp(state_dim, hidden, ACTION_DIM)
        # Why: with a zero-centred output, sigmoid(eps) starts at 0.5 and every episode of
        # an untrained actor would end after its first step. Start the eps output near
        # ``initial_eps`` instead so early episodes explore several steps.
        with torch.no_grad():
            self.net[-1].bias[3] = float(np.log(initial_eps / (1.0 - initial_eps)))

    def forward(self, state):
        return self.net(state)


class Critic(nn.Module):
    """``Q(s, u)``: state and unit action -> expected return."""

    def __init__(self, state_dim, hidden=(64, 64)):
        super().__init__()
        self.net = _mlp(state_dim + ACTION_DIM, hidden, 1)

    def forward(self, state, unit_action):
        return self.net(torch.cat([state, unit_action], dim=-1)).squeeze(-1)


class ReplayBuffer:
    """A ring buffer of transitions ``(s, u, r, s', done)`` sampled uniformly."""

    def __init__(self, state_dim, capacity):
        self.capacity = int(capacity)
        self.states = np.zeros((self.capacity, state_dim), dtype=np.float32)
        self.actions = np.zeros((self.capacity, ACTION_DIM), dtype=np.float32)
        self.rewards = np.zeros(self.capacity, dtype=np.float32)
        self.next_states = np.zeros((self.capacity, state_dim), dtype=np.float32)
        self.dones = np.zeros(self.capacity, dtype=np.float32)
        self.size = 0
        self._next = 0

    def add(self, state, unit_action, reward, next_state, done):
        i = self._next
        self.states[i], self.actions[i], self.rewards[i] = state, unit_action, reward
        self.next_states[i], self.dones[i] = next_state, float(done)
        self._next = (i + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size, rng):
        idx = rng.integers(0, self.size, size=min(batch_size, self.size))
        return (self.states[idx], self.actions[idx], self.rewards[idx],
                self.next_states[idx], self.dones[idx])

    def __len__(self):
        return self.size


def actor_loss(critic, states, unit_actions):
    """Eq. 3: ``-mean_i Q(s_i, pi(s_i))``."""
    return -critic(states, unit_actions).mean()


def critic_target(rewards, next_q, dones, gamma):
    """Eq. 4's regression target ``r + gamma * (1 - done) * Q'(s', pi'(s'))``.

    Examples
    --------
    >>> import torch
    >>> from mixann.ddpg import critic_target
    >>> critic_target(torch.tensor([1.0, 1.0]), torch.tensor([2.0, 2.0]), torch.tensor([0.0, 1.0]), 0.5)
    tensor([2., 1.])
    """
    return rewards + gamma * (1.0 - dones) * next_q


def soft_update(target, source, tau):
    """``target <- tau * source + (1 - tau) * target``.

    ``target`` and ``source`` are modules or lists of their parameters (lists made once save
    walking the modules at every update).
    """
    if isinstance(target, nn.Module):
        target = list(target.parameters())
    if isinstance(source, nn.Module):
        source = list(source.parameters())
    with torch.no_grad():
        for t, s in zip(target, source):
            t.mul_(1.0 - tau).add_(s, alpha=tau)


class DDPGAgent:
    """Actor, critic, their target networks, the replay buffer and the update (Eq. 3, Eq. 4).

    Parameters
    ----------
    state_dim : int
        Width of a state (twice the number of features).
    hidden : tuple of int
        Hidden layer widths of both networks.
    actor_lr, critic_lr : float
        Adam learning rates.
    gamma : float
        Discount factor.
    tau : float
        Soft target update rate.
    batch_size : int
        Transitions per update.
    buffer_size : int
        Replay buffer capacity.
    noise : float
        Standard deviation of the Gaussian exploration noise added to the pre-sigmoid action.
    seed : int
        Seeds the network initialisation (without touching torch's global generator).
    device : str
        Torch device of the networks.
    n_threads : int or None
        Torch CPU threads inside :meth:`act`, :meth:`update` and :meth:`policy` (restored
        after each call; ``None`` leaves torch's setting alone). Why: torch splits the products
        of wide states (from about 800 numbers) differently for other thread counts, which
        changes the weights' last bits; a fixed count keeps the same seed giving the same bytes.
    action_penalty : float
        Adds ``action_penalty * mean(pi(s) ** 2)`` to the actor's loss, which keeps the
        pre-sigmoid actions off the sigmoid's flat ends (0: Eq. 3 as written). Measured: it
        stops the actor's saturation but gains nothing over an untrained actor
        (docs/quality.md, row 26).
    target_noise : float
        TD3's target-policy smoothing: Gaussian noise of this std, clipped at 2.5 std, on the
        target actor's pre-sigmoid action in Eq. 4's target (0: none). Measured: no gain
        (row 26).
    """

    def __init__(self, state_dim, *, hidden=(64, 64), actor_lr=1e-3, critic_lr=1e-3,
                 gamma=0.9, tau=0.01, batch_size=64, buffer_size=10_000, noise=0.5,
                 seed=0, device="cpu", n_threads=1, action_penalty=0.0, target_noise=0.0):
        self.device = torch.device(device)
        self.n_threads = n_threads
        self.action_penalty, self.target_noise = action_penalty, target_noise
        self.gamma, self.tau, self.batch_size, self.noise = gamma, tau, batch_size, noise
        # The caller's torch generators are left untouched (seeded_torch forks them): the
        # same seed gives the same networks whatever else the process did before. The
        # networks are drawn on the CPU, then moved, so the CPU generator is the one seeded.
        with seeded_torch(seed):
            self.actor = Actor(state_dim, hidden).to(self.device)
            self.critic = Critic(state_dim, hidden).to(self.device)
        # Copies, not new networks: building one would draw from the global generator.
        self.actor_target = copy.deepcopy(self.actor)
        self.critic_target = copy.deepcopy(self.critic)
        # Parameter lists made once: the update walks them several times per call.
        self._params = {name: list(getattr(self, name).parameters())
                        for name in ("actor", "critic", "actor_target", "critic_target")}
        self.actor_opt = torch.optim.Adam(self._params["actor"], lr=actor_lr)
        self.critic_opt = torch.optim.Adam(self._params["critic"], lr=critic_lr)
        self.buffer = ReplayBuffer(state_dim, buffer_size)

    def load_weights(self, actor_state, critic_state):
        """Start from saved weights (targets copied from them)."""
        self.actor.load_state_dict(actor_state)
        self.critic.load_state_dict(critic_state)
        self.actor_target.load_state_dict(actor_state)
        self.critic_target.load_state_dict(critic_state)

    def act(self, state, rng, explore=True):
        """Unit action ``sigmoid(pi(s) + noise)`` in [0, 1]^4 for one state (numpy in, numpy out)."""
        with torch_threads(self.n_threads), torch.no_grad():
            s = torch.as_tensor(state, dtype=torch.float32, device=self.device)[None]
            raw = self.actor(s)[0].cpu().numpy().astype(float)
        if explore and self.noise > 0:
            raw = raw + rng.normal(0.0, self.noise, size=ACTION_DIM)
        return 1.0 / (1.0 + np.exp(-raw))

    def policy(self, states):
        """The actor as a numpy function: states (m, state_dim) -> pre-sigmoid actions (m, 4)."""
        with torch_threads(self.n_threads), torch.no_grad():
            return self.actor(torch.as_tensor(states, dtype=torch.float32,
                                              device=self.device)).cpu().numpy()

    def update(self, rng):
        """One DDPG update from a replay batch; returns (critic loss, actor loss)."""
        with torch_threads(self.n_threads):
            return self._update(rng)

    def _update(self, rng):
        s, u, r, s2, d = (torch.as_tensor(a, device=self.device)
                          for a in self.buffer.sample(self.batch_size, rng))
        with torch.no_grad():
            raw_next = self.actor_target(s2)
            if self.target_noise > 0:
                # TD3's target-policy smoothing; clipped at 2.5 std as in TD3 (0.2, clip 0.5).
                bound = 2.5 * self.target_noise
                noise = rng.normal(0.0, self.target_noise, size=tuple(raw_next.shape))
                raw_next = raw_next + torch.as_tensor(noise, dtype=raw_next.dtype,
                                                      device=self.device).clamp(-bound, bound)
            next_u = torch.sigmoid(raw_next)
            target = critic_target(r, self.critic_target(s2, next_u), d, self.gamma)
        critic_loss = nn.functional.mse_loss(self.critic(s, u), target)  # Eq. 4
        self.critic_opt.zero_grad()
        critic_loss.backward()
        self.critic_opt.step()

        raw = self.actor(s)
        loss_pi = actor_loss(self.critic, s, torch.sigmoid(raw))  # Eq. 3
        if self.action_penalty > 0:
            loss_pi = loss_pi + self.action_penalty * (raw ** 2).mean()
        self.actor_opt.zero_grad()
        # Only the actor's gradients: the critic's from this loss were cleared unread by the
        # next critic update, and the actor's are the same numbers without them.
        loss_pi.backward(inputs=self._params["actor"])
        self.actor_opt.step()

        params = self._params
        soft_update(params["actor_target"], params["actor"], self.tau)
        soft_update(params["critic_target"], params["critic"], self.tau)
        return float(critic_loss.detach()), float(loss_pi.detach())
