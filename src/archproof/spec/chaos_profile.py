"""The spec's ``chaos:`` section: recovery bounds each failure proof is judged against."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RecoveryBounds(_Strict):
    rto_s: float = Field(default=60, gt=0)
    """Longest time from the fault until the entry point serves without failures again."""
    rpo_writes: int = Field(default=0, ge=0)
    """Acknowledged writes that may be missing after recovery."""
    max_outage_s: float = Field(default=0, ge=0)
    """Hard stop: abort (and roll back) after this long without one successful request;
    0 means twice the RTO bound plus 10 s."""

    @property
    def abort_after_s(self) -> float:
        return self.max_outage_s or 2 * self.rto_s + 10


def _default_bounds() -> dict[str, RecoveryBounds]:
    return {
        "instance-loss": RecoveryBounds(rto_s=15),
        "database-primary-loss": RecoveryBounds(rto_s=45),
        "cache-primary-loss": RecoveryBounds(rto_s=20),
        "zone-loss": RecoveryBounds(rto_s=60),
        "backup-restore": RecoveryBounds(rto_s=300),
    }


class ChaosProfile(_Strict):
    recovery_window_s: float = Field(default=2.0, gt=0)
    """Recovered = every request in a window this long succeeded."""
    experiments: dict[str, RecoveryBounds] = Field(default_factory=_default_bounds)
    """Bounds per proof name (``instance-loss`` for ``chaos/instance-loss``)."""

    def bounds(self, proof: str) -> RecoveryBounds:
        name = proof.removeprefix("chaos/")
        return self.experiments.get(name) or _default_bounds().get(name) or RecoveryBounds()
