"""Summarise a certificate sslyze received: names, validity, key, trust and hostname match."""

from __future__ import annotations

import ipaddress

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from sslyze.plugins.certificate_info._cert_chain_analyzer import (
    CertificateDeploymentAnalysisResult,
)

from archproof.tlsprobe.report import CertificateReport, TrustResult


def _sans(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return ()
    names = [f"DNS:{name}" for name in ext.value.get_values_for_type(x509.DNSName)]
    names += [f"IP:{ip}" for ip in ext.value.get_values_for_type(x509.IPAddress)]
    return tuple(names)


def _key(cert: x509.Certificate) -> tuple[str, int | None, str | None]:
    key = cert.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "EC", key.key_size, key.curve.name
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size, None
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size, None
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256, None
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456, None
    return type(key).__name__, None, None


def _signature_hash(cert: x509.Certificate) -> str | None:
    try:
        algorithm = cert.signature_hash_algorithm
    except UnsupportedAlgorithm:
        return None
    return algorithm.name if algorithm else None


def _dns_matches(pattern: str, name: str) -> bool:
    pattern, name = pattern.lower().rstrip("."), name.lower().rstrip(".")
    if not pattern.startswith("*."):
        return pattern == name
    first, _, rest = name.partition(".")
    return bool(first) and rest == pattern[2:] and "." in rest


def hostname_matches(cert: x509.Certificate, hostname: str) -> bool:
    """Whether ``hostname`` (a DNS name or an IP address) is among the leaf's SANs.

    As browsers do, the subject common name is ignored and a wildcard covers one left label.
    """
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return False
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        return any(_dns_matches(p, hostname) for p in ext.value.get_values_for_type(x509.DNSName))
    return address in ext.value.get_values_for_type(x509.IPAddress)


def summarise(deployment: CertificateDeploymentAnalysisResult, hostname: str) -> CertificateReport:
    """One :class:`CertificateReport` for the leaf of a deployment sslyze analysed."""
    leaf = deployment.received_certificate_chain[0]
    key_type, key_size, key_curve = _key(leaf)
    trust = tuple(
        TrustResult(
            store=result.trust_store.name,
            trusted=result.was_validation_successful,
            error=result.validation_error or "",
        )
        for result in deployment.path_validation_results
    )
    return CertificateReport(
        subject=leaf.subject.rfc4514_string(),
        issuer=leaf.issuer.rfc4514_string(),
        sans=_sans(leaf),
        not_before=leaf.not_valid_before_utc,
        not_after=leaf.not_valid_after_utc,
        key_type=key_type,
        key_size=key_size,
        key_curve=key_curve,
        signature_hash=_signature_hash(leaf),
        chain_length=len(deployment.received_certificate_chain),
        hostname=hostname,
        hostname_matches=hostname_matches(leaf, hostname),
        trust=trust,
    )
