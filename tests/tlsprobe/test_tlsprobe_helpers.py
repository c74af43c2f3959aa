"""Hostname matching and the HTTP helpers, without HAProxy."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from tlsprobe_lab import free_port

from archproof.errors import UsageError
from archproof.lab.certs import make_certificates
from archproof.tlsprobe import scan_endpoint
from archproof.tlsprobe.certificate import hostname_matches
from archproof.tlsprobe.httpcheck import fetch_hsts, fetch_redirect


@pytest.fixture(scope="module")
def wildcard_leaf(tmp_path_factory: pytest.TempPathFactory) -> x509.Certificate:
    folder = tmp_path_factory.mktemp("wildcard")
    certs = make_certificates(folder, hosts=("*.example.org", "api.example.com", "10.0.0.1"))
    return x509.load_pem_x509_certificate(certs.leaf.read_bytes())


@pytest.mark.parametrize(
    ("name", "matches"),
    [
        ("www.example.org", True),
        ("WWW.Example.org.", True),
        ("example.org", False),
        ("a.b.example.org", False),
        ("api.example.com", True),
        ("www.api.example.com", False),
        ("10.0.0.1", True),
        ("10.0.0.2", False),
    ],
)
def test_hostname_matches(wildcard_leaf: x509.Certificate, name: str, matches: bool) -> None:
    assert hostname_matches(wildcard_leaf, name) is matches


def test_http_errors_are_recorded_not_raised() -> None:
    port = free_port()
    redirect = fetch_redirect(f"http://127.0.0.1:{port}/", timeout=2)
    assert (redirect.status, redirect.error) == (None, "connection refused")
    hsts = fetch_hsts(f"https://127.0.0.1:{port}/", timeout=2)
    assert (hsts.status, hsts.header, hsts.error) == (None, None, "connection refused")


def test_bad_arguments_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="http://"):
        scan_endpoint("127.0.0.1", 443, http_url="https://127.0.0.1/")
    with pytest.raises(UsageError, match="https://"):
        scan_endpoint("127.0.0.1", 443, https_url="http://127.0.0.1/")
    with pytest.raises(UsageError, match="does not exist"):
        scan_endpoint("127.0.0.1", 443, ca_file=tmp_path / "missing.pem")
