"""``judge_endpoint`` on hand-made reports: the cases a lab HAProxy cannot easily show."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from archproof.errors import UsageError
from archproof.tlsprobe import (
    PROTOCOL_ORDER,
    CertificateReport,
    EndpointReport,
    HstsReport,
    ProtocolSupport,
    RedirectReport,
    TlsFinding,
    TrustResult,
    VulnerabilityResult,
    judge_endpoint,
)
from archproof.tlsprobe.httpcheck import parse_hsts
from archproof.tlsprobe.judge import normalize_version

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
MODERN = ("TLS_AES_128_GCM_SHA256",)


def _cert(**changes: object) -> CertificateReport:
    cert = CertificateReport(
        subject="CN=www.example.org",
        issuer="CN=Example CA",
        sans=("DNS:www.example.org",),
        not_before=NOW - dt.timedelta(days=10),
        not_after=NOW + dt.timedelta(days=80),
        key_type="EC",
        key_size=256,
        key_curve="secp256r1",
        signature_hash="sha256",
        chain_length=2,
        hostname="www.example.org",
        hostname_matches=True,
        trust=(TrustResult("Mozilla", True),),
    )
    return dataclasses.replace(cert, **changes)  # type: ignore[arg-type]


def _report(
    accepted: dict[str, tuple[str, ...] | None] | None = None, **changes: object
) -> EndpointReport:
    """A compliant report; ``accepted`` maps version -> suites (``None``: scan failed)."""
    accepted = accepted if accepted is not None else {"TLSv1.2": MODERN, "TLSv1.3": MODERN}
    protocols = []
    for version in PROTOCOL_ORDER:
        suites = accepted.get(version, ())
        if suites is None:
            protocols.append(ProtocolSupport(version, None, error="CONNECTIVITY_ISSUE: reset"))
        else:
            protocols.append(ProtocolSupport(version, bool(suites), suites))
    report = EndpointReport(
        host="203.0.113.10",
        port=443,
        server_name="www.example.org",
        scanned_at=NOW,
        scan_seconds=0.5,
        protocols=tuple(protocols),
        certificates=(_cert(),),
        certificate_error="",
        vulnerabilities=(VulnerabilityResult("heartbleed", False, "not vulnerable"),),
        ca_file=None,
        http_redirect=RedirectReport(
            "http://www.example.org/a?b=1", 301, "https://www.example.org/a?b=1"
        ),
        hsts=HstsReport(
            "https://www.example.org/", 200, "max-age=31536000", 31536000, False, False
        ),
    )
    return dataclasses.replace(report, **changes)  # type: ignore[arg-type]


def _judge(report: EndpointReport, **kwargs: object) -> dict[str, TlsFinding]:
    findings = judge_endpoint(report, now=NOW, **kwargs)  # type: ignore[arg-type]
    return {finding.aspect: finding for finding in findings}


def test_compliant_report_is_all_ok() -> None:
    findings = _judge(_report())
    assert {aspect: f.ok for aspect, f in findings.items()} == dict.fromkeys(findings, True)
    assert findings["http-redirect"].message.endswith("redirects to https://www.example.org/a?b=1")


def test_forbidden_cipher_fails_with_version_and_suite() -> None:
    suites = ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_3DES_EDE_CBC_SHA")
    ciphers = _judge(_report({"TLSv1.2": suites}))["ciphers"]
    assert ciphers.ok is False
    assert ciphers.seen == "TLSv1.2 TLS_RSA_WITH_3DES_EDE_CBC_SHA"
    assert "3DES" in ciphers.required


@pytest.mark.parametrize(
    "suite",
    [
        "TLS_RSA_WITH_RC4_128_SHA",
        "TLS_DH_anon_WITH_AES_128_CBC_SHA",
        "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5",
        "TLS_RSA_WITH_NULL_SHA256",
        "TLS_RSA_WITH_DES_CBC_SHA",
    ],
)
def test_default_forbidden_tokens(suite: str) -> None:
    assert _judge(_report({"TLSv1.2": (suite,)}))["ciphers"].ok is False


def test_failed_protocol_scan_is_undetermined_not_ok() -> None:
    findings = _judge(_report({"TLSv1.0": None, "TLSv1.2": MODERN}))
    assert findings["protocols"].ok is None
    assert "TLSv1.0 (CONNECTIVITY_ISSUE: reset)" in findings["protocols"].seen
    assert findings["ciphers"].ok is None


def test_a_seen_old_version_fails_even_if_another_scan_failed() -> None:
    findings = _judge(_report({"TLSv1.0": None, "TLSv1.1": MODERN, "TLSv1.2": MODERN}))
    assert findings["protocols"].ok is False


def test_nothing_at_or_above_the_minimum() -> None:
    protocols = _judge(_report({"TLSv1.2": MODERN}), minimum_tls="TLSv1.3")["protocols"]
    assert protocols.ok is False
    assert protocols.message.endswith("accepts TLSv1.2, older than the minimum TLSv1.3")
    only_old = _judge(_report({"TLSv1.1": MODERN}), minimum_tls="tls1.1")["protocols"]
    assert only_old.ok is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TLSv1.2", "TLSv1.2"),
        ("tls 1.3", "TLSv1.3"),
        ("1.1", "TLSv1.1"),
        ("TLSv1", "TLSv1.0"),
        ("SSLv3.0", "SSLv3"),
        ("sslv2", "SSLv2"),
    ],
)
def test_normalize_version(text: str, expected: str) -> None:
    assert normalize_version(text) == expected


def test_unknown_minimum_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"TLSv1\.4"):
        judge_endpoint(_report(), minimum_tls="TLSv1.4")


def test_untrusted_and_mismatched_certificate() -> None:
    cert = _cert(
        trust=(TrustResult("Mozilla", False, "validation failed: candidates exhausted"),),
        hostname="api.example.org",
        hostname_matches=False,
    )
    trusted = _judge(_report(certificates=(cert,)))["certificate-trusted"]
    assert trusted.ok is False
    assert "not trusted (validation failed: candidates exhausted)" in trusted.seen
    assert "api.example.org is not among the SANs" in trusted.message


def test_no_certificate_is_undetermined() -> None:
    findings = _judge(_report(certificates=(), certificate_error="CONNECTIVITY_ISSUE: reset"))
    assert findings["certificate-trusted"].ok is None
    assert findings["certificate-expiry"].ok is None
    assert findings["certificate-expiry"].seen == "CONNECTIVITY_ISSUE: reset"


def test_expired_and_not_yet_valid_certificates() -> None:
    expired = _cert(not_after=NOW - dt.timedelta(days=2))
    expiry = _judge(_report(certificates=(expired,)))["certificate-expiry"]
    assert expiry.ok is False and "expired 2.0 days ago" in expiry.message
    future = _cert(not_before=NOW + dt.timedelta(days=1))
    assert _judge(_report(certificates=(future,)))["certificate-expiry"].ok is False


def test_naive_now_is_taken_as_utc() -> None:
    findings = judge_endpoint(_report(), now=NOW.replace(tzinfo=None))
    assert findings[3].aspect == "certificate-expiry" and findings[3].ok is True


def test_short_hsts_fails_and_missing_url_is_undetermined() -> None:
    short = HstsReport("https://www.example.org/", 200, "max-age=300", 300, False, False)
    hsts = _judge(_report(hsts=short))["hsts"]
    assert hsts.ok is False and "300" in hsts.message
    assert _judge(_report(hsts=None))["hsts"].ok is None
    unreachable = HstsReport("https://x/", None, None, None, False, False, "connection refused")
    assert _judge(_report(hsts=unreachable))["hsts"].ok is None
    assert _judge(_report(hsts=None), require_hsts=False)["hsts"].required == "not required"


@pytest.mark.parametrize(
    ("location", "wrong"),
    [
        ("http://www.example.org/a?b=1", "scheme http"),
        ("https://evil.example.com/a?b=1", "host evil.example.com"),
        ("https://www.example.org/", "path /"),
        ("/a?b=1", "scheme http"),
    ],
)
def test_redirect_elsewhere_fails(location: str, wrong: str) -> None:
    redirect = RedirectReport("http://www.example.org/a?b=1", 302, location)
    finding = _judge(_report(http_redirect=redirect))["http-redirect"]
    assert finding.ok is False
    assert wrong in finding.message


def test_redirect_not_a_redirect_and_unreachable() -> None:
    ok_page = RedirectReport("http://www.example.org/", 200, None)
    assert _judge(_report(http_redirect=ok_page))["http-redirect"].ok is False
    refused = RedirectReport("http://www.example.org/", None, None, "connection refused")
    finding = _judge(_report(http_redirect=refused))["http-redirect"]
    assert finding.ok is None and "connection refused" in finding.message
    assert _judge(_report(http_redirect=None))["http-redirect"].message == "no HTTP URL given"


def test_redirect_to_another_port_is_noted() -> None:
    redirect = RedirectReport("http://h/", 301, "https://h:8443/")
    finding = _judge(_report(http_redirect=redirect))["http-redirect"]
    assert finding.ok is True
    assert "port 8443, not the probed 443" in finding.message


def test_vulnerabilities() -> None:
    vulnerable = (
        VulnerabilityResult("heartbleed", True, "vulnerable"),
        VulnerabilityResult("robot", None, "UNKNOWN_INCONSISTENT_RESULTS"),
    )
    finding = _judge(_report(vulnerabilities=vulnerable))["vulnerabilities"]
    assert finding.ok is False and "heartbleed" in finding.message
    unknown = vulnerable[1:]
    assert _judge(_report(vulnerabilities=unknown))["vulnerabilities"].ok is None
    assert _judge(_report(vulnerabilities=()))["vulnerabilities"].ok is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("max-age=31536000; includeSubDomains; preload", (31536000, True, True)),
        ('MAX-AGE="600"', (600, False, False)),
        ("includesubdomains", (None, True, False)),
        ("max-age=-1", (None, False, False)),
    ],
)
def test_parse_hsts(value: str, expected: tuple[int | None, bool, bool]) -> None:
    assert parse_hsts(value) == expected


def test_findings_serialise() -> None:
    finding = judge_endpoint(_report(), now=NOW)[0]
    assert finding.as_json() == {
        "aspect": "protocols",
        "ok": True,
        "seen": "accepted: TLSv1.2, TLSv1.3",
        "required": "TLSv1.2 or newer; none of SSLv2, SSLv3, TLSv1.0, TLSv1.1",
        "message": "203.0.113.10:443 accepts only TLSv1.2, TLSv1.3",
    }
