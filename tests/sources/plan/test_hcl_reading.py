"""Reading what plan JSON leaves out from a configuration's HCL: references of expressions,
top-level blocks found past strings, heredocs and comments, locals per module."""

from __future__ import annotations

from pathlib import Path

from archproof.sources.plan.hcl_locals import ConfigurationLocals, module_folders
from archproof.sources.plan.hcl_scan import locals_blocks, resource_block
from archproof.sources.plan.traversals import references_in

TRICKY = """
# locals { this = "is a comment" }
locals {
  a = "}{ not a brace ${local.b} }"
  b = <<-EOT
    locals { inside = heredoc }
  EOT
  /* } */
  c = [aws_subnet.x["k"].id, module.net.ids[0]]
}
resource "aws_security_group" "web" {
  ingress { from_port = 22 }
}
resource "aws_security_group" "web_extra" {}
"""


def test_references_are_what_plan_json_would_list() -> None:
    expression = '${var.create ? concat(aws_security_group.this.*.id, [""])[0] : var.id}'
    assert references_in(expression) == ["var.create", "aws_security_group.this", "var.id"]
    assert references_in('${[for s in aws_subnet.private : s.id if s.tags["a.b"] == "x"]}') == [
        "aws_subnet.private"
    ]
    assert references_in('${each.value["subnet_id"]}') == ['each.value["subnet_id"]']
    assert references_in('"${local.name}-db.example.com"') == ["local.name"]


def test_blocks_are_found_past_strings_heredocs_and_comments() -> None:
    blocks = locals_blocks(TRICKY)
    assert len(blocks) == 1
    assert blocks[0].startswith("locals {") and blocks[0].rstrip().endswith("}")
    assert "module.net.ids[0]" in blocks[0]
    web = resource_block(TRICKY, "aws_security_group", "web")
    assert web is not None and "from_port = 22" in web and "web_extra" not in web
    assert resource_block(TRICKY, "aws_security_group", "nothing") is None


def test_locals_and_their_list_items(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TRICKY)
    (tmp_path / "broken.tf").write_text("locals {\n  x = [\n}\n")
    config = ConfigurationLocals(tmp_path, {(): tmp_path})
    assert config.references((), "a") == ["local.b"]
    assert config.items((), "c") == [['aws_subnet.x["k"].id'], ["module.net.ids[0]"]]
    assert config.references((), "missing") is None
    assert any("broken.tf" in note for note in config.notes)  # one line, nothing lost


def test_module_folders_from_local_sources(tmp_path: Path) -> None:
    configuration = {
        "root_module": {
            "module_calls": {
                "net": {"source": "./modules/net", "module": {"module_calls": {}}},
                "registry": {"source": "terraform-aws-modules/vpc/aws", "module": {}},
            }
        }
    }
    folders = module_folders(tmp_path, configuration)
    assert folders[("net",)] == (tmp_path / "modules" / "net").resolve()
    assert ("registry",) not in folders  # only .terraform/modules/modules.json knows where
