"""Plain HTTP(S) requests for the redirect and HSTS checks: one GET each, redirects not followed."""

from __future__ import annotations

import http.client
import ssl
from urllib.parse import urlsplit

from archproof.errors import UsageError
from archproof.tlsprobe.report import HstsReport, RedirectReport

_USER_AGENT = "archproof-tlsprobe"


def _request(url: str, timeout: float) -> tuple[int, http.client.HTTPMessage]:
    """GET ``url`` once; return the status and headers. Raises OSError/HTTPException."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        # Trust is judged from the sslyze scan; here only the headers matter.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection(host, parts.port, timeout=timeout, context=context)
    else:
        conn = http.client.HTTPConnection(host, parts.port, timeout=timeout)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    try:
        conn.request("GET", target, headers={"User-Agent": _USER_AGENT, "Connection": "close"})
        response = conn.getresponse()
        return response.status, response.headers
    finally:
        conn.close()


def require_scheme(url: str, scheme: str) -> None:
    """Raise :class:`UsageError` unless ``url`` is a ``scheme://host…`` URL."""
    parts = urlsplit(url)
    if parts.scheme != scheme or not parts.hostname:
        raise UsageError(f"expected an {scheme}:// URL with a host, got {url!r}")


def _describe(error: Exception) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, TimeoutError):
        return "timed out"
    return f"{type(error).__name__}: {error}"


def fetch_redirect(url: str, timeout: float = 10.0) -> RedirectReport:
    """Status and ``Location`` of a plain-HTTP GET of ``url``; errors are recorded, not raised."""
    require_scheme(url, "http")
    try:
        status, headers = _request(url, timeout)
    except (OSError, http.client.HTTPException) as error:
        return RedirectReport(url=url, status=None, location=None, error=_describe(error))
    return RedirectReport(url=url, status=status, location=headers.get("Location"))


def parse_hsts(value: str) -> tuple[int | None, bool, bool]:
    """``(max_age, include_subdomains, preload)`` of an HSTS header value (RFC 6797)."""
    max_age: int | None = None
    include_subdomains = preload = False
    for directive in value.split(";"):
        name, _, argument = directive.strip().partition("=")
        name = name.strip().lower()
        argument = argument.strip().strip('"')
        if name == "max-age":
            max_age = int(argument) if argument.isdigit() else None
        elif name == "includesubdomains":
            include_subdomains = True
        elif name == "preload":
            preload = True
    return max_age, include_subdomains, preload


def fetch_hsts(url: str, timeout: float = 10.0) -> HstsReport:
    """The Strict-Transport-Security header of an HTTPS GET of ``url``; errors are recorded."""
    require_scheme(url, "https")
    try:
        status, headers = _request(url, timeout)
    except (OSError, http.client.HTTPException) as error:
        return HstsReport(
            url=url,
            status=None,
            header=None,
            max_age=None,
            include_subdomains=False,
            preload=False,
            error=_describe(error),
        )
    # A user agent honours only the first header when several are sent (RFC 6797 §8.1).
    header = headers.get("Strict-Transport-Security")
    if header is None:
        return HstsReport(url, status, None, None, include_subdomains=False, preload=False)
    max_age, include_subdomains, preload = parse_hsts(header)
    return HstsReport(url, status, header, max_age, include_subdomains, preload)
