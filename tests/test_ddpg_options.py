"""DDPGAgent's options against the actor's saturation (docs/quality.md, row 26)."""

import numpy as np
import pytest

from mixann.ddpg import DDPGAgent


def _trained(seed=0, **options):
    """An agent trained on transitions whose reward grows with every unit action: the critic
    learns that larger actions pay, and the actor follows it towards the sigmoid's flat end."""
    agent = DDPGAgent(6, hidden=(16, 16), batch_size=32, actor_lr=1e-2, critic_lr=1e-2,
                      seed=seed, **options)
    rng = np.random.default_rng(seed)
    for _ in range(256):
        u = rng.uniform(size=4)
        agent.buffer.add(rng.normal(size=6), u, float(u.sum()), rng.normal(size=6), True)
    for _ in range(300):
        agent.update(rng)
    states = np.random.default_rng(1).normal(size=(64, 6))
    return agent, agent.policy(states)


def test_the_action_penalty_keeps_the_actor_off_the_flat_ends():
    _, plain = _trained()
    _, penalised = _trained(action_penalty=0.5)
    assert np.abs(plain).mean() > 5.0  # saturated: sigmoid(5) = 0.993 (measured: about 14)
    assert np.abs(penalised).mean() < 2.0  # measured: about 0.85


def test_target_smoothing_changes_the_update_and_stays_seeded():
    plain, _ = _trained()
    smooth, _ = _trained(target_noise=0.2)
    again, _ = _trained(target_noise=0.2)

    def critic_bytes(agent):
        return b"".join(p.detach().numpy().tobytes() for p in agent.critic.parameters())

    assert critic_bytes(smooth) != critic_bytes(plain)
    assert critic_bytes(smooth) == critic_bytes(again)


def _reference_update(agent, actor_opt, critic_opt, rng):
    """The update as it was written before its per-call overhead was cut: torch.optim.Adam, a
    per-tensor soft update, the actor's loss differentiated for every parameter."""
    import torch
    from torch import nn

    from mixann.ddpg import actor_loss, critic_target

    s, u, r, s2, d = (torch.as_tensor(a) for a in agent.buffer.sample(agent.batch_size, rng))
    with torch.no_grad():
        raw_next = agent.actor_target(s2)
        if agent.target_noise > 0:
            bound = 2.5 * agent.target_noise
            noise = rng.normal(0.0, agent.target_noise, size=tuple(raw_next.shape))
            raw_next = raw_next + torch.as_tensor(noise, dtype=raw_next.dtype).clamp(-bound, bound)
        target = critic_target(r, agent.critic_target(s2, torch.sigmoid(raw_next)), d,
                               agent.gamma)
    critic_loss = nn.functional.mse_loss(agent.critic(s, u), target)
    critic_opt.zero_grad()
    critic_loss.backward()
    critic_opt.step()
    raw = agent.actor(s)
    loss_pi = actor_loss(agent.critic, s, torch.sigmoid(raw))
    if agent.action_penalty > 0:
        loss_pi = loss_pi + agent.action_penalty * (raw ** 2).mean()
    actor_opt.zero_grad()
    loss_pi.backward()
    actor_opt.step()
    with torch.no_grad():
        for target_net, net in ((agent.actor_target, agent.actor),
                                (agent.critic_target, agent.critic)):
            for t, p in zip(target_net.parameters(), net.parameters()):
                t.mul_(1.0 - agent.tau).add_(p, alpha=agent.tau)
    return float(critic_loss.detach()), float(loss_pi.detach())


@pytest.mark.parametrize("options", [{}, {"action_penalty": 0.1, "target_noise": 0.2}])
def test_update_gives_the_reference_updates_bytes(options):
    # DDPGAgent.update takes the actor's gradients only and soft-updates parameter lists made
    # once: the same numbers, bit for bit, as the update written before (every gradient, the
    # modules walked at each call).
    import torch

    def agent_and_rng():
        agent = DDPGAgent(10, hidden=(16, 16), batch_size=32, seed=3, **options)
        rng = np.random.default_rng(0)
        for i in range(200):
            agent.buffer.add(rng.normal(size=10), rng.uniform(size=4), rng.normal(),
                             rng.normal(size=10), i % 5 == 0)
        return agent, rng

    fast, fast_rng = agent_and_rng()
    ref, ref_rng = agent_and_rng()
    actor_opt = torch.optim.Adam(ref.actor.parameters(), lr=1e-3)
    critic_opt = torch.optim.Adam(ref.critic.parameters(), lr=1e-3)
    for _ in range(150):
        assert fast.update(fast_rng) == _reference_update(ref, actor_opt, critic_opt, ref_rng)
    for name in ("actor", "critic", "actor_target", "critic_target"):
        for a, b in zip(getattr(fast, name).parameters(), getattr(ref, name).parameters()):
            assert torch.equal(a, b), name
    assert fast_rng.integers(2**62) == ref_rng.integers(2**62)  # the same draws
