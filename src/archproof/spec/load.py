"""Reading a spec file: YAML → validated ``Spec``; every problem names file, line and field."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from archproof.errors import SpecError
from archproof.spec.model import Spec, Waiver

Location = tuple[str | int, ...]


def _line_index(node: yaml.Node, path: Location, index: dict[Location, int]) -> None:
    index[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            index[(*path, key)] = key_node.start_mark.line + 1
            _line_index(value_node, (*path, key), index)
            index[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            _line_index(item, (*path, position), index)


def _read_yaml(path: Path) -> tuple[Any, dict[Location, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(str(path), "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(str(path), f"cannot read: {exc}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise SpecError(str(path), f"not valid YAML: {exc.problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise SpecError(str(path), f"not valid YAML: {exc}") from None
    index: dict[Location, int] = {}
    if node is not None:
        _line_index(node, (), index)
    return data, index


def _nearest_line(index: Mapping[Location, int], loc: Location) -> int | None:
    probe = tuple(loc)
    while probe:
        if probe in index:
            return index[probe]
        probe = probe[:-1]
    return index.get(())


def _field(loc: Location) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _raise_validation(path: Path, exc: ValidationError, index: Mapping[Location, int]) -> None:
    first = exc.errors()[0]
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown field"
    more = len(exc.errors()) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    raise SpecError(str(path), message, line=_nearest_line(index, loc), field=_field(loc))


def load_spec(path: str | Path, catalogue: Mapping[str, Any] | None = None) -> Spec:
    """Load and validate a spec; with a control catalogue, also its control ids and params.

    Waivers may sit beside the spec in ``<name>.waivers.yaml``.
    """
    path = Path(path)
    data, index = _read_yaml(path)
    if not isinstance(data, dict):
        raise SpecError(str(path), "a spec is a YAML mapping (system, cloud, requirements …)", 1)
    try:
        spec = Spec.model_validate(data)
    except ValidationError as exc:
        _raise_validation(path, exc, index)
        raise  # unreachable
    waiver_file = path.with_name(
        path.name.removesuffix(".yaml").removesuffix(".yml") + ".waivers.yaml"
    )
    if waiver_file.exists():
        extra = load_waivers(waiver_file)
        for waiver in extra:
            unknown = [e for e in waiver.environments if e not in spec.environments]
            if unknown:
                raise SpecError(
                    str(waiver_file),
                    f"waiver of {waiver.control}: unknown environment {unknown[0]!r}",
                    field="environments",
                )
        spec = spec.model_copy(update={"waivers": [*spec.waivers, *extra]})
    if catalogue is not None:
        check_controls(spec, catalogue, path, index)
    return spec


def load_waivers(path: Path) -> list[Waiver]:
    data, index = _read_yaml(path)
    items = data.get("waivers", data) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise SpecError(str(path), "a waiver file holds a list of waivers", 1)
    waivers = []
    for position, item in enumerate(items):
        try:
            waivers.append(Waiver.model_validate(item))
        except ValidationError as exc:
            loc: Location = (position, *exc.errors()[0]["loc"])
            if isinstance(data, dict):
                loc = ("waivers", *loc)
            first = exc.errors()[0]
            raise SpecError(
                str(path), first["msg"], line=_nearest_line(index, loc), field=_field(loc)
            ) from None
    return waivers


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_controls(
    spec: Spec, catalogue: Mapping[str, Any], path: Path, index: Mapping[Location, int]
) -> None:
    """Every control id exists; every parameter is one some control takes, with its type."""
    known = sorted(catalogue)
    param_types: dict[str, type] = {}
    for info in catalogue.values():
        for name, default in info.params.items():
            param_types.setdefault(name, type(default))

    def _check_param(name: str, value: Any, loc: Location, takers: Mapping[str, Any]) -> None:
        if name not in takers:
            raise SpecError(
                str(path),
                f"no control takes the parameter {name!r}{_suggest(name, sorted(takers))}",
                line=_nearest_line(index, loc),
                field=_field(loc),
            )
        wanted = takers[name]
        ok = isinstance(value, wanted) and not (wanted is int and isinstance(value, bool))
        if wanted is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            raise SpecError(
                str(path),
                f"{name} must be {wanted.__name__}, got {type(value).__name__} {value!r}",
                line=_nearest_line(index, loc),
                field=_field(loc),
            )

    for env, params in spec.environments.items():
        for name, value in params.items():
            _check_param(name, value, ("environments", env, name), param_types)
    for name, value in spec.params.items():
        _check_param(name, value, ("params", name), param_types)
    for r_pos, req in enumerate(spec.requirements):
        for c_pos, use in enumerate(req.controls):
            loc: Location = ("requirements", r_pos, "controls", c_pos)
            if use.id not in catalogue:
                raise SpecError(
                    str(path),
                    f"unknown control {use.id!r}{_suggest(use.id, known)}",
                    line=_nearest_line(index, loc),
                    field=_field(loc),
                )
            own = {n: type(d) for n, d in catalogue[use.id].params.items()}
            for name, value in use.params.items():
                _check_param(name, value, (*loc, "params", name), own)
            for env, params in use.environment_params.items():
                for name, value in params.items():
                    _check_param(name, value, (*loc, "environment_params", env, name), own)
        for name, value in req.params.items():
            _check_param(name, value, ("requirements", r_pos, "params", name), param_types)
        for env, params in req.environment_params.items():
            for name, value in params.items():
                place: Location = ("requirements", r_pos, "environment_params", env, name)
                _check_param(name, value, place, param_types)
        for role in _roles_named(req, catalogue):
            if role not in spec.roles:
                raise SpecError(
                    str(path),
                    f"requirement {req.id} needs role {role!r}, which spec.roles does not define",
                    line=_nearest_line(index, ("requirements", r_pos)),
                    field=_field(("requirements", r_pos)),
                )
    scanner_controls = scanner_control_ids(spec)
    for w_pos, waiver in enumerate(spec.waivers):
        if waiver.control in scanner_controls:
            continue
        if waiver.control not in catalogue:
            loc = ("waivers", w_pos, "control")
            raise SpecError(
                str(path),
                f"waiver for unknown control {waiver.control!r}{_suggest(waiver.control, known)}",
                line=_nearest_line(index, loc),
                field=_field(loc),
            )


def scanner_control_ids(spec: Spec) -> set[str]:
    """``checkov:CKV_AWS_157``-style ids of the scanner checks the spec maps (waivable)."""
    return {
        f"{tool}:{check.id}" for req in spec.requirements for tool, check in req.scanners.items()
    }


def _roles_named(req: Any, catalogue: Mapping[str, Any]) -> set[str]:
    roles: set[str] = set()
    for use in req.controls:
        info = catalogue[use.id]
        for name, default in info.params.items():
            if name.endswith("_role") or name == "role":
                roles.add(str(use.params.get(name, req.params.get(name, default))))
            if name.endswith("_roles"):
                value = use.params.get(name, req.params.get(name, default))
                roles.update(str(v) for v in value)
    roles.discard("")
    return roles
