"""The TLS probe against real HAProxy endpoints on 127.0.0.1 (see conftest.py)."""

from __future__ import annotations

import json
import socket

import pytest
from tlsprobe_lab import Lab, free_port

from archproof.tlsprobe import (
    EndpointReport,
    ProbeError,
    TlsFinding,
    judge_endpoint,
    scan_endpoint,
)


def _by_aspect(findings: list[TlsFinding]) -> dict[str, TlsFinding]:
    return {finding.aspect: finding for finding in findings}


@pytest.fixture(scope="module")
def good_report(lab: Lab) -> EndpointReport:
    return scan_endpoint(
        "127.0.0.1",
        lab.good,
        ca_file=lab.certs.ca,
        http_url=f"http://127.0.0.1:{lab.good_http}/foo/bar?x=1",
        https_url=f"https://127.0.0.1:{lab.good}/",
    )


@pytest.fixture(scope="module")
def bad_report(lab: Lab) -> EndpointReport:
    return scan_endpoint(
        "127.0.0.1",
        lab.bad,
        ca_file=lab.certs.ca,
        http_url=f"http://127.0.0.1:{lab.bad_http}/foo",
        https_url=f"https://127.0.0.1:{lab.bad}/",
    )


def test_compliant_endpoint_passes_every_aspect(good_report: EndpointReport) -> None:
    findings = judge_endpoint(good_report)
    assert [f.aspect for f in findings] == [
        "protocols",
        "ciphers",
        "certificate-trusted",
        "certificate-expiry",
        "hsts",
        "http-redirect",
        "vulnerabilities",
    ]
    failing = [f for f in findings if f.ok is not True]
    assert not failing, failing


def test_compliant_endpoint_report_contents(good_report: EndpointReport) -> None:
    assert good_report.accepted_versions == ("TLSv1.2", "TLSv1.3")
    tls12 = good_report.protocols[4]
    assert tls12.version == "TLSv1.2"
    assert "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" in tls12.cipher_suites
    (cert,) = good_report.certificates
    assert cert.subject == "CN=localhost,O=archproof lab"
    assert cert.sans == ("DNS:localhost", "IP:127.0.0.1")
    assert (cert.key_type, cert.key_size, cert.key_curve) == ("EC", 256, "secp256r1")
    assert cert.signature_hash == "sha256"
    assert cert.hostname == "127.0.0.1" and cert.hostname_matches
    assert cert.trusted_by == ("Supplied CA file",)
    assert 29 < (cert.not_after - cert.not_before).days <= 30
    assert {v.name for v in good_report.vulnerabilities} >= {"heartbleed", "robot"}
    assert all(v.vulnerable is False for v in good_report.vulnerabilities)
    redirect = good_report.http_redirect
    assert redirect is not None
    assert (redirect.status, redirect.location) == (
        301,
        f"https://127.0.0.1:{good_report.port}/foo/bar?x=1",
    )
    hsts = good_report.hsts
    assert hsts is not None
    assert (hsts.max_age, hsts.include_subdomains, hsts.preload) == (31536000, True, False)
    assert good_report.scan_seconds < 5
    decoded = json.loads(json.dumps(good_report.as_json()))
    assert decoded["accepted_versions"] == ["TLSv1.2", "TLSv1.3"]
    assert decoded["certificates"][0]["trusted_by"] == ["Supplied CA file"]


def test_without_urls_redirect_and_hsts_are_undetermined(lab: Lab) -> None:
    report = scan_endpoint("127.0.0.1", lab.good, ca_file=lab.certs.ca)
    findings = _by_aspect(judge_endpoint(report))
    assert findings["http-redirect"].ok is None
    assert findings["http-redirect"].message == "no HTTP URL given"
    assert findings["hsts"].ok is None
    assert findings["hsts"].message == "no HTTPS URL given"
    assert findings["protocols"].ok is True


def test_violating_endpoint_fails_protocols_hsts_and_redirect(bad_report: EndpointReport) -> None:
    assert "TLSv1.0" in bad_report.accepted_versions
    assert "TLSv1.1" in bad_report.accepted_versions
    findings = _by_aspect(judge_endpoint(bad_report))
    protocols = findings["protocols"]
    assert protocols.ok is False
    assert "TLSv1.0" in protocols.seen and "TLSv1.1" in protocols.seen
    assert protocols.required.startswith("TLSv1.2 or newer")
    assert "TLSv1.0, TLSv1.1" in protocols.message
    hsts = findings["hsts"]
    assert hsts.ok is False
    assert "without Strict-Transport-Security" in hsts.seen
    redirect = findings["http-redirect"]
    assert redirect.ok is False
    assert redirect.seen == "HTTP 200"
    # Same certificate as the compliant endpoint: those aspects still pass.
    assert findings["certificate-trusted"].ok is True
    assert findings["certificate-expiry"].ok is True


def test_violating_endpoint_passes_a_lower_minimum(bad_report: EndpointReport) -> None:
    findings = _by_aspect(judge_endpoint(bad_report, minimum_tls="TLSv1.0"))
    assert findings["protocols"].ok is True


def test_soon_expiring_certificate_fails_expiry(lab: Lab) -> None:
    report = scan_endpoint("127.0.0.1", lab.expiring, ca_file=lab.expiring_ca)
    findings = _by_aspect(judge_endpoint(report))
    expiry = findings["certificate-expiry"]
    assert expiry.ok is False
    assert "days left" in expiry.seen
    assert "expires in 2.9 days" in expiry.message or "expires in 3.0 days" in expiry.message
    assert expiry.required == "valid now, with at least 14 days left"
    assert findings["certificate-trusted"].ok is True
    assert _by_aspect(judge_endpoint(report, min_days_valid=2))["certificate-expiry"].ok is True


def test_certificate_from_another_ca_is_not_trusted(lab: Lab) -> None:
    report = scan_endpoint("127.0.0.1", lab.untrusted, ca_file=lab.certs.ca)
    trusted = _by_aspect(judge_endpoint(report))["certificate-trusted"]
    assert trusted.ok is False
    assert "not trusted" in trusted.seen
    assert str(lab.certs.ca) in trusted.required
    # Trusted once its own CA is supplied.
    report = scan_endpoint("127.0.0.1", lab.untrusted, ca_file=lab.other_ca)
    assert _by_aspect(judge_endpoint(report))["certificate-trusted"].ok is True


def test_wrong_server_name_fails_trust(lab: Lab) -> None:
    report = scan_endpoint(
        "127.0.0.1", lab.good, server_name="www.example.org", ca_file=lab.certs.ca
    )
    assert report.server_name == "www.example.org"
    trusted = _by_aspect(judge_endpoint(report))["certificate-trusted"]
    assert trusted.ok is False
    assert "www.example.org is not among the SANs" in trusted.message


def test_closed_port_raises_probe_error() -> None:
    port = free_port()
    with pytest.raises(ProbeError, match=rf"127\.0\.0\.1:{port}.*connection refused"):
        scan_endpoint("127.0.0.1", port)


def test_plain_http_port_is_not_tls(lab: Lab) -> None:
    with pytest.raises(ProbeError, match=rf"127\.0\.0\.1:{lab.good_http}.*no TLS handshake"):
        scan_endpoint("127.0.0.1", lab.good_http)


def test_silent_listener_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        with pytest.raises(ProbeError, match=rf"127\.0\.0\.1:{port}.*timed out"):
            scan_endpoint("127.0.0.1", port, timeout=1)
