"""The reference estates archproof knows, by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from archproof.estates import aerofs, bragabot, levels, libertum, video_conference
from archproof.estates.model import Estate
from archproof.estates.violations import Violation, find_violation


@dataclass(frozen=True, slots=True)
class ReferenceEstate:
    name: str
    build: Callable[[], Estate]
    violations: tuple[Violation, ...]
    cloud: str = "aws"
    """Where its live form runs: ``aws`` (the local AWS control plane) or ``azure``."""


_ESTATES = {
    "aerofs": ReferenceEstate("aerofs", aerofs.build, aerofs.VIOLATIONS),
    "bragabot": ReferenceEstate("bragabot", bragabot.build, bragabot.VIOLATIONS),
    "levels": ReferenceEstate("levels", levels.build, levels.VIOLATIONS),
    "video-conference": ReferenceEstate(
        "video-conference", video_conference.build, video_conference.VIOLATIONS
    ),
    "libertum": ReferenceEstate("libertum", libertum.build, libertum.VIOLATIONS, cloud="azure"),
}


def names(cloud: str | None = None) -> list[str]:
    """The estates' names (only those whose live form runs on ``cloud``, when given)."""
    return sorted(n for n, e in _ESTATES.items() if cloud is None or e.cloud == cloud)


def reference(name: str) -> ReferenceEstate:
    if name not in _ESTATES:
        raise KeyError(f"no reference estate {name!r} (known: {', '.join(names())})")
    return _ESTATES[name]


def build(name: str, violation: str | None = None) -> Estate:
    """The estate, compliant or with one seeded violation applied."""
    chosen = reference(name)
    estate = chosen.build()
    return find_violation(chosen.violations, violation)(estate) if violation else estate
