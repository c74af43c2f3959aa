"""Proof checks: pytest tests in ``load/`` (later ``chaos/``) that judge a run's evidence.

A proof check is a test function marked with ``@proof_check("load/autoscaling", "slo-held")``
taking ``evidence`` and returning a ``Judgement`` (or ``None`` when the spec does not ask
for it). The proof plugin runs it once per requirement whose ``proofs`` name that proof.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from archproof.load.judge import Judgement
from archproof.load.timeline import Timeline
from archproof.spec.load_profile import LoadProfile

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class ProofInfo:
    proof: str
    check: str
    title: str

    @property
    def control_id(self) -> str:
        return f"{self.proof}/{self.check}"


def proof_check(proof: str, check: str) -> Callable[[F], F]:
    def mark(function: F) -> F:
        doc = (function.__doc__ or "").strip().splitlines()
        function.__archproof_proof__ = ProofInfo(  # type: ignore[attr-defined]
            proof=proof, check=check, title=doc[0].strip() if doc else check
        )
        return function

    return mark


def proof_info(obj: object) -> ProofInfo | None:
    info = getattr(obj, "__archproof_proof__", None)
    return info if isinstance(info, ProofInfo) else None


@dataclass(frozen=True)
class LoadEvidence:
    """What the load run gathered, handed to every proof check in ``load/``."""

    target: str
    profile: LoadProfile
    timeline: Timeline | None
    tls_findings: list[dict[str, object]] | None = None
    """The TLS probe's findings (aspect, ok, seen, required, message); ``None``: not probed."""
    tls_problem: str = ""
    """Why the TLS probe could not run (unreachable, not TLS, plain http entry …)."""

    def covers(self, proof: str) -> bool:
        return proof.startswith("load/")


Judge = Callable[[LoadEvidence], Judgement | None]
