"""The content delivery network: CloudFront in front of the load balancer, HTTPS-only viewers
on TLS 1.2 (2021 ciphers) at least, HTTPS to the origin."""

from __future__ import annotations

from archproof.estates.model import EstateResource, ref
from archproof.estates.video_conference.common import NAME

# CloudFront takes certificates from us-east-1 only; this one is managed outside the estate.
CDN_CERTIFICATE = (
    "arn:aws:acm:us-east-1:123456789012:certificate/3c9e1f2a-8b7d-4e6f-a5c4-0d1e2f3a4b5c"
)
CDN_DOMAIN = "meet.videoconf.example"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # AWS managed: dynamic pages
ORIGIN = "application"


def distribution() -> list[EstateResource]:
    return [
        EstateResource(
            "aws_cloudfront_distribution",
            "app",
            {
                "enabled": True,
                "comment": f"{NAME}: the application behind its load balancer",
                "aliases": [CDN_DOMAIN],
                "price_class": "PriceClass_100",
                "http_version": "http2",
                "is_ipv6_enabled": True,
                "origin": [
                    {
                        "origin_id": ORIGIN,
                        "domain_name": ref("aws_lb.app.dns_name"),
                        "custom_origin_config": [
                            {
                                "http_port": 80,
                                "https_port": 443,
                                "origin_protocol_policy": "https-only",
                                "origin_ssl_protocols": ["TLSv1.2"],
                            }
                        ],
                    }
                ],
                "default_cache_behavior": [
                    {
                        "target_origin_id": ORIGIN,
                        "viewer_protocol_policy": "https-only",
                        "allowed_methods": [
                            "DELETE",
                            "GET",
                            "HEAD",
                            "OPTIONS",
                            "PATCH",
                            "POST",
                            "PUT",
                        ],
                        "cached_methods": ["GET", "HEAD"],
                        "compress": True,
                        "cache_policy_id": CACHING_DISABLED,
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
                "tags": {"Name": f"{NAME}-app"},
            },
        )
    ]
