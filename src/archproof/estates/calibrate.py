"""Developer tool: refresh ``aws_schema.json`` from terraform and the AWS provider plugin.

Needs a ``terraform`` binary and the provider in a plugin directory (no network)::

    python -m archproof.estates.calibrate --plugin-dir /opt/tf-plugins

It trims ``terraform providers schema -json`` to the resource types estates use,
then plans every reference estate's HCL (compliant and with each seeded violation)
for real and records what the provider plans for what the configuration leaves
unset (defaults, blocks planned unknown), so the rendered plans carry the
provider's own values, not guesses.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from archproof.estates import catalogue
from archproof.estates.evaluate import UNKNOWN, Evaluator
from archproof.estates.hcl import write_hcl
from archproof.estates.model import Estate
from archproof.estates.schema import PROVIDER, SCHEMA_FILE, TYPES


def _trim(raw: Mapping[str, Any]) -> dict[str, Any]:
    trimmed: dict[str, Any] = {}
    attributes = {}
    for name, a in sorted(raw.get("attributes", {}).items()):
        flags = "".join(
            f
            for f, key in (
                ("r", "required"),
                ("o", "optional"),
                ("c", "computed"),
                ("s", "sensitive"),
            )
            if a.get(key)
        )
        attributes[name] = {"type": a["type"], "flags": flags}
    if attributes:
        trimmed["attributes"] = attributes
    blocks = {
        name: {"nesting": b["nesting_mode"], "block": _trim(b["block"])}
        for name, b in sorted(raw.get("block_types", {}).items())
    }
    if blocks:
        trimmed["blocks"] = blocks
    return trimmed


def _terraform(args: list[str], cwd: Path, terraform: str) -> str:
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    done = subprocess.run([terraform, *args], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"terraform {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


_PROVIDER_ONLY = """terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
"""
_OFFLINE_PROVIDER = """provider "aws" {
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
"""


def real_plan(hcl_dir: Path, terraform: str, plugin_dir: str) -> dict[str, Any]:
    """``terraform show -json`` of a real plan of an HCL tree, offline (developer tool)."""
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch) / "hcl"
        shutil.copytree(hcl_dir, work)
        (work / "zz_offline_override.tf").write_text(_OFFLINE_PROVIDER, encoding="utf-8")
        _terraform(["init", "-input=false", f"-plugin-dir={plugin_dir}"], work, terraform)
        _terraform(["plan", "-input=false", "-refresh=false", "-out=plan.bin"], work, terraform)
        shown = _terraform(["show", "-json", "plan.bin"], work, terraform)
        plan: dict[str, Any] = json.loads(shown)
        return plan


def _learn_defaults(configured: Any, planned: Any, unknown: Any, block: dict[str, Any]) -> None:
    """Record what the provider plans for what the configuration left unset:
    default values, and blocks it plans as unknown."""
    if not isinstance(configured, Mapping) or not isinstance(planned, Mapping):
        return
    unknown = unknown if isinstance(unknown, Mapping) else {}
    attributes = block.get("attributes", {})
    for name, value in planned.items():
        spec = attributes.get(name)
        unset = spec is not None and name not in configured and "c" not in spec["flags"]
        if unset and value is not None and (not isinstance(value, list | dict) or value):
            block.setdefault("defaults", {})[name] = value
    for name, nested in block.get("blocks", {}).items():
        mine, theirs = configured.get(name), planned.get(name)
        if name not in configured and unknown.get(name) is True:
            nested["computed"] = True
        if isinstance(mine, list) and isinstance(theirs, list) and len(mine) == len(theirs) == 1:
            marks = unknown.get(name)
            inner = marks[0] if isinstance(marks, list) and marks else {}
            _learn_defaults(mine[0], theirs[0], inner, nested["block"])


def refresh(terraform: str, plugin_dir: str) -> None:

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "main.tf").write_text(_PROVIDER_ONLY, encoding="utf-8")
        _terraform(["init", "-input=false", f"-plugin-dir={plugin_dir}"], work, terraform)
        raw = json.loads(_terraform(["providers", "schema", "-json"], work, terraform))
        version = _locked_version(work)
    schemas = raw["provider_schemas"][PROVIDER]["resource_schemas"]
    estates = _calibration_estates()
    wanted = sorted(set(TYPES) | {r.type for e in estates for r in e.resources})
    out = {
        t: {"version": schemas[t]["version"], "block": _trim(schemas[t]["block"])} for t in wanted
    }

    def planned(estate: Estate) -> dict[str, Any]:
        with tempfile.TemporaryDirectory() as scratch:
            write_hcl(estate, Path(scratch))
            return real_plan(Path(scratch), terraform, plugin_dir)

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        plans = list(pool.map(planned, estates))
    for estate, plan in zip(estates, plans, strict=True):
        configured = _configured_values(estate)
        for change in plan["resource_changes"]:
            body = change["change"]
            _learn_defaults(
                configured.get(change["address"], {}),
                body["after"],
                body["after_unknown"],
                out[change["type"]]["block"],
            )
    document = {"provider": PROVIDER, "version": version, "resources": out}
    SCHEMA_FILE.write_text(
        json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8"
    )


def _calibration_estates() -> list[Estate]:
    """Every reference estate, compliant and with each seeded violation: a violation may
    leave unset what the compliant estate sets, and the provider plans defaults for it."""
    found = []
    for name in catalogue.names("aws"):
        found.append(catalogue.build(name))
        found += [catalogue.build(name, v.id) for v in catalogue.reference(name).violations]
    return found


def _locked_version(work: Path) -> str:
    for line in (work / ".terraform.lock.hcl").read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("version "):
            return line.split("=", 1)[1].strip().strip('"')
    return ""


def _configured_values(estate: Estate) -> dict[str, Any]:
    evaluator = Evaluator(estate, lambda _address, _attr: UNKNOWN)
    found: dict[str, Any] = {}
    for instance in evaluator.walk():
        found[instance.address] = instance.values
        evaluator.record(instance.address, instance.values)
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Refresh the trimmed AWS provider schema.")
    parser.add_argument("--terraform", default="terraform")
    parser.add_argument("--plugin-dir", required=True)
    args = parser.parse_args(argv)
    refresh(args.terraform, args.plugin_dir)


if __name__ == "__main__":
    main()
