"""Provisioners for security groups: the groups, the VPC's default group, and rule resources.

A group's inline ``ingress``/``egress`` (when written) become exactly its rules, as
Terraform makes them; like the AWS provider, a new group loses the allow-all egress
rule AWS gives it, so rules written as separate ``aws_vpc_security_group_ingress_rule``
/ ``…_egress_rule`` resources are the only ones it keeps.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archproof.estates.provision_base import Context, Provisioner, tag_list
from archproof.estates.provision_network import ec2_arn, tag


def _permissions(rules: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    permissions = []
    for rule in rules:
        protocol = str(rule.get("protocol", "-1"))
        permission: dict[str, Any] = {"IpProtocol": protocol}
        if protocol not in {"-1", "all"}:
            permission.update(FromPort=rule["from_port"], ToPort=rule["to_port"])
        note = {"Description": rule["description"]} if rule.get("description") else {}
        if rule.get("cidr_blocks"):
            permission["IpRanges"] = [{"CidrIp": c, **note} for c in rule["cidr_blocks"]]
        if rule.get("security_groups"):
            permission["UserIdGroupPairs"] = [
                {"GroupId": g, **note} for g in rule["security_groups"]
            ]
        permissions.append(permission)
    return permissions


def set_group_rules(context: Context, group_id: str, values: Mapping[str, Any]) -> None:
    """Make a security group's rules exactly the configured ones (as Terraform does)."""
    ec2 = context.client("ec2")
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    if group["IpPermissions"]:
        ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=group["IpPermissions"])
    if group["IpPermissionsEgress"]:
        ec2.revoke_security_group_egress(
            GroupId=group_id, IpPermissions=group["IpPermissionsEgress"]
        )
    if values.get("ingress"):
        ec2.authorize_security_group_ingress(
            GroupId=group_id, IpPermissions=_permissions(values["ingress"])
        )
    if values.get("egress"):
        ec2.authorize_security_group_egress(
            GroupId=group_id, IpPermissions=_permissions(values["egress"])
        )


def default_security_group(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    groups = context.client("ec2").describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [values["vpc_id"]]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]
    group_id = groups[0]["GroupId"]
    set_group_rules(context, group_id, values)
    tag(context, group_id, values)
    return {"id": group_id, "arn": ec2_arn(context, "security-group", group_id), "name": "default"}


def security_group(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    group_id = context.client("ec2").create_security_group(
        GroupName=values["name"],
        Description=values.get("description", "Managed by Terraform"),
        VpcId=values["vpc_id"],
    )["GroupId"]
    set_group_rules(context, group_id, values)
    tag(context, group_id, values)
    return {"id": group_id, "arn": ec2_arn(context, "security-group", group_id)}


def _rule_permission(values: Mapping[str, Any]) -> dict[str, Any]:
    """The one permission of an ``aws_vpc_security_group_*_rule``."""
    permission: dict[str, Any] = {"IpProtocol": str(values["ip_protocol"])}
    if values.get("from_port") is not None:
        permission["FromPort"] = values["from_port"]
    if values.get("to_port") is not None:
        permission["ToPort"] = values["to_port"]
    note = {"Description": values["description"]} if values.get("description") else {}
    if values.get("cidr_ipv4"):
        permission["IpRanges"] = [{"CidrIp": values["cidr_ipv4"], **note}]
    if values.get("cidr_ipv6"):
        permission["Ipv6Ranges"] = [{"CidrIpv6": values["cidr_ipv6"], **note}]
    if values.get("referenced_security_group_id"):
        permission["UserIdGroupPairs"] = [
            {"GroupId": values["referenced_security_group_id"], **note}
        ]
    if values.get("prefix_list_id"):
        permission["PrefixListIds"] = [{"PrefixListId": values["prefix_list_id"], **note}]
    return permission


def _rule(context: Context, values: Mapping[str, Any], *, egress: bool) -> dict[str, Any]:
    ec2 = context.client("ec2")
    authorize = (
        ec2.authorize_security_group_egress if egress else ec2.authorize_security_group_ingress
    )
    tags = tag_list(values)
    created = authorize(
        GroupId=values["security_group_id"],
        IpPermissions=[_rule_permission(values)],
        **(
            {"TagSpecifications": [{"ResourceType": "security-group-rule", "Tags": tags}]}
            if tags
            else {}
        ),
    )
    rule_id = created["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    return {
        "id": rule_id,
        "security_group_rule_id": rule_id,
        "arn": ec2_arn(context, "security-group-rule", rule_id),
    }


def ingress_rule(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    return _rule(context, values, egress=False)


def egress_rule(context: Context, values: Mapping[str, Any]) -> dict[str, Any]:
    return _rule(context, values, egress=True)


PROVISIONERS: dict[str, Provisioner] = {
    "aws_default_security_group": default_security_group,
    "aws_security_group": security_group,
    "aws_vpc_security_group_ingress_rule": ingress_rule,
    "aws_vpc_security_group_egress_rule": egress_rule,
}
