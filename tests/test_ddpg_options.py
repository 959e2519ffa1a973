"""DDPGAgent's options against the actor's saturation (docs/quality.md, row 26)."""

import numpy as np

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
