"""What a live TLS probe of one entry point saw: plain frozen records, JSON-ready.

``None`` in a field means "not determined" (the check could not run or was not asked for);
it never means "no" or "zero".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PROTOCOL_ORDER: tuple[str, ...] = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
"""Every protocol version the probe tests, oldest first."""


@dataclass(frozen=True, slots=True)
class ProtocolSupport:
    """One SSL/TLS version: whether the server accepted it and with which cipher suites."""

    version: str
    """One of :data:`PROTOCOL_ORDER`."""
    accepted: bool | None
    """``None`` when the scan for this version failed (see ``error``)."""
    cipher_suites: tuple[str, ...] = ()
    """IANA names of the accepted cipher suites (``TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256``)."""
    error: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "version": self.version,
            "accepted": self.accepted,
            "cipher_suites": list(self.cipher_suites),
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class TrustResult:
    """The certificate chain validated (or not) against one trust store."""

    store: str
    """``Supplied CA file`` for ``ca_file``, else one of sslyze's bundled public stores."""
    trusted: bool
    error: str = ""

    def as_json(self) -> dict[str, object]:
        return {"store": self.store, "trusted": self.trusted, "error": self.error}


@dataclass(frozen=True, slots=True)
class CertificateReport:
    """The leaf certificate of one deployment the server presents (most servers have one)."""

    subject: str
    """RFC 4514 string of the leaf subject."""
    issuer: str
    sans: tuple[str, ...]
    """Subject alternative names, ``DNS:name`` or ``IP:address``."""
    not_before: dt.datetime
    """UTC."""
    not_after: dt.datetime
    """UTC."""
    key_type: str
    """``EC``, ``RSA``, ``Ed25519`` …"""
    key_size: int | None
    key_curve: str | None
    """The named curve of an EC key (``secp256r1``); ``None`` otherwise."""
    signature_hash: str | None
    """``sha256`` …; ``None`` for signature schemes without a separate hash (Ed25519)."""
    chain_length: int
    """Certificates the server sent, leaf included."""
    hostname: str
    """The name (or IP address) the certificate was matched against: SNI, else the host."""
    hostname_matches: bool
    trust: tuple[TrustResult, ...]
    """One entry per trust store tried."""

    @property
    def trusted_by(self) -> tuple[str, ...]:
        """Names of the trust stores under which the chain (and hostname) validated."""
        return tuple(result.store for result in self.trust if result.trusted)

    def as_json(self) -> dict[str, object]:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "sans": list(self.sans),
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "key_type": self.key_type,
            "key_size": self.key_size,
            "key_curve": self.key_curve,
            "signature_hash": self.signature_hash,
            "chain_length": self.chain_length,
            "hostname": self.hostname,
            "hostname_matches": self.hostname_matches,
            "trusted_by": list(self.trusted_by),
            "trust": [result.as_json() for result in self.trust],
        }


@dataclass(frozen=True, slots=True)
class VulnerabilityResult:
    """One of sslyze's cheap vulnerability checks."""

    name: str
    """``heartbleed``, ``robot``, ``openssl_ccs_injection``, ``compression``,
    ``fallback_scsv``, ``insecure_renegotiation``, ``client_renegotiation_dos``."""
    vulnerable: bool | None
    """``None`` when the check failed or its result is inconsistent."""
    detail: str

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "vulnerable": self.vulnerable, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class RedirectReport:
    """The answer to one plain-HTTP request (redirects are not followed)."""

    url: str
    status: int | None
    """``None`` when no HTTP answer came (see ``error``)."""
    location: str | None
    error: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "url": self.url,
            "status": self.status,
            "location": self.location,
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class HstsReport:
    """The ``Strict-Transport-Security`` header of one HTTPS answer."""

    url: str
    status: int | None
    """``None`` when no HTTP answer came (see ``error``)."""
    header: str | None
    """The raw header value; ``None`` when absent."""
    max_age: int | None
    """``None`` when the header is absent or its max-age is missing or malformed."""
    include_subdomains: bool
    preload: bool
    error: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "url": self.url,
            "status": self.status,
            "header": self.header,
            "max_age": self.max_age,
            "include_subdomains": self.include_subdomains,
            "preload": self.preload,
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class EndpointReport:
    """Everything one live probe of ``host:port`` saw."""

    host: str
    port: int
    server_name: str
    """The SNI sent and the name certificates were matched against."""
    scanned_at: dt.datetime
    """UTC start of the scan."""
    scan_seconds: float
    """Wall time of the sslyze scan (the HTTP requests excluded)."""
    protocols: tuple[ProtocolSupport, ...]
    """One entry per :data:`PROTOCOL_ORDER` version, in that order."""
    certificates: tuple[CertificateReport, ...]
    """One entry per leaf the server presents with SNI; empty when it could not be read."""
    certificate_error: str
    """Why ``certificates`` is empty, if it is."""
    vulnerabilities: tuple[VulnerabilityResult, ...]
    ca_file: str | None
    """The custom CA store used for validation, if any."""
    http_redirect: RedirectReport | None
    """``None`` when no ``http_url`` was given."""
    hsts: HstsReport | None
    """``None`` when no ``https_url`` was given."""

    @property
    def endpoint(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def accepted_versions(self) -> tuple[str, ...]:
        return tuple(p.version for p in self.protocols if p.accepted)

    def as_json(self) -> dict[str, object]:
        return {
            "host": self.host,
            "port": self.port,
            "server_name": self.server_name,
            "scanned_at": self.scanned_at.isoformat(),
            "scan_seconds": round(self.scan_seconds, 3),
            "accepted_versions": list(self.accepted_versions),
            "protocols": [p.as_json() for p in self.protocols],
            "certificates": [c.as_json() for c in self.certificates],
            "certificate_error": self.certificate_error,
            "vulnerabilities": [v.as_json() for v in self.vulnerabilities],
            "ca_file": self.ca_file,
            "http_redirect": self.http_redirect.as_json() if self.http_redirect else None,
            "hsts": self.hsts.as_json() if self.hsts else None,
        }
