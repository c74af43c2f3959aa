"""A certificate's expiry read from its PEM: for planned IAM server certificates and imported
ACM ones (the body is in the configuration) and for live IAM server certificates."""

from __future__ import annotations

import datetime as dt

from archproof.estates.bragabot.certificate import expiring_certificate
from archproof.sources.pem import not_after, with_expiry_from_body


def test_the_expiry_is_the_certificates_own() -> None:
    body, _ = expiring_certificate("www.example.com", 40)
    expires = dt.datetime.fromisoformat(str(not_after(body)))
    assert 39 <= (expires - dt.datetime.now(dt.UTC)).days <= 40


def test_text_that_is_no_certificate_says_nothing() -> None:
    assert not_after(None) is None
    assert not_after("not a certificate") is None
    broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    assert not_after(broken) is None


def test_a_planned_body_fills_the_expiry_the_plan_leaves_to_apply() -> None:
    body, _ = expiring_certificate("www.example.com", 40)
    planned = with_expiry_from_body("aws_iam_server_certificate", {"certificate_body": body})
    assert planned["expiration"] == not_after(body)
    imported = with_expiry_from_body("aws_acm_certificate", {"certificate_body": body})
    assert imported["not_after"] == not_after(body)


def test_a_known_expiry_or_another_kind_is_left_as_it_is() -> None:
    body, _ = expiring_certificate("www.example.com", 40)
    known = {"certificate_body": body, "expiration": "2030-01-01T00:00:00+00:00"}
    assert with_expiry_from_body("aws_iam_server_certificate", known) == known
    other = {"certificate_body": body}
    assert with_expiry_from_body("aws_lb_listener", other) == other
