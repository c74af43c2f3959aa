"""The HCL names the same resources as the plan and is valid, formatted Terraform."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from archproof.estates import build, plan_document, render_hcl, write_hcl
from archproof.estates.model import Estate

_HEADER = re.compile(r'^resource "([^"]+)" "([^"]+)" \{$', re.MULTILINE)


def _declared(files: dict[str, str]) -> set[str]:
    found = set()
    for path, text in files.items():
        module = path.split("/")[1] if path.startswith("modules/") else ""
        prefix = f"module.{module}." if module else ""
        found |= {f"{prefix}{kind}.{name}" for kind, name in _HEADER.findall(text)}
    return found


def _configured(estate: Estate) -> set[str]:
    root = plan_document(estate)["configuration"]["root_module"]
    found = {r["address"] for r in root["resources"]}
    for name, call in root.get("module_calls", {}).items():
        found |= {f"module.{name}.{r['address']}" for r in call["module"]["resources"]}
    return found


@pytest.mark.parametrize("violation", [None, "no-cpu-alarm"])
def test_hcl_and_plan_name_the_same_resources(violation: str | None) -> None:
    estate = build("bragabot", violation)
    assert (
        _declared(render_hcl(estate))
        == _configured(estate)
        == {r.address for r in estate.resources}
    )


def test_layout_is_a_root_module_and_a_network_module() -> None:
    files = render_hcl(build("bragabot"))
    assert sorted(files) == [
        "main.tf",
        "modules/network/main.tf",
        "modules/network/outputs.tf",
        "modules/network/variables.tf",
        "modules/network/versions.tf",
        "outputs.tf",
    ]
    main = files["main.tf"]
    assert 'module "network" {\n  source = "./modules/network"' in main
    assert re.search(r"vpc_zone_identifier += module\.network\.private_subnet_ids\n", main)
    assert 'provider "aws" {\n  region = "us-east-1"\n}' in main
    network = files["modules/network/main.tf"]
    assert "count = length(var.azs)" in network
    assert 'Name = "${var.name}-private-${var.azs[count.index]}"' in network
    assert "subnet_ids = concat(aws_subnet.private[*].id, aws_subnet.data[*].id)" in network
    assert 'variable "azs" {\n  type        = list(string)' in files["modules/network/variables.tf"]


def test_policy_documents_are_heredocs() -> None:
    main = render_hcl(build("bragabot"))["main.tf"]
    assert "  policy = <<-EOT\n    {\n" in main
    assert '"Action": "kms:*"' in main


def test_security_group_rules_are_separate_resources() -> None:
    main = render_hcl(build("bragabot"))["main.tf"]
    group = main[main.index('resource "aws_security_group" "app" {') :]
    assert "ingress" not in group[: group.index("\n}\n")]
    assert (
        'resource "aws_vpc_security_group_ingress_rule" "app_ssh" {\n'
        "  security_group_id            = aws_security_group.app.id\n"
    ) in main
    assert "  referenced_security_group_id = aws_security_group.bastion.id\n" in main
    assert 'resource "aws_vpc_security_group_egress_rule" "app_out" {' in main


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary")
@pytest.mark.parametrize("violation", ["http-forwards-plaintext", "certificate-expiring"])
def test_terraform_fmt_accepts_the_hcl(tmp_path: Path, violation: str) -> None:
    write_hcl(build("bragabot", violation), tmp_path)
    done = subprocess.run(
        ["terraform", "fmt", "-check", "-diff", "-recursive", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
