"""TLS certificates: ACM ones (status, expiry, type, validation method) and server
certificates uploaded to IAM (expiry)."""

from __future__ import annotations

from typing import Any

from archproof.sources.aws.base import Scan, iso, tag_dict
from archproof.sources.pem import not_after

KINDS = ("aws_acm_certificate",)
SERVER_KINDS = ("aws_iam_server_certificate",)
# without Includes, ListCertificates only returns RSA-1024/2048 certificates
_KEY_TYPES = [
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
]


def collect(scan: Scan) -> None:
    acm = scan.client("acm")
    op, key = "list_certificates", "CertificateSummaryList[]"
    listed = scan.items(acm, op, key, KINDS, Includes={"keyTypes": _KEY_TYPES}) or ()
    for summary in listed:
        arn = summary["CertificateArn"]
        answer = scan.call(acm, "describe_certificate", KINDS, CertificateArn=arn)
        if answer is None:
            continue
        tags = scan.call(acm, "list_tags_for_certificate", KINDS, CertificateArn=arn)
        _add(scan, answer.get("Certificate", {}), tag_dict((tags or {}).get("Tags")))


def _add(scan: Scan, cert: dict[str, Any], tags: dict[str, str]) -> None:
    arn = cert["CertificateArn"]
    validations = cert.get("DomainValidationOptions") or [{}]
    renewal = cert.get("RenewalSummary") or {}
    scan.add(
        "aws_acm_certificate",
        arn,
        {
            "arn": arn,
            "id": arn,
            "domain_name": cert.get("DomainName"),
            "subject_alternative_names": list(cert.get("SubjectAlternativeNames", ())),
            "status": cert.get("Status"),
            "type": cert.get("Type"),
            "validation_method": validations[0].get("ValidationMethod"),
            "key_algorithm": cert.get("KeyAlgorithm"),
            "not_before": iso(cert.get("NotBefore")),
            "not_after": iso(cert.get("NotAfter")),
            "renewal_eligibility": cert.get("RenewalEligibility"),
            "renewal_status": renewal.get("RenewalStatus"),
            "in_use_by": list(cert.get("InUseBy", ())),
        },
        ids=(arn,),
        tags=tags,
    )


def collect_server_certificates(scan: Scan) -> None:
    """Certificates uploaded to IAM (global): listeners and distributions may serve them.
    The expiry is read from the certificate itself, what clients see; the listing's
    ``Expiration`` stands in when the body cannot be read."""
    iam = scan.client("iam")
    key = "ServerCertificateMetadataList[]"
    for meta in scan.items(iam, "list_server_certificates", key, SERVER_KINDS) or ():
        arn, name = meta["Arn"], meta.get("ServerCertificateName")
        answer = scan.call(iam, "get_server_certificate", SERVER_KINDS, ServerCertificateName=name)
        body = ((answer or {}).get("ServerCertificate") or {}).get("CertificateBody")
        scan.add(
            "aws_iam_server_certificate",
            arn,
            {
                "arn": arn,
                "id": meta.get("ServerCertificateId"),
                "name": name,
                "path": meta.get("Path"),
                "upload_date": iso(meta.get("UploadDate")),
                "expiration": not_after(body) or iso(meta.get("Expiration")),
            },
            ids=(arn, meta.get("ServerCertificateId") or arn),
            region="",
        )
