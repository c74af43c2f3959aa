"""Load shapes: users over time for each kind, and the run's end."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from archproof.load.shapes import peak_users, users_at
from archproof.spec.load_profile import LoadShape


def test_ramp_rises_then_holds_then_stops() -> None:
    shape = LoadShape(kind="ramp", users=20, ramp_s=10, duration_s=30)
    assert [users_at(shape, t) for t in (0, 5, 10, 29)] == [1, 10, 20, 20]
    assert users_at(shape, 30) is None


def test_step_adds_users_each_step_up_to_peak() -> None:
    shape = LoadShape(kind="step", users=12, step_users=5, step_s=10, duration_s=60)
    assert [users_at(shape, t) for t in (0, 10, 20, 30)] == [5, 10, 12, 12]


def test_spike_and_soak() -> None:
    spike = LoadShape(kind="spike", users=50, base_users=3, spike_at_s=10, spike_s=5, duration_s=30)
    assert [users_at(spike, t) for t in (0, 10, 14, 15)] == [3, 50, 50, 3]
    assert peak_users(spike) == 50
    soak = LoadShape(kind="soak", users=7, duration_s=100)
    assert users_at(soak, 0) == users_at(soak, 99) == 7


def test_spike_must_fit_the_run() -> None:
    with pytest.raises(ValidationError, match="spike_at_s"):
        LoadShape(kind="spike", spike_at_s=50, spike_s=20, duration_s=60)
