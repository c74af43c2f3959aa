"""Certificates uploaded to IAM: read live (with their expiry) and judged where a listener
serves one. On the real moto server."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3

from archproof.estates.bragabot.certificate import expiring_certificate
from archproof.verdict import Verdict
from support.aws_estate import verdicts, vpc_with_two_subnets


def _upload(iam: Any, name: str, days: int) -> str:
    body, private = expiring_certificate("www.example.com", days)
    meta = iam.upload_server_certificate(
        ServerCertificateName=name, CertificateBody=body, PrivateKey=private
    )["ServerCertificateMetadata"]
    return str(meta["Arn"])


def _https_listener(aws: boto3.Session, certificate_arn: str) -> str:
    ec2, elb = aws.client("ec2"), aws.client("elbv2")
    _, subnets = vpc_with_two_subnets(ec2)
    lb = elb.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]
    listener = elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTPS",
        Port=443,
        Certificates=[{"CertificateArn": certificate_arn}],
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200"}}],
    )["Listeners"][0]
    return str(listener["ListenerArn"])


def test_server_certificates_are_read_with_their_expiry(collect: Any, aws: boto3.Session) -> None:
    arn = _upload(aws.client("iam"), "legacy", 400)
    inv = collect("iam")
    [cert] = inv.of_kind("aws_iam_server_certificate")
    assert (cert.address, cert.get("name")) == (arn, "legacy")
    expires = dt.datetime.fromisoformat(str(cert.get("expiration")).replace("Z", "+00:00"))
    assert 398 <= (expires - dt.datetime.now(dt.UTC)).days <= 400, expires


def test_a_listener_serving_a_certificate_that_expires_soon_fails(
    collect: Any, aws: boto3.Session
) -> None:
    listener = _https_listener(aws, _upload(aws.client("iam"), "soon", 2))
    found = verdicts(collect("iam", "elbv2", "ec2"), "lb-certificate-valid")
    verdict, message = found[("lb-certificate-valid", listener)]
    assert verdict is Verdict.FAIL and "expiration" in message, message


def test_a_listener_serving_a_certificate_good_for_a_year_passes(
    collect: Any, aws: boto3.Session
) -> None:
    listener = _https_listener(aws, _upload(aws.client("iam"), "year", 365))
    found = verdicts(collect("iam", "elbv2", "ec2"), "lb-certificate-valid")
    assert found[("lb-certificate-valid", listener)][0] is Verdict.PASS, found
