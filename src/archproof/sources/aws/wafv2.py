"""WAFv2: web ACLs (regional ones per region, CloudFront ones from us-east-1) and which
application load balancers each regional ACL protects (``aws_wafv2_web_acl_association``).

Associations are listed from the ACL side (ListResourcesForWebACL). Where that call is not
available, they are read from the resource side instead: GetWebACLForResource for every
application load balancer of the region. Only when both fail is the evidence missing.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from archproof.sources.aws.base import Scan, partition_of, tag_dict

KINDS = ("aws_wafv2_web_acl", "aws_wafv2_web_acl_association")
ACLS, ASSOCIATIONS = KINDS[:1], KINDS[1:]
CLOUDFRONT_REGION = {"aws": "us-east-1", "aws-cn": "cn-northwest-1"}


def collect(scan: Scan) -> None:
    """Regional web ACLs of ``scan.region`` and the load balancers they protect."""
    client = scan.client("wafv2")
    acls = _acls(scan, client, "REGIONAL")
    if acls:
        _associations(scan, client, [a["ARN"] for a in acls])


def collect_cloudfront(scan: Scan) -> None:
    """Web ACLs of CloudFront scope (global, kept in us-east-1); distributions name theirs."""
    region = CLOUDFRONT_REGION.get(partition_of(scan.home_region))
    if region is None:
        return  # GovCloud has no CloudFront
    _acls(scan, scan.client("wafv2", region), "CLOUDFRONT", region)


def _acls(scan: Scan, client: Any, scope: str, region: str | None = None) -> list[dict[str, Any]]:
    summaries: list[dict[str, Any]] = []
    marker: str | None = None
    while True:
        params: dict[str, Any] = {"Scope": scope, "Limit": 100}
        if marker:
            params["NextMarker"] = marker
        answer = scan.call(client, "list_web_acls", ACLS, **params)
        if answer is None:
            return summaries
        page = list(answer.get("WebACLs") or ())
        summaries += page
        following = answer.get("NextMarker")
        if not page or not following or following == marker:
            break
        marker = following
    for summary in summaries:
        _add_acl(scan, client, scope, summary, region)
    return summaries


def _add_acl(
    scan: Scan, client: Any, scope: str, summary: dict[str, Any], region: str | None
) -> None:
    arn, ident, name = summary["ARN"], summary["Id"], summary["Name"]
    answer = scan.call(client, "get_web_acl", ACLS, Name=name, Scope=scope, Id=ident)
    acl = (answer or {}).get("WebACL") or {}
    tagged = scan.call(client, "list_tags_for_resource", ACLS, ResourceARN=arn)
    tags = tag_dict(((tagged or {}).get("TagInfoForResource") or {}).get("TagList"))
    default = acl.get("DefaultAction") or {}
    scan.add(
        "aws_wafv2_web_acl",
        arn,
        {
            "id": ident,
            "arn": arn,
            "name": name,
            "scope": scope,
            "description": summary.get("Description") or None,
            "default_action": [
                {
                    "allow": [{}] if "Allow" in default else [],
                    "block": [{}] if "Block" in default else [],
                }
            ]
            if answer
            else [],
            "rule": [
                {"name": r.get("Name"), "priority": r.get("Priority")}
                for r in acl.get("Rules") or ()
            ],
            "capacity": acl.get("Capacity"),
        },
        ids=(arn, ident),
        tags=tags,
        region=region,
    )


def _associations(scan: Scan, client: Any, acl_arns: list[str]) -> None:
    listed: dict[str, list[str]] = {}
    for arn in acl_arns:
        try:
            answer = client.list_resources_for_web_acl(
                WebACLArn=arn, ResourceType="APPLICATION_LOAD_BALANCER"
            )
        except (BotoCoreError, ClientError) as exc:
            _from_resources(scan, client, exc, arn)
            return
        listed[arn] = list(answer.get("ResourceArns") or ())
    for arn, resources in listed.items():
        for resource_arn in resources:
            _add_association(scan, arn, resource_arn, "ListResourcesForWebACL")


def _from_resources(scan: Scan, client: Any, listing: BaseException, acl_arn: str) -> None:
    """Associations read from each application load balancer (GetWebACLForResource)."""
    elbv2 = scan.client("elbv2")
    try:
        pages = elbv2.get_paginator("describe_load_balancers").paginate()
        balancers = [b for b in pages.search("LoadBalancers[]") if b]
    except (BotoCoreError, ClientError) as exc:
        scan.fail(
            client, "list_resources_for_web_acl", ASSOCIATIONS, listing, f"WebACLArn={acl_arn}"
        )
        scan.fail(elbv2, "describe_load_balancers", ASSOCIATIONS, exc)
        return
    for balancer in balancers:
        if balancer.get("Type", "application") != "application":
            continue
        lb_arn = balancer["LoadBalancerArn"]
        answer = scan.call(client, "get_web_acl_for_resource", ASSOCIATIONS, ResourceArn=lb_arn)
        acl = (answer or {}).get("WebACL")
        if acl and acl.get("ARN"):
            _add_association(scan, acl["ARN"], lb_arn, "GetWebACLForResource")


def _add_association(scan: Scan, acl_arn: str, resource_arn: str, found_by: str) -> None:
    address = f"{acl_arn},{resource_arn}"
    scan.add(
        "aws_wafv2_web_acl_association",
        address,
        {
            "id": address,
            "web_acl_arn": acl_arn,
            "resource_arn": resource_arn,
            "found_by": found_by,
        },
        ids=(address,),
    )
