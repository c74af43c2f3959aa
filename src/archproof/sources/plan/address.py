"""Terraform addresses: module instance path, resource part and instance key."""

from __future__ import annotations

import re
from dataclasses import dataclass

# One step of an address: a name followed by an optional [key]; keys may hold dots and quotes.
_STEP = re.compile(r'([A-Za-z0-9_\-]+)(\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?')

ANY_KEY = "*"


@dataclass(frozen=True, slots=True)
class Address:
    modules: tuple[tuple[str, str], ...]  # (call name, instance key or "") per module level
    mode: str  # "managed" or "data"
    type: str
    name: str
    key: str  # "" when the resource has no count/for_each

    @property
    def module_path(self) -> str:
        return "".join(f"module.{n}{k}." for n, k in self.modules).rstrip(".")

    @property
    def config_module_path(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.modules)


def split_steps(text: str) -> list[tuple[str, str]]:
    steps: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        match = _STEP.match(text, pos)
        if not match:
            break
        steps.append((match.group(1), match.group(2) or ""))
        pos = match.end()
        if pos < len(text) and text[pos] == ".":
            pos += 1
        else:
            break
    return steps


def parse_address(address: str) -> Address | None:
    steps = split_steps(address)
    modules: list[tuple[str, str]] = []
    index = 0
    while index + 1 < len(steps) and steps[index][0] == "module" and not steps[index][1]:
        modules.append(steps[index + 1])
        index += 2
    rest = steps[index:]
    mode = "managed"
    if rest and rest[0][0] == "data" and not rest[0][1]:
        mode, rest = "data", rest[1:]
    if len(rest) < 2:
        return None
    return Address(tuple(modules), mode, rest[0][0], rest[1][0], rest[1][1])
