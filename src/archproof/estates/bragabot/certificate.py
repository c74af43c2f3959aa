"""A self-signed certificate for the load balancer's domain that expires in a few days.

It is made when a violation asks for it (validity counted from today, so it is valid
now and expires soon whenever the suite runs) and kept for the day, so one process
renders the same PEM each time. Its key is thrown away with the process.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

EXPIRES_IN_DAYS = 10


def expiring_certificate(domain: str, days: int = EXPIRES_IN_DAYS) -> tuple[str, str]:
    """``(certificate PEM, private key PEM)`` valid since a year ago, for ``days`` more days
    (counted from today's midnight, UTC)."""
    return _make(domain, dt.datetime.now(dt.UTC).date(), days)


@cache
def _make(domain: str, today: dt.date, days: int) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    midnight = dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int(today.strftime("%Y%m%d")))
        .not_valid_before(midnight - dt.timedelta(days=355))
        .not_valid_after(midnight + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    body = certificate.public_bytes(serialization.Encoding.PEM).decode()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return body, private
