"""Finding controls: import the check files and read the ``@control`` marks on their functions."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

from archproof.controls.api import ControlInfo, control_info
from archproof.errors import UsageError

BUILTIN_CHECKS = Path(__file__).resolve().parents[3] / "checks"


def checks_dirs(extra: list[str] | None = None) -> list[Path]:
    dirs = [BUILTIN_CHECKS]
    for item in extra or []:
        path = Path(item)
        if not path.is_dir():
            raise UsageError(f"--checks {item}: not a directory")
        dirs.append(path.resolve())
    return dirs


def discover(dirs: list[Path]) -> dict[str, ControlInfo]:
    found: dict[str, ControlInfo] = {}
    for directory in dirs:
        for path in sorted(directory.glob("test_*.py")):
            # named by the whole path: a team's own checks/test_iam.py is not the built-in one
            digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
            module_name = f"_archproof_checks_{path.stem}_{digest}"
            module = sys.modules.get(module_name)
            if module is None:
                spec = importlib.util.spec_from_file_location(module_name, path)
                if spec is None or spec.loader is None:
                    continue
                module = importlib.util.module_from_spec(spec)
                sys.modules[module_name] = module
                spec.loader.exec_module(module)
            for value in vars(module).values():
                info = control_info(value)
                if info is None:
                    continue
                if info.id in found and found[info.id].function is not info.function:
                    raise UsageError(f"control id {info.id!r} is defined twice ({path})")
                found[info.id] = info
    return found
