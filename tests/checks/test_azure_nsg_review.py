"""NSGs, as a review found them: an allow of ICMP, ESP, AH or ``*`` from the internet admits
traffic TCP/UDP port ranges do not show; the public tier admits TCP web ports only."""

from __future__ import annotations

from pathlib import Path

import pytest
from azure_review import (
    TIERS,
    F,
    P,
    Uses,
    by_name,
    guarded,
    judged,
    loopback_only,  # noqa: F401 - a fixture the tests use by name
    message,
    network,
    plan_and_live,
    rule,
)

from archproof.controls.azure_nsg import internet_openings
from archproof.controls.azure_nsg_rules import NsgRule

WEB = (
    rule("allow-http", 100, "Allow", "Tcp", "80", "Internet"),
    rule("allow-https", 110, "Allow", "Tcp", "443", "Internet"),
)
DENY_ALL = rule("deny-all", 4096, "Deny", "*", "*", "*")
NSG_PLAN = [
    network(),
    *guarded(
        "icmp",
        "public",
        "10.60.1.0/24",
        *WEB,
        rule("allow-ping", 120, "Allow", "Icmp", "*", "Internet"),
        DENY_ALL,
    ),
    *guarded(
        "esp",
        "public",
        "10.60.2.0/24",
        *WEB,
        rule("allow-ipsec", 130, "Allow", "Esp", "*", "*"),
        DENY_ALL,
    ),
    # HTTP/3 is UDP 443: the document's web ports are TCP
    *guarded(
        "quic",
        "public",
        "10.60.3.0/24",
        *WEB,
        rule("allow-quic", 120, "Allow", "Udp", "443", "Internet"),
        DENY_ALL,
    ),
    *guarded(
        "anyproto",
        "public",
        "10.60.4.0/24",
        rule("allow-https-any", 100, "Allow", "*", "443", "Internet"),
        DENY_ALL,
    ),
    # TCP and UDP denied first; the allow of every protocol still admits ICMP, ESP and AH
    *guarded(
        "shadowed",
        "public",
        "10.60.5.0/24",
        rule("deny-tcp", 100, "Deny", "Tcp", "*", "Internet"),
        rule("deny-udp", 110, "Deny", "Udp", "*", "Internet"),
        rule("allow-rest", 200, "Allow", "*", "*", "Internet"),
    ),
    # a deny of every protocol before the ICMP allow: nothing but the web ports is open
    *guarded(
        "denied",
        "public",
        "10.60.6.0/24",
        *WEB,
        rule("deny-rest", 200, "Deny", "*", "*", "Internet"),
        rule("allow-ping", 300, "Allow", "Icmp", "*", "Internet"),
    ),
    *guarded("web", "public", "10.60.7.0/24", *WEB, DENY_ALL),
    *guarded(
        "picmp",
        "private",
        "10.60.8.0/24",
        rule("vnet", 100, "Allow", "*", "*", "VirtualNetwork"),
        rule("allow-ping", 200, "Allow", "Icmp", "*", "Internet"),
    ),
    *guarded(
        "pah",
        "private",
        "10.60.9.0/24",
        rule("vnet", 100, "Allow", "*", "*", "VirtualNetwork"),
        rule("allow-ah", 200, "Allow", "Ah", "*", "198.51.100.0/24"),
    ),
    *guarded(
        "pclosed",
        "private",
        "10.60.10.0/24",
        rule("vnet", 100, "Allow", "*", "*", "VirtualNetwork"),
        rule("deny-internet", 200, "Deny", "*", "*", "Internet"),
    ),
]
NSG_USES: Uses = [
    ("PUBLIC", "azure-public-nsg-web-only", TIERS),
    ("PRIVATE", "azure-private-nsg-internal-only", TIERS),
    # where a team allows ping or HTTP/3 from the internet it says so
    ("PING", "azure-public-nsg-web-only", {**TIERS, "allowed_protocols": ["Icmp"]}),
    ("QUIC", "azure-public-nsg-web-only", {**TIERS, "allowed_udp_ports": [443]}),
]
NSG_EXPECTED = {
    "PUBLIC": {
        "snet-public-icmp": F,
        "snet-public-esp": F,
        "snet-public-quic": F,
        "snet-public-anyproto": F,
        "snet-public-shadowed": F,
        "snet-public-denied": P,
        "snet-public-web": P,
    },
    "PRIVATE": {"snet-private-picmp": F, "snet-private-pah": F, "snet-private-pclosed": P},
    "PING": {
        "snet-public-icmp": P,
        "snet-public-esp": F,
        "snet-public-quic": F,
        "snet-public-anyproto": F,
        "snet-public-shadowed": F,  # ESP and AH too
        "snet-public-denied": P,
        "snet-public-web": P,
    },
    "QUIC": {
        "snet-public-icmp": F,
        "snet-public-esp": F,
        "snet-public-quic": P,
        # every protocol on 443: TCP and UDP 443, both allowed (the others have no port 443)
        "snet-public-anyproto": P,
        "snet-public-shadowed": F,
        "snet-public-denied": P,
        "snet-public-web": P,
    },
}


