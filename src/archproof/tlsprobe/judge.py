"""Judge an :class:`EndpointReport`: one :class:`TlsFinding` per aspect.

``ok`` is ``True`` only for what was actually checked and met, ``False`` for a seen violation
and ``None`` when the evidence could not decide (no URL given, a scan step failed …).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from archproof.errors import UsageError
from archproof.tlsprobe.report import PROTOCOL_ORDER, EndpointReport

REDIRECT_STATUSES = frozenset({301, 302, 307, 308})
_FORBIDDEN_DEFAULT = ("RC4", "3DES", "DES", "NULL", "EXPORT", "MD5", "anon")


@dataclass(frozen=True, slots=True)
class TlsFinding:
    """The verdict on one aspect of a TLS endpoint."""

    aspect: str
    """``protocols``, ``ciphers``, ``certificate-trusted``, ``certificate-expiry``, ``hsts``,
    ``http-redirect`` or ``vulnerabilities``."""
    ok: bool | None
    """``None``: could not be determined (see ``message``)."""
    seen: str
    required: str
    message: str

    def as_json(self) -> dict[str, object]:
        return {
            "aspect": self.aspect,
            "ok": self.ok,
            "seen": self.seen,
            "required": self.required,
            "message": self.message,
        }


def normalize_version(text: str) -> str:
    """``TLSv1.2`` for ``TLSv1.2``, ``TLS1.2``, ``tls 1.2``, ``1.2``; ``SSLv3`` for ``SSLv3.0`` …"""
    compact = text.strip().upper().replace(" ", "").replace("_", ".")
    family = "SSL" if compact.startswith("SSL") else "TLS"
    number = compact.removeprefix(family).removeprefix("V")
    if family == "SSL":
        name = f"SSLv{number.removesuffix('.0')}"
    else:
        name = f"TLSv{number}" if "." in number else f"TLSv{number}.0"
    if name not in PROTOCOL_ORDER:
        raise UsageError(
            f"unknown TLS version {text!r}; expected one of {', '.join(PROTOCOL_ORDER)}"
        )
    return name


def _protocols(report: EndpointReport, minimum: str) -> TlsFinding:
    floor = PROTOCOL_ORDER.index(minimum)
    below = [p for p in report.protocols if PROTOCOL_ORDER.index(p.version) < floor]
    above = [p for p in report.protocols if PROTOCOL_ORDER.index(p.version) >= floor]
    accepted = report.accepted_versions
    unknown = [p for p in report.protocols if p.accepted is None]
    seen = f"accepted: {', '.join(accepted) or 'none'}"
    if unknown:
        seen += f"; not determined: {', '.join(f'{p.version} ({p.error})' for p in unknown)}"
    older = ", ".join(p.version for p in below)
    required = f"{minimum} or newer" + (f"; none of {older}" if older else "")
    bad = [p.version for p in below if p.accepted]
    if bad:
        message = f"{report.endpoint} accepts {', '.join(bad)}, older than the minimum {minimum}"
        return TlsFinding("protocols", False, seen, required, message)
    if any(p.accepted is None for p in below):
        message = "whether older protocol versions are accepted could not be determined"
        return TlsFinding("protocols", None, seen, required, message)
    if not any(p.accepted for p in above):
        if any(p.accepted is None for p in above):
            message = f"no version at or above {minimum} was seen accepted; some scans failed"
            return TlsFinding("protocols", None, seen, required, message)
        message = f"{report.endpoint} accepts no version at or above {minimum}"
        return TlsFinding("protocols", False, seen, required, message)
    message = f"{report.endpoint} accepts only {', '.join(accepted)}"
    return TlsFinding("protocols", True, seen, required, message)


def _ciphers(report: EndpointReport, forbidden: tuple[str, ...]) -> TlsFinding:
    tokens = [token.lower() for token in forbidden]
    offending = [
        f"{p.version} {suite}"
        for p in report.protocols
        for suite in p.cipher_suites
        if any(token in suite.lower() for token in tokens)
    ]
    total = sum(len(p.cipher_suites) for p in report.protocols)
    required = f"no accepted cipher suite containing {', '.join(forbidden)}"
    if offending:
        seen = "; ".join(offending)
        message = f"{report.endpoint} accepts {len(offending)} forbidden cipher suite(s)"
        return TlsFinding("ciphers", False, seen, required, message)
    seen = f"{total} accepted cipher suite(s), none forbidden"
    if any(p.accepted is None for p in report.protocols):
        failed = ", ".join(p.version for p in report.protocols if p.accepted is None)
        message = f"cipher suites for {failed} could not be scanned"
        return TlsFinding("ciphers", None, seen, required, message)
    if total == 0:
        return TlsFinding(
            "ciphers", None, "no accepted cipher suite seen", required, "no cipher suite to judge"
        )
    return TlsFinding("ciphers", True, seen, required, f"{report.endpoint}: {seen}")


def _trusted(report: EndpointReport) -> TlsFinding:
    stores = (
        f"{report.ca_file} or a public trust store" if report.ca_file else "a public trust store"
    )
    required = f"chain validates against {stores}; {report.server_name} is in the SANs"
    if not report.certificates:
        seen = report.certificate_error or "no certificate read"
        return TlsFinding("certificate-trusted", None, seen, required, "no certificate to judge")
    problems: list[str] = []
    seen_parts: list[str] = []
    for cert in report.certificates:
        names = ", ".join(cert.sans) or "no SANs"
        match = "matches" if cert.hostname_matches else "does not match"
        if cert.trusted_by:
            seen_parts.append(f"{cert.subject}: trusted by {', '.join(cert.trusted_by)}")
        else:
            errors = {t.error for t in cert.trust if t.error}
            custom = [t.error for t in cert.trust if t.store == "Supplied CA file"]
            why = custom[0] if custom else "; ".join(sorted(errors))
            seen_parts.append(f"{cert.subject}: not trusted ({why})")
            problems.append(f"{cert.subject} is not trusted")
        seen_parts[-1] += f"; {cert.hostname} {match} ({names})"
        if not cert.hostname_matches:
            problems.append(f"{cert.hostname} is not among the SANs of {cert.subject}")
    seen = " | ".join(seen_parts)
    if problems:
        return TlsFinding("certificate-trusted", False, seen, required, "; ".join(problems))
    message = f"{report.endpoint} presents a trusted certificate for {report.server_name}"
    return TlsFinding("certificate-trusted", True, seen, required, message)


def _expiry(report: EndpointReport, min_days: int, now: dt.datetime) -> TlsFinding:
    required = f"valid now, with at least {min_days} days left"
    if not report.certificates:
        seen = report.certificate_error or "no certificate read"
        return TlsFinding("certificate-expiry", None, seen, required, "no certificate to judge")
    problems: list[str] = []
    seen_parts: list[str] = []
    for cert in report.certificates:
        days_left = (cert.not_after - now).total_seconds() / 86400
        seen_parts.append(
            f"{cert.subject}: valid {cert.not_before:%Y-%m-%d %H:%M}Z to "
            f"{cert.not_after:%Y-%m-%d %H:%M}Z ({days_left:.1f} days left)"
        )
        if now < cert.not_before:
            problems.append(f"{cert.subject} is not valid before {cert.not_before:%Y-%m-%d}")
        elif days_left < 0:
            problems.append(f"{cert.subject} expired {-days_left:.1f} days ago")
        elif days_left < min_days:
            problems.append(f"{cert.subject} expires in {days_left:.1f} days (< {min_days})")
    seen = " | ".join(seen_parts)
    if problems:
        return TlsFinding("certificate-expiry", False, seen, required, "; ".join(problems))
    return TlsFinding("certificate-expiry", True, seen, required, f"{report.endpoint}: {seen}")


def _hsts(report: EndpointReport, required_flag: bool, min_age: int) -> TlsFinding:
    hsts = report.hsts
    if not required_flag:
        seen = (hsts.header or "no header") if hsts else "not checked"
        return TlsFinding("hsts", True, seen, "not required", "HSTS is not required")
    required = f"Strict-Transport-Security with max-age >= {min_age}"
    if hsts is None:
        return TlsFinding("hsts", None, "not checked", required, "no HTTPS URL given")
    if hsts.error:
        message = f"could not fetch {hsts.url}: {hsts.error}"
        return TlsFinding("hsts", None, hsts.error, required, message)
    if hsts.header is None:
        seen = f"HTTP {hsts.status} without Strict-Transport-Security"
        return TlsFinding("hsts", False, seen, required, f"{hsts.url} sends no HSTS header")
    seen = f"Strict-Transport-Security: {hsts.header}"
    if hsts.max_age is None:
        return TlsFinding("hsts", False, seen, required, "HSTS header without a valid max-age")
    if hsts.max_age < min_age:
        message = f"HSTS max-age {hsts.max_age} is below {min_age}"
        return TlsFinding("hsts", False, seen, required, message)
    sub = ", includeSubDomains" if hsts.include_subdomains else ", without includeSubDomains"
    return TlsFinding("hsts", True, seen, required, f"HSTS max-age {hsts.max_age}{sub}")


def _redirect(report: EndpointReport, required_flag: bool) -> TlsFinding:
    redirect = report.http_redirect
    if not required_flag:
        seen = f"HTTP {redirect.status}" if redirect else "not checked"
        return TlsFinding("http-redirect", True, seen, "not required", "redirect not required")
    if redirect is None:
        required = "301/302/307/308 to https on the same host and path"
        return TlsFinding("http-redirect", None, "not checked", required, "no HTTP URL given")
    source = urlsplit(redirect.url)
    query = f"?{source.query}" if source.query else ""
    expected = f"https://{source.hostname}{source.path or '/'}{query}"
    required = f"301/302/307/308 to {expected} (any port)"
    if redirect.error:
        message = f"could not fetch {redirect.url}: {redirect.error}"
        return TlsFinding("http-redirect", None, redirect.error, required, message)
    seen = f"HTTP {redirect.status}" + (
        f" Location: {redirect.location}" if redirect.location else ""
    )
    if redirect.status not in REDIRECT_STATUSES or not redirect.location:
        message = f"{redirect.url} answers HTTP {redirect.status}, not a redirect"
        return TlsFinding("http-redirect", False, seen, required, message)
    target = urlsplit(urljoin(redirect.url, redirect.location))
    wrong = []
    if target.scheme != "https":
        wrong.append(f"scheme {target.scheme}")
    if (target.hostname or "") != (source.hostname or ""):
        wrong.append(f"host {target.hostname}")
    if (target.path or "/", target.query) != (source.path or "/", source.query):
        wrong.append(f"path {target.path}{'?' + target.query if target.query else ''}")
    if wrong:
        message = f"{redirect.url} redirects elsewhere: {', '.join(wrong)}"
        return TlsFinding("http-redirect", False, seen, required, message)
    message = f"{redirect.url} redirects to {redirect.location}"
    if (target.port or 443) != report.port:
        message += f" (port {target.port or 443}, not the probed {report.port})"
    return TlsFinding("http-redirect", True, seen, required, message)


def _vulnerabilities(report: EndpointReport) -> TlsFinding:
    names = ", ".join(v.name for v in report.vulnerabilities)
    required = f"not vulnerable: {names}" if names else "not vulnerable"
    if not report.vulnerabilities:
        return TlsFinding("vulnerabilities", None, "not checked", required, "no check ran")
    vulnerable = [v for v in report.vulnerabilities if v.vulnerable]
    unknown = [v for v in report.vulnerabilities if v.vulnerable is None]
    if vulnerable:
        seen = "; ".join(f"{v.name}: {v.detail}" for v in vulnerable)
        message = f"{report.endpoint} is vulnerable: {', '.join(v.name for v in vulnerable)}"
        return TlsFinding("vulnerabilities", False, seen, required, message)
    if unknown:
        seen = "; ".join(f"{v.name}: {v.detail or 'not determined'}" for v in unknown)
        message = f"could not determine: {', '.join(v.name for v in unknown)}"
        return TlsFinding("vulnerabilities", None, seen, required, message)
    seen = f"none of {len(report.vulnerabilities)} checks vulnerable"
    return TlsFinding("vulnerabilities", True, seen, required, f"{report.endpoint}: {seen}")


def judge_endpoint(
    report: EndpointReport,
    minimum_tls: str = "TLSv1.2",
    forbidden_ciphers: tuple[str, ...] = _FORBIDDEN_DEFAULT,
    min_days_valid: int = 14,
    require_hsts: bool = True,
    min_hsts_age: int = 15552000,
    require_redirect: bool = True,
    now: dt.datetime | None = None,
) -> list[TlsFinding]:
    """One finding per aspect, in a fixed order.

    ``forbidden_ciphers`` are case-insensitive substrings of IANA suite names. ``now`` (UTC,
    default: the current time) is when expiry is measured from.
    """
    moment = now or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return [
        _protocols(report, normalize_version(minimum_tls)),
        _ciphers(report, forbidden_ciphers),
        _trusted(report),
        _expiry(report, min_days_valid, moment),
        _hsts(report, require_hsts, min_hsts_age),
        _redirect(report, require_redirect),
        _vulnerabilities(report),
    ]
