"""CloudFront distributions in the provider's shape; what moto drops becomes a named gap."""

from __future__ import annotations

from typing import Any

import boto3

from archproof.inventory.model import Unknown

WAF = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/abc"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/abc"


def distribution(
    reference: str, viewer: str = "redirect-to-https", **certificate: Any
) -> dict[str, Any]:
    forwarded = {"QueryString": False, "Cookies": {"Forward": "none"}}
    return {
        "CallerReference": reference,
        "Comment": reference,
        "Enabled": True,
        "Origins": {
            "Quantity": 2,
            "Items": [
                {
                    "Id": "assets",
                    "DomainName": "assets.s3.us-east-1.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                },
                {
                    "Id": "app",
                    "DomainName": "web-1.us-east-1.elb.amazonaws.com",
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                    },
                },
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "assets",
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
            "ForwardedValues": forwarded,
        },
        "CacheBehaviors": {
            "Quantity": 1,
            "Items": [
                {
                    "PathPattern": "/api/*",
                    "TargetOriginId": "app",
                    "ViewerProtocolPolicy": viewer,
                    "MinTTL": 0,
                    "ForwardedValues": forwarded,
                }
            ],
        },
        "ViewerCertificate": certificate or {"CloudFrontDefaultCertificate": True},
    }


def test_distributions_behaviours_certificates_and_acl(
    aws: boto3.Session, collect: Any, one: Any
) -> None:
    cloudfront = aws.client("cloudfront")
    config = distribution(
        "edge",
        CloudFrontDefaultCertificate=False,
        ACMCertificateArn=CERT,
        SSLSupportMethod="sni-only",
        MinimumProtocolVersion="TLSv1.2_2021",
    )
    config["WebACLId"] = WAF
    edge = cloudfront.create_distribution_with_tags(
        DistributionConfigWithTags={
            "DistributionConfig": config,
            "Tags": {"Items": [{"Key": "Name", "Value": "edge"}]},
        }
    )["Distribution"]
    plain = cloudfront.create_distribution(
        DistributionConfig=distribution("plain", viewer="allow-all")
    )["Distribution"]
    inv = collect("cloudfront")
    assert inv.errors == []

    found = one(inv, "aws_cloudfront_distribution", edge["Id"])
    assert found.ids == (edge["Id"], edge["ARN"], edge["DomainName"])
    assert (found.name, found.region, found.get("web_acl_id")) == ("edge", "", WAF)
    assert found.get("viewer_certificate") == [
        {
            "cloudfront_default_certificate": False,
            "acm_certificate_arn": CERT,
            "iam_certificate_id": None,
            "minimum_protocol_version": "TLSv1.2_2021",
            "ssl_support_method": "sni-only",
        }
    ]
    assert found.get("default_cache_behavior.0.viewer_protocol_policy") == "redirect-to-https"
    assert found.get("ordered_cache_behavior.0.path_pattern") == "/api/*"
    app = found.get("origin.1")
    assert (app["origin_id"], app["domain_name"]) == ("app", "web-1.us-east-1.elb.amazonaws.com")
    assert app["custom_origin_config"][0]["origin_protocol_policy"] == "https-only"
    # moto drops S3OriginConfig and OriginAccessControlId: unknown with the reason, never "none"
    assets = found.get("origin.0")
    assert isinstance(assets["origin_access_control_id"], Unknown)
    assert "moto gap" in assets["origin_access_control_id"].reason

    other = one(inv, "aws_cloudfront_distribution", plain["Id"])
    assert other.get("web_acl_id") is None
    assert other.get("ordered_cache_behavior.0.viewer_protocol_policy") == "allow-all"
    assert other.get("viewer_certificate.0.cloudfront_default_certificate") is True
    assert other.get("viewer_certificate.0.minimum_protocol_version") == "TLSv1"
