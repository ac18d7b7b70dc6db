"""Per-process caches of the agents: values shared by runs must depend on their key alone."""

from __future__ import annotations

from parktwin.agents import base
from parktwin.agents.base import Change, state_cache
from parktwin.agents.enterprise import NO_MEASURES, FirmState, fold_firm_state


def test_a_state_cache_is_shared_by_equal_inputs_and_bounded(monkeypatch):
    monkeypatch.setattr(base, "_STATE_CACHES", {})
    monkeypatch.setattr(base, "STATE_CACHE_MAX", 2)
    monkeypatch.setattr(base, "STATE_CACHES_MAX", 3)
    a = state_cache("terms", (1.0, (0.2, 0.3, 0.5)))
    assert state_cache("terms", (1.0, (0.2, 0.3, 0.5))) is a  # equal inputs: the same dict
    assert state_cache("terms", (2.0, (0.2, 0.3, 0.5))) is not a  # other inputs: another
    assert state_cache("room", (1.0, (0.2, 0.3, 0.5))) is not a  # another quantity: another
    a.update({"x": 1, "y": 2})
    assert state_cache("terms", (1.0, (0.2, 0.3, 0.5))) == {}  # a full dict is emptied
    state_cache("other", ())  # a fourth dict: all three are dropped first
    assert state_cache("terms", (1.0, (0.2, 0.3, 0.5))) is not a


def test_a_firm_state_is_folded_once_per_process():
    # Two runs commissioning the same 10 % efficiency measure on the same state share one object;
    # the fold's value is the hand-computed one: factor 1 × (1 - 0.1) = 0.9.
    first = fold_firm_state(NO_MEASURES, Change(100.0, "efficiency", 0.1, "run 1"))
    again = fold_firm_state(FirmState(), Change(9000.0, "efficiency", 0.1, "run 2"))
    assert again is first
    assert first.efficiency_factor == 0.9 and first.own_eb == (0.0, 0.0, 0.0)
    boiler = fold_firm_state(first, Change(200.0, "electric_boiler", (0.5, False)))
    assert boiler.own_eb == (0.5, 0.5, 0.5) and boiler.bought_eb == (0.0, 0.0, 0.0) and boiler.efficiency_factor == 0.9
