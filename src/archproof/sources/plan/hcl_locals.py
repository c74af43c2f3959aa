"""What a configuration's locals refer to, read from its HCL (plan JSON leaves locals out).

Plan JSON lists the references of every expression, but an expression that reads
``local.this_sg_id`` only says that: what the local holds is not recorded
(hashicorp/terraform#35674). With the configuration at hand, each module's ``locals``
blocks are parsed with python-hcl2 and reduced to the references their expressions make.
A module's folder comes from ``.terraform/modules/modules.json`` (what ``terraform init``
wrote), else from a local ``source`` path relative to its caller.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archproof.errors import PlanError
from archproof.sources.plan.hcl_scan import locals_blocks, resource_block
from archproof.sources.plan.traversals import references_in

ModulePath = tuple[str, ...]
_RESOURCE_HEADER = re.compile(r'^\s*resource\s+"([\w-]+)"\s+"([\w-]+)"', re.MULTILINE)


class ConfigurationLocals:
    """The references of each module's locals, parsed on first use of that module."""

    def __init__(self, root: Path, folders: dict[ModulePath, Path]) -> None:
        self.root = root
        self._folders = folders
        self._parsed: dict[ModulePath, dict[str, Any]] = {}
        self._resources: dict[tuple[ModulePath, str, str], dict[str, Any] | None] = {}
        self.notes: list[str] = []

    def references(self, module: ModulePath, name: str) -> list[str] | None:
        """References of ``local.<name>`` in ``module``; ``None`` when the HCL does not say."""
        value = self._value(module, name)
        return None if value is None else references_in(_text(value))

    def items(self, module: ModulePath, name: str) -> list[list[str]] | None:
        """For a local written as a list (``[a.id, b.id]``): each item's references."""
        value = self._value(module, name)
        if not isinstance(value, list):
            return None
        return [references_in(_text(item)) for item in value]

    def blocks(self, module: ModulePath, kind: str, name: str, block: str) -> list[HclBlock] | None:
        """The nested ``block``s of a resource as written (dynamic ones by their content);
        ``None`` when the configuration does not say."""
        key = (module, kind, name)
        if key not in self._resources:
            self._resources[key] = self._read_resource(module, kind, name)
        body = self._resources[key]
        if body is None:
            return None
        found = [_block_of(item, False) for item in _items(body.get(block))]
        for dynamic in _items(body.get("dynamic")):
            for label, spec in dynamic.items():
                if label.strip('"') == block and isinstance(spec, dict):
                    found += [_block_of(item, True) for item in _items(spec.get("content"))]
        return found

    def _read_resource(self, module: ModulePath, kind: str, name: str) -> dict[str, Any] | None:
        import hcl2

        folder = self._folders.get(module)
        for path in sorted(folder.glob("*.tf")) if folder is not None else ():
            try:
                text = resource_block(path.read_text(encoding="utf-8"), kind, name)
                if text is None:
                    continue
                parsed = hcl2.loads(text)
            except Exception as exc:  # unreadable file, or python-hcl2's parse errors
                self.notes.append(f"{path}: resource {kind}.{name} not parsed ({exc})")
                return None
            for resource in parsed.get("resource") or []:
                body = (resource.get(f'"{kind}"') or {}).get(f'"{name}"')
                if isinstance(body, dict):
                    return body
        return None

    def _value(self, module: ModulePath, name: str) -> Any:
        if module not in self._parsed:
            folder = self._folders.get(module)
            self._parsed[module] = self._read(folder) if folder is not None else {}
        return self._parsed[module].get(name)

    def _read(self, folder: Path) -> dict[str, Any]:
        import hcl2

        found: dict[str, Any] = {}
        for path in sorted(folder.glob("*.tf")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                self.notes.append(f"{path}: not read ({exc})")
                continue
            blocks = "\n".join(locals_blocks(text))
            if not blocks:
                continue
            try:
                parsed = hcl2.loads(blocks)
            except Exception as exc:  # python-hcl2 raises lark's errors and others
                self.notes.append(f"{path}: locals not parsed ({type(exc).__name__})")
                continue
            for block in parsed.get("locals") or []:
                for name, value in block.items():
                    if not name.startswith("__"):
                        found[name] = value
        return found


@dataclass(frozen=True, slots=True)
class HclBlock:
    """One nested block as written: literal values, and the references of the others."""

    constants: dict[str, Any]
    references: dict[str, list[str]]
    dynamic: bool


def _items(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _block_of(item: dict[str, Any], dynamic: bool) -> HclBlock:
    constants: dict[str, Any] = {}
    references: dict[str, list[str]] = {}
    for key, value in item.items():
        if key.startswith("__"):
            continue
        if isinstance(value, bool | int | float):
            constants[key] = value
        elif isinstance(value, str) and "${" not in value:
            constants[key] = value.strip('"')
        else:
            found = references_in(_text(value))
            if found:
                references[key] = found
    return HclBlock(constants, references, dynamic)


def _text(value: Any) -> str:
    """Every expression text in a parsed value (lists and objects hold several)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return " ".join(f"{_text(k)} {_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value)
    return ""


def load_configuration(
    root: Path, configuration: Any, explicit: bool
) -> ConfigurationLocals | None:
    """The locals of the configuration in ``root``, if it is the plan's configuration.

    ``explicit``: the user named the folder, so a folder that is not the plan's
    configuration is bad input; a folder found by default is then simply not used.
    """
    if not root.is_dir():
        if explicit:
            raise PlanError(str(root), "--tf-dir is not a folder")
        return None
    missing = _missing_root_resources(root, configuration)
    if missing is not None:
        if explicit:
            raise PlanError(
                str(root),
                f"--tf-dir does not hold the plan's configuration ({missing} is not declared"
                " in its .tf files)",
            )
        return None
    return ConfigurationLocals(root, module_folders(root, configuration))


def _missing_root_resources(root: Path, configuration: Any) -> str | None:
    declared: set[str] = set()
    files = list(root.glob("*.tf"))
    if not files:
        return "any resource"
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        declared.update(f"{t}.{n}" for t, n in _RESOURCE_HEADER.findall(text))
    root_module = (configuration or {}).get("root_module") or {}
    for resource in root_module.get("resources") or []:
        address = resource.get("address") if isinstance(resource, dict) else None
        managed = isinstance(address, str) and resource.get("mode") == "managed"
        if managed and address not in declared:
            return str(address)
    return None


def module_folders(root: Path, configuration: Any) -> dict[ModulePath, Path]:
    """Folder of each module of the configuration (``()`` is the root)."""
    folders: dict[ModulePath, Path] = {(): root}
    manifest = root / ".terraform" / "modules" / "modules.json"
    if manifest.is_file():
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8")).get("Modules") or []
        except (OSError, ValueError):
            entries = []
        for entry in entries:
            key, folder = entry.get("Key"), entry.get("Dir")
            if isinstance(key, str) and key and isinstance(folder, str):
                folders[tuple(key.split("."))] = (root / folder).resolve()
    root_module = (configuration or {}).get("root_module") or {}
    for path, source in _module_calls(root_module, ()):
        parent = folders.get(path[:-1])
        if path not in folders and parent is not None and source.startswith(("./", "../")):
            folders[path] = (parent / source).resolve()
    return folders


def _module_calls(module: Any, prefix: ModulePath) -> Iterator[tuple[ModulePath, str]]:
    calls = module.get("module_calls") if isinstance(module, dict) else None
    for name, call in (calls or {}).items():
        if not isinstance(call, dict):
            continue
        path = (*prefix, name)
        yield path, str(call.get("source") or "")
        yield from _module_calls(call.get("module"), path)
