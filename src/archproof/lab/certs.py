"""A lab certificate authority and a server certificate it signs (EC P-256, SHA-256).

TLS scanners reject a self-signed leaf that is also a CA, so the lab makes both: ``ca.pem``
for clients to trust and ``site.pem`` (leaf + key) for HAProxy.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class LabCertificates:
    ca: Path
    """The CA certificate clients trust."""
    leaf: Path
    """The server certificate alone."""
    key: Path
    """The server private key alone."""
    bundle: Path
    """Server certificate followed by its key, as HAProxy's ``crt`` wants it."""


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "archproof lab"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def make_certificates(
    directory: Path,
    hosts: tuple[str, ...] = ("localhost", "127.0.0.1"),
    days: int = 30,
    now: dt.datetime | None = None,
) -> LabCertificates:
    """Write a CA and a leaf for ``hosts`` (names and IP addresses) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    start = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(minutes=5)
    end = start + dt.timedelta(days=days)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("archproof lab CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    leaf_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(hosts[0]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    certs = LabCertificates(
        ca=directory / "ca.pem",
        leaf=directory / "leaf.pem",
        key=directory / "leaf.key",
        bundle=directory / "site.pem",
    )
    leaf_pem = leaf_cert.public_bytes(serialization.Encoding.PEM)
    certs.ca.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    certs.leaf.write_bytes(leaf_pem)
    certs.key.write_bytes(_pem_key(leaf_key))
    certs.bundle.write_bytes(leaf_pem + _pem_key(leaf_key))
    for secret in (certs.key, certs.bundle):
        secret.chmod(0o600)
    return certs
