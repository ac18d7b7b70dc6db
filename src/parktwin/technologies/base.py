"""What the technology modules share: the agents an item names, and one change commissioned on each."""

from __future__ import annotations

from parktwin.agents.base import Investment

Applied = tuple[str, list[Investment]]  # a one-line description, the capacity it adds


def in_park(ids, pool: dict) -> list:
    """The agents an item names that are in the park now (not yet entered or already left: skipped)."""
    agents = list(pool.values()) if ids == "all" else [pool[i] for i in ids if i in pool]
    return [a for a in agents if not getattr(a, "left", False)]


def firms(op, item) -> list:
    """The firms a roadmap item names that are in the park now."""
    return in_park(item.enterprises, op.model.enterprises)


def on_agents(agents: list, kind: str, value, item, hour: float, year: int, size=None) -> list[Investment]:
    """Commission the same change on each agent; collect the capacity each one adds: ``size(agent,
    change, year)`` (a technology's own sizing of a firm's change), else the agent's ``investments``."""
    out: list[Investment] = []
    source = item.id or item.kind
    for agent in agents:
        change = agent.commission(hour, kind, value, source)
        out += size(agent, change, year) if size is not None else agent.investments(change, year)
    return out
