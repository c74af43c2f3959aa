"""Live TLS probe of an entry point: the live proof of "TLS terminates at the load balancer".

``scan_endpoint`` gathers evidence with sslyze and plain HTTP requests; ``judge_endpoint``
turns it into one finding per aspect (protocols, ciphers, certificate, HSTS, redirect,
vulnerabilities).
"""

from archproof.tlsprobe.judge import TlsFinding, judge_endpoint
from archproof.tlsprobe.report import (
    PROTOCOL_ORDER,
    CertificateReport,
    EndpointReport,
    HstsReport,
    ProtocolSupport,
    RedirectReport,
    TrustResult,
    VulnerabilityResult,
)
from archproof.tlsprobe.scan import ProbeError, scan_endpoint

__all__ = [
    "PROTOCOL_ORDER",
    "CertificateReport",
    "EndpointReport",
    "HstsReport",
    "ProbeError",
    "ProtocolSupport",
    "RedirectReport",
    "TlsFinding",
    "TrustResult",
    "VulnerabilityResult",
    "judge_endpoint",
    "scan_endpoint",
]
