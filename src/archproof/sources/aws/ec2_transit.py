"""EC2 transit gateways: gateways, VPC and peering attachments, gateway route tables with their
associations, propagations and static routes, in the Terraform resource vocabulary.

Every association and propagation is read as a resource of its own; an attachment's
``transit_gateway_default_route_table_*`` flags say whether it is on the gateway's default
table, as Terraform reads them.
"""

from __future__ import annotations

from typing import Any

from archproof.inventory.model import Unknown
from archproof.inventory.transit import (
    ASSOCIATION,
    GATEWAY_KINDS,
    PEERING_ATTACHMENT,
    PROPAGATION,
    ROUTE_TABLE,
    STATIC_ROUTE,
    TRANSIT_KINDS,
    VPC_ATTACHMENT,
)
from archproof.sources.aws.base import Scan, tag_dict

GATEWAY = GATEWAY_KINDS[0]
KINDS = TRANSIT_KINDS
_GONE = frozenset({"deleted", "deleting", "failed", "rejected", "rejecting"})


def collect_transit(scan: Scan, ec2: Any) -> None:
    defaults: dict[str, dict[str, Any]] = {}
    for gateway in (
        scan.items(ec2, "describe_transit_gateways", "TransitGateways[]", (GATEWAY,)) or ()
    ):
        if gateway.get("State") not in _GONE:
            defaults[gateway["TransitGatewayId"]] = _add_gateway(scan, gateway)
    associated, propagated = _route_tables(scan, ec2)
    op, key = "describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments[]"
    for attachment in scan.items(ec2, op, key, (VPC_ATTACHMENT,)) or ():
        if attachment.get("State") in _GONE:
            continue
        attachment_id = attachment["TransitGatewayAttachmentId"]
        gateway = defaults.get(attachment.get("TransitGatewayId", ""), {})
        scan.add(
            VPC_ATTACHMENT,
            attachment_id,
            {
                "id": attachment_id,
                "transit_gateway_id": attachment.get("TransitGatewayId"),
                "vpc_id": attachment.get("VpcId"),
                "subnet_ids": list(attachment.get("SubnetIds") or []),
                "transit_gateway_default_route_table_association": gateway.get(
                    "association_default_route_table_id"
                )
                in associated.get(attachment_id, set()),
                "transit_gateway_default_route_table_propagation": gateway.get(
                    "propagation_default_route_table_id"
                )
                in propagated.get(attachment_id, set()),
            },
            ids=(attachment_id,),
            tags=tag_dict(attachment.get("Tags")),
        )
    _peering_attachments(scan, ec2)


def _add_gateway(scan: Scan, gateway: dict[str, Any]) -> dict[str, Any]:
    gateway_id = gateway["TransitGatewayId"]
    options = gateway.get("Options") or {}
    attrs = {
        "id": gateway_id,
        "arn": gateway.get("TransitGatewayArn"),
        "owner_id": gateway.get("OwnerId"),
        "default_route_table_association": options.get("DefaultRouteTableAssociation"),
        "default_route_table_propagation": options.get("DefaultRouteTablePropagation"),
        "association_default_route_table_id": options.get("AssociationDefaultRouteTableId"),
        "propagation_default_route_table_id": options.get("PropagationDefaultRouteTableId"),
    }
    ids = (gateway_id, gateway.get("TransitGatewayArn"))
    scan.add(GATEWAY, gateway_id, attrs, ids=ids, tags=tag_dict(gateway.get("Tags")))
    return attrs


def _route_tables(scan: Scan, ec2: Any) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Gateway route tables, each with its associations, propagations and static routes; the
    tables each attachment is associated with / propagates into."""
    associated: dict[str, set[str]] = {}
    propagated: dict[str, set[str]] = {}
    op, key = "describe_transit_gateway_route_tables", "TransitGatewayRouteTables[]"
    for table in scan.items(ec2, op, key, (ROUTE_TABLE,)) or ():
        if table.get("State") in _GONE:
            continue
        table_id = table["TransitGatewayRouteTableId"]
        attrs = {"id": table_id, "transit_gateway_id": table.get("TransitGatewayId")}
        scan.add(ROUTE_TABLE, table_id, attrs, ids=(table_id,), tags=tag_dict(table.get("Tags")))
        links = (
            (ASSOCIATION, "get_transit_gateway_route_table_associations", "Associations[]"),
            (
                PROPAGATION,
                "get_transit_gateway_route_table_propagations",
                "TransitGatewayRouteTablePropagations[]",
            ),
        )
        for kind, call, path in links:
            found = scan.items(ec2, call, path, (kind,), TransitGatewayRouteTableId=table_id)
            for link in found or ():
                if link.get("State") not in ("associated", "enabled", None):
                    continue
                attachment_id = link.get("TransitGatewayAttachmentId")
                relation = f"{table_id}_{attachment_id}"
                attrs = {
                    "id": relation,
                    "transit_gateway_attachment_id": attachment_id,
                    "transit_gateway_route_table_id": table_id,
                    "resource_id": link.get("ResourceId"),
                }
                scan.add(kind, relation, attrs, ids=(relation,))
                held = associated if kind == ASSOCIATION else propagated
                held.setdefault(str(attachment_id), set()).add(table_id)
        _static_routes(scan, ec2, table_id)
    return associated, propagated


def _static_routes(scan: Scan, ec2: Any, table_id: str) -> None:
    static = [{"Name": "type", "Values": ["static"]}]
    answer = scan.call(
        ec2,
        "search_transit_gateway_routes",
        (STATIC_ROUTE,),
        TransitGatewayRouteTableId=table_id,
        Filters=static,
    )
    for route in (answer or {}).get("Routes", ()):
        cidr = route.get("DestinationCidrBlock") or route.get("PrefixListId")
        targets = route.get("TransitGatewayAttachments") or []
        if isinstance(targets, dict):
            targets = [targets]
        blackhole = route.get("State") == "blackhole"
        attachment: Any = targets[0].get("TransitGatewayAttachmentId") if targets else None
        if attachment is None and not blackhole:
            attachment = Unknown("the gateway reported no attachment for an active route")
        route_id = f"{table_id}_{cidr}"
        attrs = {
            "id": route_id,
            "destination_cidr_block": route.get("DestinationCidrBlock"),
            "transit_gateway_attachment_id": attachment,
            "blackhole": blackhole,
            "transit_gateway_route_table_id": table_id,
        }
        scan.add(STATIC_ROUTE, route_id, attrs, ids=(route_id,))


def _peering_attachments(scan: Scan, ec2: Any) -> None:
    op, key = "describe_transit_gateway_peering_attachments", "TransitGatewayPeeringAttachments[]"
    for peering in scan.items(ec2, op, key, (PEERING_ATTACHMENT,)) or ():
        if peering.get("State") in _GONE:
            continue
        peering_id = peering["TransitGatewayAttachmentId"]
        requester = peering.get("RequesterTgwInfo") or {}
        accepter = peering.get("AccepterTgwInfo") or {}
        attrs = {
            "id": peering_id,
            "transit_gateway_id": requester.get("TransitGatewayId"),
            "peer_transit_gateway_id": accepter.get("TransitGatewayId"),
            "peer_account_id": accepter.get("OwnerId"),
            "peer_region": accepter.get("Region"),
        }
        tags = tag_dict(peering.get("Tags"))
        scan.add(PEERING_ATTACHMENT, peering_id, attrs, ids=(peering_id,), tags=tags)