# --- 1. NSGs: every protocol Azure has ---------------------------------------------------------


@pytest.mark.usefixtures("loopback_only")
def test_nsg_protocols_beyond_tcp_and_udp_planned_and_live(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, live = plan_and_live(tmp_path, NSG_PLAN, monkeypatch)
    records = judged(NSG_USES, [plan, live], tmp_path)
    for inventory in (plan, live):
        for requirement, expected in NSG_EXPECTED.items():
            seen = by_name(records, inventory, requirement)
            assert seen == expected, (inventory.source, requirement)
    for source in ("plan", "azure"):
        icmp = message(records, source, "PUBLIC", "icmp")
        assert "Icmp (rule allow-ping)" in icmp and "TCP ports [80, 443]" in icmp, icmp
        assert "Udp 443 (rule allow-quic)" in message(records, source, "PUBLIC", "quic")
        shadowed = message(records, source, "PUBLIC", "shadowed")
        assert all(f"{p} (rule allow-rest)" in shadowed for p in ("Icmp", "Esp", "Ah")), shadowed
        assert "Ah (rule allow-ah)" in message(records, source, "PRIVATE", "pah")


def test_openings_name_the_protocol_and_rule() -> None:
    def nsg_rule(name: str, priority: int, allow: bool, protocol: str, ports: str) -> NsgRule:
        return NsgRule(name, priority, True, allow, protocol, ("*",), (ports,), "t")

    ping = internet_openings([nsg_rule("ping", 100, True, "Icmp", "*")])
    assert [o.describe() for o in ping] == ["Icmp (rule ping)"]
    # for ICMP, Azure reads the port field as the ICMP type: an allow of one type admits ICMP
    assert [
        o.describe() for o in internet_openings([nsg_rule("echo", 100, True, "ICMP", "8")])
    ] == ["Icmp (rule echo)"]
    # ... and a deny of one type leaves the others to a later allow
    echo_denied = [
        nsg_rule("no-echo", 100, False, "Icmp", "8"),
        nsg_rule("all", 200, True, "*", "*"),
    ]
    assert "Icmp (rule all)" in [o.describe() for o in internet_openings(echo_denied)]
    every = internet_openings([nsg_rule("any", 100, True, "*", "*")])
    assert [o.protocol for o in every] == ["Tcp", "Udp", "Icmp", "Esp", "Ah"]
    # a rule of every protocol on some ports: those ports of TCP and UDP (the others have none)
    some = internet_openings([nsg_rule("https", 100, True, "*", "443")])
    assert [o.describe() for o in some] == ["Tcp 443 (rule https)", "Udp 443 (rule https)"]
