"""Terraform expressions inside an estate's values: references, templates, function calls.

References are written as Terraform writes them (``aws_subnet.private[count.index].id``,
``module.network.vpc_id``, ``var.azs[count.index]``) and parsed into a root and steps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# A step after a reference's root: ("attr", "id"), ("key", 0), ("key", "a"),
# ("dyn", "count.index"), ("splat", "*").
Step = tuple[str, str | int]

_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
_STEP = re.compile(rf'\.({_NAME})|\[(\d+)\]|\["([^"]*)"\]|\[(count\.index|each\.key)\]|\[(\*)\]')
_INTERPOLATION = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True, slots=True)
class Ref:
    """A Terraform reference expression, e.g. ``aws_subnet.private[count.index].id``."""

    text: str

    def __post_init__(self) -> None:
        self.parse()  # fail early on a malformed reference

    def parse(self) -> tuple[tuple[str, ...], tuple[Step, ...]]:
        """The root (``("aws_vpc", "main")``, ``("var", "azs")``, ``("module", "net", "out")``,
        ``("count", "index")``) and the steps that follow it."""
        head = re.match(rf"{_NAME}(\.{_NAME})?", self.text)
        if head is None:
            raise ValueError(f"not a reference: {self.text!r}")
        root = tuple(head.group(0).split("."))
        rest = self.text[head.end() :]
        if root[0] == "module":
            output = re.match(rf"\.({_NAME})", rest)
            if len(root) != 2 or output is None:
                raise ValueError(f"module reference needs module.NAME.OUTPUT: {self.text!r}")
            root, rest = (*root, output.group(1)), rest[output.end() :]
        if len(root) != 2 and root[0] != "module":
            raise ValueError(f"reference needs a type and a name: {self.text!r}")
        steps: list[Step] = []
        position = 0
        while position < len(rest):
            match = _STEP.match(rest, position)
            if match is None:
                raise ValueError(f"cannot read {rest[position:]!r} in reference {self.text!r}")
            attr, number, key, dynamic, splat = match.groups()
            if attr is not None:
                steps.append(("attr", attr))
            elif number is not None:
                steps.append(("key", int(number)))
            elif key is not None:
                steps.append(("key", key))
            elif dynamic is not None:
                steps.append(("dyn", dynamic))
            else:
                steps.append(("splat", splat))
            position = match.end()
        return root, tuple(steps)

    @property
    def kind(self) -> str:
        """``resource``, ``module``, ``var``, ``count`` or ``each``."""
        first = self.parse()[0][0]
        return first if first in {"module", "var", "count", "each"} else "resource"


@dataclass(frozen=True, slots=True)
class Template:
    """A string with interpolations: ``parts`` are literal text and references."""

    parts: tuple[str | Ref, ...]


FUNCTIONS = ("length", "concat")


@dataclass(frozen=True, slots=True)
class Call:
    """A call of a Terraform function (only those in ``FUNCTIONS``)."""

    function: str
    args: tuple[Any, ...]

    def __post_init__(self) -> None:
        if self.function not in FUNCTIONS:
            raise ValueError(f"unsupported function {self.function!r} (known: {FUNCTIONS})")


def fn(function: str, *args: Any) -> Call:
    return Call(function, args)


def ref(text: str) -> Ref:
    return Ref(text)


def tpl(text: str) -> Template | Ref | str:
    """``"bragabot-${var.azs[count.index]}"`` as a template (a bare ``${x}`` is a reference)."""
    parts: list[str | Ref] = []
    position = 0
    for match in _INTERPOLATION.finditer(text):
        if match.start() > position:
            parts.append(text[position : match.start()])
        parts.append(Ref(match.group(1).strip()))
        position = match.end()
    if position < len(text):
        parts.append(text[position:])
    if len(parts) == 1 and isinstance(parts[0], Ref):
        return parts[0]
    return Template(tuple(parts)) if any(isinstance(p, Ref) for p in parts) else text


def iter_refs(value: Any) -> Iterator[Ref]:
    """Every reference in a value tree, in order of appearance."""
    if isinstance(value, Ref):
        yield value
    elif isinstance(value, Template):
        yield from (part for part in value.parts if isinstance(part, Ref))
    elif isinstance(value, Call):
        for arg in value.args:
            yield from iter_refs(arg)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from iter_refs(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from iter_refs(item)
