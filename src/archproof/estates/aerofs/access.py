"""Access: the bastion (the cluster's single point of access) and the security groups."""

from __future__ import annotations

from functools import partial

from archproof.estates.aerofs.common import (
    ADMIN_CIDR,
    AMI,
    NAME,
    SWARM_PORTS,
    sg_rule,
)
from archproof.estates.model import EstateResource, ref
from archproof.estates.shared import compute, edge

NODE_GROUPS = ("manager", "worker")
_group = partial(edge.security_group, NAME)


def _node_rules(group: str) -> list[EstateResource]:
    """SSH from the bastion only; Swarm traffic among the nodes; egress through NAT."""
    found = [
        edge.node_ssh(group, "SSH from bastion"),
        edge.node_egress(group, "Images, APIs via NAT"),
    ]
    for peer in NODE_GROUPS:
        for port in SWARM_PORTS:
            protocol = "udp" if port == 4789 else "tcp"
            found.append(
                edge.ingress(
                    f"{group}_swarm_{port}_from_{peer}",
                    sg_rule(
                        group,
                        port,
                        protocol=protocol,
                        source=ref(f"aws_security_group.{peer}.id"),
                        description=f"Swarm {port}/{protocol} from the {peer}s",
                    ),
                )
            )
    return found


def security_groups() -> list[EstateResource]:
    return [
        _group("bastion", "Bastion: SSH from the office allow-list only", Role="bastion"),
        _group("manager", "Swarm managers: SSH from the bastion, Swarm from the nodes"),
        _group("worker", "Swarm workers: SSH from the bastion, Swarm from the nodes"),
        *edge.bastion_rules(ADMIN_CIDR, "SSH from the office", "SSH to the nodes"),
        *(rule for group in NODE_GROUPS for rule in _node_rules(group)),
    ]


def bastion() -> list[EstateResource]:
    return [
        compute.bastion(
            NAME,
            AMI,
            {"encrypted": True, "volume_type": "gp3", "volume_size": 16},
            metadata_first=True,
        )
    ]
