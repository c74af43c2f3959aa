"""The later seeded violations show in the plan as the edit they describe."""

from __future__ import annotations

from typing import Any

from archproof.estates import build, plan_document

NETWORK = "module.network"


def _plan(violation: str) -> dict[str, Any]:
    return plan_document(build("bragabot", violation))


def _change(plan: dict[str, Any], address: str) -> dict[str, Any]:
    changes = {c["address"]: c["change"] for c in plan["resource_changes"]}
    found: dict[str, Any] = changes[address]
    return found


def _config(plan: dict[str, Any], address: str, module: str = "") -> dict[str, Any]:
    node = plan["configuration"]["root_module"]
    if module:
        node = node["module_calls"][module]["module"]
    found: dict[str, Any] = {r["address"]: r for r in node["resources"]}[address]
    return found


def test_nat_gateways_move_into_the_private_subnets() -> None:
    nat = _config(_plan("nat-in-private-subnets"), "aws_nat_gateway.main", "network")
    assert nat["expressions"]["subnet_id"] == {"references": ["aws_subnet.private", "count.index"]}


def test_private_subnets_map_public_ips_and_share_one_zone() -> None:
    for index in (0, 1):
        address = f"{NETWORK}.aws_subnet.private[{index}]"
        public = _change(_plan("private-subnets-public-ips"), address)["after"]
        assert public["map_public_ip_on_launch"] is True
        one_zone = _change(_plan("private-tier-one-zone"), address)["after"]
        assert one_zone["availability_zone"] == "us-east-1a"


def test_private_acl_admits_ssh_from_anywhere() -> None:
    acl = _change(_plan("private-acl-ssh-from-anywhere"), f"{NETWORK}.aws_network_acl.private")
    ssh = [r for r in acl["after"]["ingress"] if r["rule_no"] == 120]
    assert ssh == [
        {
            "action": "allow",
            "cidr_block": "0.0.0.0/0",
            "from_port": 22,
            "icmp_code": None,
            "icmp_type": None,
            "ipv6_cidr_block": "",
            "protocol": "tcp",
            "rule_no": 120,
            "to_port": 22,
        }
    ]


def test_private_route_tables_lose_their_default_route() -> None:
    plan = _plan("private-tier-without-egress")
    for index in (0, 1):
        table = _change(plan, f"{NETWORK}.aws_route_table.private[{index}]")
        assert table["after"]["route"] == []


def test_load_balancer_keeps_only_the_http_listener() -> None:
    plan = _plan("no-https-listener")
    listeners = [c["address"] for c in plan["resource_changes"] if c["type"] == "aws_lb_listener"]
    assert listeners == ["aws_lb_listener.http"]


def test_imported_certificate_replaces_the_validated_one() -> None:
    plan = _plan("certificate-expiring")
    certificate = _change(plan, "aws_acm_certificate.app")
    assert certificate["after"]["certificate_body"].startswith("-----BEGIN CERTIFICATE-----")
    assert certificate["after_sensitive"]["private_key"] is True
    assert certificate["after_unknown"]["not_after"] is True  # ACM reads it on import
    types = {c["type"] for c in plan["resource_changes"]}
    assert "aws_acm_certificate_validation" not in types
    listener = _config(plan, "aws_lb_listener.https")
    assert listener["expressions"]["certificate_arn"]["references"][0] == (
        "aws_acm_certificate.app.arn"
    )


def test_encryption_edits() -> None:
    unencrypted = _plan("bastion-disk-unencrypted")
    bastion = _change(unencrypted, "aws_instance.bastion")["after"]
    assert bastion["root_block_device"][0]["encrypted"] is False
    assert _change(unencrypted, "aws_ebs_encryption_by_default.this")["after"]["enabled"] is False
    off = _plan("ebs-default-encryption-off")
    assert _change(off, "aws_ebs_encryption_by_default.this")["after"]["enabled"] is False
    assert _change(off, "aws_instance.bastion")["after"]["root_block_device"][0]["encrypted"]
    sse = _change(
        _plan("data-bucket-aes256"), "aws_s3_bucket_server_side_encryption_configuration.data"
    )["after"]["rule"][0]["apply_server_side_encryption_by_default"][0]
    assert sse == {"kms_master_key_id": "", "sse_algorithm": "AES256"}
    topic = _change(_plan("alerts-topic-unencrypted"), "aws_sns_topic.alerts")
    assert topic["after"]["kms_master_key_id"] is None
    assert "kms_master_key_id" not in topic["after_unknown"]


def test_backup_plan_keeps_three_days() -> None:
    plan = _change(_plan("backups-kept-three-days"), "aws_backup_plan.daily")
    assert plan["after"]["rule"][0]["lifecycle"][0]["delete_after"] == 3
