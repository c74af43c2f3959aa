"""CloudFront (global, collected once): distributions with origins, cache behaviours, viewer
certificate and web ACL, in the provider's ``aws_cloudfront_distribution`` shape."""

from __future__ import annotations

from typing import Any

from archproof.inventory.model import Unknown
from archproof.sources.aws.base import Scan, tag_dict

KINDS = ("aws_cloudfront_distribution",)
HOSTED_ZONE = "Z2FDTNDATAQYW2"  # every CloudFront distribution's Route 53 alias zone
MOTO_ORIGIN_ACCESS = Unknown(
    "moto gap: the local control plane drops origin access controls and S3 origin settings"
    " from distributions"
)


def collect(scan: Scan) -> None:
    client = scan.client("cloudfront")
    distributions = scan.items(client, "list_distributions", "DistributionList.Items[]", KINDS)
    local = scan.aws.endpoint_is_local("cloudfront", scan.home_region)
    for summary in distributions or ():
        arn = summary.get("ARN")
        answer = scan.call(client, "list_tags_for_resource", KINDS, Resource=arn) if arn else {}
        tags = tag_dict(((answer or {}).get("Tags") or {}).get("Items"))
        _add(scan, summary, tags, local)


def _items(block: dict[str, Any] | None) -> list[Any]:
    return list((block or {}).get("Items") or ())


def _behaviour(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "path_pattern": item.get("PathPattern"),
        "target_origin_id": item.get("TargetOriginId"),
        "viewer_protocol_policy": item.get("ViewerProtocolPolicy"),
        "allowed_methods": _items(item.get("AllowedMethods")),
        "cached_methods": _items((item.get("AllowedMethods") or {}).get("CachedMethods")),
        "compress": item.get("Compress"),
        "cache_policy_id": item.get("CachePolicyId") or None,
        "origin_request_policy_id": item.get("OriginRequestPolicyId") or None,
        "field_level_encryption_id": item.get("FieldLevelEncryptionId") or None,
    }


def _origin(item: dict[str, Any], local: bool) -> dict[str, Any]:
    s3 = item.get("S3OriginConfig")
    custom = item.get("CustomOriginConfig")
    origin: dict[str, Any] = {
        "origin_id": item.get("Id"),
        "domain_name": item.get("DomainName"),
        "origin_path": item.get("OriginPath") or "",
        "origin_access_control_id": item.get("OriginAccessControlId") or None,
        "s3_origin_config": [{"origin_access_identity": s3.get("OriginAccessIdentity") or ""}]
        if s3 is not None
        else [],
        "custom_origin_config": [
            {
                "http_port": custom.get("HTTPPort"),
                "https_port": custom.get("HTTPSPort"),
                "origin_protocol_policy": custom.get("OriginProtocolPolicy"),
                "origin_ssl_protocols": _items(custom.get("OriginSslProtocols")),
            }
        ]
        if custom is not None
        else [],
    }
    if local and s3 is None and custom is None and origin["origin_access_control_id"] is None:
        origin["origin_access_control_id"] = MOTO_ORIGIN_ACCESS
        origin["s3_origin_config"] = MOTO_ORIGIN_ACCESS
    return origin


def _certificate(cert: dict[str, Any]) -> list[dict[str, Any]]:
    acm = cert.get("ACMCertificateArn") or None
    iam = cert.get("IAMCertificateId") or None
    return [
        {
            # A custom certificate replaces the default one (moto reports both at once).
            "cloudfront_default_certificate": bool(cert.get("CloudFrontDefaultCertificate"))
            and not (acm or iam),
            "acm_certificate_arn": acm,
            "iam_certificate_id": iam,
            "minimum_protocol_version": cert.get("MinimumProtocolVersion"),
            "ssl_support_method": cert.get("SSLSupportMethod"),
        }
    ]


def _add(scan: Scan, summary: dict[str, Any], tags: dict[str, str], local: bool) -> None:
    ident, arn, domain = summary["Id"], summary.get("ARN"), summary.get("DomainName")
    default = summary.get("DefaultCacheBehavior")
    scan.add(
        "aws_cloudfront_distribution",
        ident,
        {
            "id": ident,
            "arn": arn,
            "domain_name": domain,
            "hosted_zone_id": HOSTED_ZONE,
            "status": summary.get("Status"),
            "enabled": bool(summary.get("Enabled")),
            "comment": summary.get("Comment"),
            "aliases": _items(summary.get("Aliases")),
            "price_class": summary.get("PriceClass"),
            "http_version": summary.get("HttpVersion"),
            "is_ipv6_enabled": summary.get("IsIPV6Enabled"),
            "web_acl_id": summary.get("WebACLId") or None,
            "origin": [_origin(o, local) for o in _items(summary.get("Origins"))],
            "default_cache_behavior": [_behaviour(default)] if default else [],
            "ordered_cache_behavior": [
                _behaviour(b) for b in _items(summary.get("CacheBehaviors"))
            ],
            "viewer_certificate": _certificate(summary.get("ViewerCertificate") or {}),
        },
        ids=(ident, arn, domain),
        tags=tags,
    )
