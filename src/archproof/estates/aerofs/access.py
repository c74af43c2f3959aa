"""Access: the bastion (the cluster's single point of access) and the security groups."""

from __future__ import annotations

from archproof.estates.aerofs.common import (
    ADMIN_CIDR,
    AMI,
    ANYWHERE,
    NAME,
    SWARM_PORTS,
    sg_rule,
)
from archproof.estates.model import EstateResource, ref

VPC_ID = ref("module.network.vpc_id")
VPC_CIDR = ref("module.network.vpc_cidr_block")
NODE_GROUPS = ("manager", "worker")


def _group(name: str, description: str, **tags: str) -> EstateResource:
    return EstateResource(
        "aws_security_group",
        name,
        {
            "name": f"{NAME}-{name}",
            "description": description,
            "vpc_id": VPC_ID,
            "tags": {"Name": f"{NAME}-{name}", **tags},
        },
    )


def _ingress(name: str, values: dict[str, object]) -> EstateResource:
    return EstateResource("aws_vpc_security_group_ingress_rule", name, values)


def _egress(name: str, values: dict[str, object]) -> EstateResource:
    return EstateResource("aws_vpc_security_group_egress_rule", name, values)


def _node_rules(group: str) -> list[EstateResource]:
    """SSH from the bastion only; Swarm traffic among the nodes; egress through NAT."""
    bastion = ref("aws_security_group.bastion.id")
    found = [
        _ingress(
            f"{group}_ssh", sg_rule(group, 22, source=bastion, description="SSH from bastion")
        ),
        _egress(
            f"{group}_out",
            sg_rule(group, None, protocol="-1", cidr=ANYWHERE, description="Images, APIs via NAT"),
        ),
    ]
    for peer in NODE_GROUPS:
        for port in SWARM_PORTS:
            protocol = "udp" if port == 4789 else "tcp"
            found.append(
                _ingress(
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
        _ingress(
            "bastion_ssh",
            sg_rule("bastion", 22, cidr=ADMIN_CIDR, description="SSH from the office"),
        ),
        _egress(
            "bastion_ssh_out",
            sg_rule("bastion", 22, cidr=VPC_CIDR, description="SSH to the nodes"),
        ),
        *(rule for group in NODE_GROUPS for rule in _node_rules(group)),
    ]


def bastion() -> list[EstateResource]:
    return [
        EstateResource(
            "aws_instance",
            "bastion",
            {
                "ami": AMI,
                "instance_type": "t3.micro",
                "subnet_id": ref("module.network.public_subnet_ids[0]"),
                "vpc_security_group_ids": [ref("aws_security_group.bastion.id")],
                "associate_public_ip_address": True,
                "metadata_options": [{"http_endpoint": "enabled", "http_tokens": "required"}],
                "root_block_device": [{"encrypted": True, "volume_type": "gp3", "volume_size": 16}],
                "tags": {"Name": f"{NAME}-bastion", "Role": "bastion"},
            },
        )
    ]
