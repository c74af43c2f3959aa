"""Storage: one S3 bucket per class of assets, none public; the web assets served only
through CloudFront (origin access control, HTTPS viewers); the load balancer's log bucket."""

from __future__ import annotations

from typing import Any

from archproof.estates.levels.common import (
    ASSETS_DOMAIN,
    BUCKET_SUFFIX,
    CDN_CERTIFICATE,
    NAME,
    REGION,
)
from archproof.estates.model import EstateResource, ref, tpl
from archproof.estates.shared import storage as shared

ELB_ACCOUNT_US_WEST_2 = "797873946194"  # the regional Elastic Load Balancing account
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # AWS managed cache policy

# One bucket per class of assets: name → purpose.
ASSET_BUCKETS = {
    "uploads": "user uploads",
    "content": "produced content",
    "web": "web assets",
    "config": "configuration",
    "deploy": "deployment bundles",
    "upload_backups": "copies of uploaded originals",
}


def bucket_name(name: str) -> str:
    return f"{NAME}-production-{name.replace('_', '-')}-{BUCKET_SUFFIX}"


def bucket(name: str, purpose: str, *, versioned: bool = True, **tags: str) -> list[EstateResource]:
    found = [
        EstateResource(
            "aws_s3_bucket",
            name,
            {
                "bucket": bucket_name(name),
                "tags": {"Name": bucket_name(name), "Purpose": purpose, **tags},
            },
        ),
        shared.aes256_encryption(name),
        shared.public_access_block(name),
    ]
    if versioned:
        found.append(shared.versioning(name))
    return found


def _allow(sid: str, principal: dict[str, str], action: str, resource: str) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal,
        "Action": action,
        "Resource": resource,
    }


def buckets(account: str) -> list[EstateResource]:
    found: list[EstateResource] = []
    for name, purpose in ASSET_BUCKETS.items():
        if name == "web":
            found += bucket(name, purpose, Served="cloudfront")
        else:
            found += bucket(name, purpose)
    found += bucket("logs", "load balancer access logs", versioned=False)
    web = f"arn:aws:s3:::{bucket_name('web')}/*"
    cloudfront_reads = _allow(
        "CloudFrontReads", {"Service": "cloudfront.amazonaws.com"}, "s3:GetObject", web
    )
    cloudfront_reads["Condition"] = {
        "StringLike": {"AWS:SourceArn": f"arn:aws:cloudfront::{account}:distribution/*"}
    }
    logs = f"arn:aws:s3:::{bucket_name('logs')}/alb/AWSLogs/{account}/*"
    elb_writes = _allow(
        "LoadBalancerLogs",
        {"AWS": f"arn:aws:iam::{ELB_ACCOUNT_US_WEST_2}:root"},
        "s3:PutObject",
        logs,
    )
    for name, statement in (("web", cloudfront_reads), ("logs", elb_writes)):
        document = {"Version": "2012-10-17", "Statement": [statement]}
        found.append(shared.bucket_policy(name, document))
    return found


def cdn() -> list[EstateResource]:
    origin = "web-assets"
    return [
        EstateResource(
            "aws_cloudfront_origin_access_control",
            "web",
            {
                "name": f"{NAME}-web-assets",
                "description": "CloudFront signs its requests to the web assets bucket",
                "origin_access_control_origin_type": "s3",
                "signing_behavior": "always",
                "signing_protocol": "sigv4",
            },
        ),
        EstateResource(
            "aws_cloudfront_distribution",
            "web",
            {
                "enabled": True,
                "comment": f"{NAME} web assets",
                "aliases": [ASSETS_DOMAIN],
                "price_class": "PriceClass_100",
                "http_version": "http2",
                "is_ipv6_enabled": True,
                "origin": [
                    {
                        "origin_id": origin,
                        "domain_name": tpl(
                            f"${{aws_s3_bucket.web.bucket}}.s3.{REGION}.amazonaws.com"
                        ),
                        "origin_access_control_id": ref(
                            "aws_cloudfront_origin_access_control.web.id"
                        ),
                    }
                ],
                "default_cache_behavior": [
                    {
                        "target_origin_id": origin,
                        "viewer_protocol_policy": "redirect-to-https",
                        "allowed_methods": ["GET", "HEAD"],
                        "cached_methods": ["GET", "HEAD"],
                        "compress": True,
                        "cache_policy_id": CACHING_OPTIMIZED,
                    }
                ],
                "restrictions": [{"geo_restriction": [{"restriction_type": "none"}]}],
                "viewer_certificate": [
                    {
                        "acm_certificate_arn": CDN_CERTIFICATE,
                        "ssl_support_method": "sni-only",
                        "minimum_protocol_version": "TLSv1.2_2021",
                    }
                ],
                "tags": {"Name": f"{NAME}-web-assets"},
            },
        ),
    ]
