"""The reference estates archproof knows, by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from archproof.estates import aerofs, bragabot, levels, video_conference
from archproof.estates.model import Estate
from archproof.estates.violations import Violation, find_violation


@dataclass(frozen=True, slots=True)
class ReferenceEstate:
    name: str
    build: Callable[[], Estate]
    violations: tuple[Violation, ...]


_ESTATES = {
    "aerofs": ReferenceEstate("aerofs", aerofs.build, aerofs.VIOLATIONS),
    "bragabot": ReferenceEstate("bragabot", bragabot.build, bragabot.VIOLATIONS),
    "levels": ReferenceEstate("levels", levels.build, levels.VIOLATIONS),
    "video-conference": ReferenceEstate(
        "video-conference", video_conference.build, video_conference.VIOLATIONS
    ),
}


def names() -> list[str]:
    return sorted(_ESTATES)


def reference(name: str) -> ReferenceEstate:
    if name not in _ESTATES:
        raise KeyError(f"no reference estate {name!r} (known: {', '.join(names())})")
    return _ESTATES[name]


def build(name: str, violation: str | None = None) -> Estate:
    """The estate, compliant or with one seeded violation applied."""
    chosen = reference(name)
    estate = chosen.build()
    return find_violation(chosen.violations, violation)(estate) if violation else estate
