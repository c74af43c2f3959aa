"""The lab observer: HAProxy servers UP in the app backend (runtime API) and the lab
autoscaler's desired capacity and decisions. In the lab the autoscaler is archproof's own
emulation of a cloud autoscaler; on AWS or Kubernetes the real one is observed instead."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from archproof.lab.layout import LabLayout
from archproof.lab.runtime import RuntimeAPI
from archproof.load.observers.base import CapacitySample, ObserverError


class LabObserver:
    def __init__(self, layout: LabLayout, backend: str = "app") -> None:
        self.layout, self.backend = layout, backend
        self.api = RuntimeAPI(layout.runtime_socket)

    @property
    def name(self) -> str:
        return f"lab:haproxy/{self.backend}"

    def sample(self) -> CapacitySample:
        try:
            servers = self.api.servers(self.backend)
        except Exception as exc:
            raise ObserverError(
                f"lab HAProxy runtime API {self.layout.runtime_socket}: {exc}"
            ) from None
        if not servers:
            raise ObserverError(f"lab HAProxy has no backend {self.backend!r}")
        state = _read_json(self.layout.autoscaler_state)
        enabled = bool(state.get("enabled")) if state else False
        active = [s for s in servers if not s.in_maintenance]
        desired = state.get("desired") if enabled and state else None
        return CapacitySample(
            t=time.time(),
            desired=int(desired) if isinstance(desired, int) else len(active),
            healthy=sum(1 for s in servers if s.up),
            detail={
                "servers": {s.name: s.status for s in servers},
                "autoscaler_enabled": enabled,
            },
        )


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def autoscaler_decisions(layout: LabLayout, start: float, end: float) -> list[dict[str, Any]]:
    """The lab autoscaler's decisions between ``start`` and ``end`` (epoch seconds)."""
    try:
        lines = layout.autoscaler_log.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    decisions = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        t = entry.get("t") if isinstance(entry, dict) else None
        if isinstance(t, int | float) and start <= t <= end:
            decisions.append(entry)
    return decisions
