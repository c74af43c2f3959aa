"""What a certificate's own PEM says: when it stops being valid."""

from __future__ import annotations

from typing import Any

from cryptography import x509

EXPIRY = {"aws_iam_server_certificate": "expiration", "aws_acm_certificate": "not_after"}
"""The expiry attribute of each kind of certificate a configuration may carry the body of."""


def not_after(body: Any) -> str | None:
    """The expiry (ISO 8601, UTC) of the first certificate in a PEM text; None when the
    text is not a readable certificate."""
    if not isinstance(body, str) or "BEGIN CERTIFICATE" not in body:
        return None
    try:
        certificate = x509.load_pem_x509_certificate(body.encode())
    except ValueError:
        return None
    return certificate.not_valid_after_utc.isoformat()


def with_expiry_from_body(kind: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """A planned certificate whose body is in the configuration (an IAM server certificate,
    an imported ACM one) expires when that body says, though the plan leaves it to apply."""
    attr = EXPIRY.get(kind)
    if attr is None or isinstance(attributes.get(attr), str):
        return attributes
    expires = not_after(attributes.get("certificate_body"))
    return {**attributes, attr: expires} if expires else attributes
