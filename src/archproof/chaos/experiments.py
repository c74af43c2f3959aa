"""Experiment files in ``chaos/``: chaostoolkit JSON or YAML, validated before anything runs.

Each carries an ``archproof`` extension naming the proof it gives (``chaos/zone-loss``), its
variant (``lab``, ``aws``) and its targets (configuration keys naming what it mutates).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from archproof.errors import UsageError

CHAOS_DIR = Path(__file__).resolve().parents[3] / "chaos"


@dataclass(frozen=True)
class Experiment:
    path: Path
    document: dict[str, Any] = field(repr=False)

    @property
    def extension(self) -> dict[str, Any]:
        for item in self.document.get("extensions", []) or []:
            if isinstance(item, dict) and item.get("name") == "archproof":
                return item
        return {}

    @property
    def proof(self) -> str:
        return str(self.extension.get("proof", ""))

    @property
    def variant(self) -> str:
        return str(self.extension.get("variant", ""))

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def title(self) -> str:
        return str(self.document.get("title", self.name))

    def activities(self, section: str) -> list[dict[str, Any]]:
        found = self.document.get(section, []) or []
        return [a for a in found if isinstance(a, dict)]


def read_experiment(path: Path) -> Experiment:
    """Parse and validate one experiment file; bad ones raise ``UsageError`` naming the file."""
    from chaoslib.exceptions import ChaosException
    from chaoslib.experiment import ensure_experiment_is_valid

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the experiment: {exc.strerror}") from None
    try:
        document = yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else json.loads(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise UsageError(f"{path}: not valid {path.suffix[1:].upper()}: {exc}") from None
    if not isinstance(document, dict):
        raise UsageError(f"{path}: an experiment must be a mapping")
    experiment = Experiment(path, document)
    if not experiment.proof.startswith("chaos/"):
        raise UsageError(f"{path}: needs an extension {{'name': 'archproof', 'proof': 'chaos/…'}}")
    try:
        ensure_experiment_is_valid(document)
    except ChaosException as exc:
        raise UsageError(f"{path}: invalid experiment: {exc}") from None
    return experiment


def discover(variant: str, directory: Path = CHAOS_DIR) -> list[Experiment]:
    """Every experiment of ``variant`` in ``directory`` (files ``<variant>-*.json|yaml``)."""
    paths = sorted(
        p
        for p in directory.glob(f"{variant}-*")
        if p.suffix in (".json", ".yaml", ".yml") and p.is_file()
    )
    return [read_experiment(p) for p in paths]
