"""Where terraform and the AWS provider are installed, our plan equals a real one.

``terraform plan`` of the exported HCL (offline, provider from a plugin directory)
must give the same ``terraform show -json`` as the renderer, but for what a real
run adds: a timestamp, the offline provider settings, its own version, and the
(unordered) ``relevant_attributes``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from archproof.estates import build, plan_document, write_hcl
from archproof.estates.calibrate import real_plan

PLUGINS = os.environ.get("ARCHPROOF_TF_PLUGIN_DIR", "/opt/tf-plugins")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("terraform") is None or not Path(PLUGINS).is_dir(),
        reason="needs terraform and the AWS provider in ARCHPROOF_TF_PLUGIN_DIR",
    ),
]


def _comparable(plan: dict[str, Any]) -> dict[str, Any]:
    dropped = {"timestamp", "relevant_attributes", "terraform_version"}
    kept = {k: v for k, v in plan.items() if k not in dropped}
    configuration = dict(kept["configuration"])
    configuration.pop("provider_config")
    kept["configuration"] = configuration
    kept["relevant"] = sorted(
        (r["resource"], str(r["attribute"])) for r in plan["relevant_attributes"]
    )
    return kept


def test_rendered_plan_equals_terraform_plan_of_the_hcl(tmp_path: Path) -> None:
    estate = build("bragabot", "ssh-to-nodes-from-internet")
    write_hcl(estate, tmp_path)
    real = real_plan(tmp_path, "terraform", PLUGINS)
    mine = plan_document(estate)
    assert _comparable(mine) == _comparable(real)
