"""Live TLS probe of one entry point with sslyze's Python API, plus the HTTP redirect/HSTS requests.

``scan_endpoint`` only gathers evidence; :mod:`archproof.tlsprobe.judge` decides.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
import time
import warnings
from pathlib import Path
from typing import Any

from cryptography.utils import CryptographyDeprecationWarning
from sslyze.errors import (
    ConnectionToServerFailed,
    ConnectionToServerTimedOut,
    ServerHostnameCouldNotBeResolved,
    ServerRejectedConnection,
    TlsHandshakeFailed,
)
from sslyze.plugins.certificate_info.implementation import CertificateInfoExtraArgument
from sslyze.plugins.robot._robot_tester import RobotScanResultEnum
from sslyze.plugins.scan_commands import ScanCommand
from sslyze.scanner.models import (
    AllScanCommandsAttempts,
    ScanCommandsExtraArguments,
    ServerScanRequest,
    ServerScanResult,
)
from sslyze.scanner.scan_command_attempt import ScanCommandAttempt, ScanCommandAttemptStatusEnum
from sslyze.scanner.scanner import Scanner
from sslyze.scanner.scanner_observer import ScannerObserver
from sslyze.server_connectivity import ServerTlsProbingResult
from sslyze.server_setting import ServerNetworkConfiguration, ServerNetworkLocation

from archproof.errors import EXIT_EVIDENCE_MISSING, ArchproofError, UsageError
from archproof.tlsprobe.certificate import summarise
from archproof.tlsprobe.httpcheck import fetch_hsts, fetch_redirect, require_scheme
from archproof.tlsprobe.report import (
    PROTOCOL_ORDER,
    CertificateReport,
    EndpointReport,
    ProtocolSupport,
    VulnerabilityResult,
)

_PROTOCOL_COMMANDS: dict[str, ScanCommand] = {
    "SSLv2": ScanCommand.SSL_2_0_CIPHER_SUITES,
    "SSLv3": ScanCommand.SSL_3_0_CIPHER_SUITES,
    "TLSv1.0": ScanCommand.TLS_1_0_CIPHER_SUITES,
    "TLSv1.1": ScanCommand.TLS_1_1_CIPHER_SUITES,
    "TLSv1.2": ScanCommand.TLS_1_2_CIPHER_SUITES,
    "TLSv1.3": ScanCommand.TLS_1_3_CIPHER_SUITES,
}

_VULNERABILITY_COMMANDS = frozenset(
    {
        ScanCommand.HEARTBLEED,
        ScanCommand.ROBOT,
        ScanCommand.OPENSSL_CCS_INJECTION,
        ScanCommand.TLS_COMPRESSION,
        ScanCommand.TLS_FALLBACK_SCSV,
        ScanCommand.SESSION_RENEGOTIATION,
    }
)


class ProbeError(ArchproofError):
    """The endpoint could not be probed at all (refused, timed out, not TLS, unresolvable)."""

    exit_code = EXIT_EVIDENCE_MISSING

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"TLS probe of {_endpoint(host, port)} failed: {reason}")
        self.host, self.port, self.reason = host, port, reason


def _endpoint(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class _ConnectivityErrors(ScannerObserver):
    """Keeps the connectivity exception itself (the scan result only has its traceback)."""

    def __init__(self) -> None:
        self.error: ConnectionToServerFailed | None = None

    def server_connectivity_test_error(
        self, server_scan_request: ServerScanRequest, connectivity_error: ConnectionToServerFailed
    ) -> None:
        self.error = connectivity_error

    def server_connectivity_test_completed(
        self, server_scan_request: ServerScanRequest, connectivity_result: ServerTlsProbingResult
    ) -> None:
        pass

    def server_scan_completed(self, server_scan_result: ServerScanResult) -> None:
        pass

    def all_server_scans_completed(self) -> None:
        pass


def _connectivity_reason(error: ConnectionToServerFailed | None, timeout: int) -> str:
    if isinstance(error, ServerRejectedConnection):
        return "connection refused"
    if isinstance(error, ConnectionToServerTimedOut):
        return f"timed out (no answer within {timeout} s)"
    if isinstance(error, TlsHandshakeFailed):
        return (
            "no TLS handshake possible (not a TLS endpoint, or no protocol version and "
            f"cipher suite in common): {error.error_message}"
        )
    if error is not None:
        return error.error_message
    return "the server could not be reached"


def _attempt_error(attempt: ScanCommandAttempt[Any]) -> str:
    reason = attempt.error_reason.value if attempt.error_reason else attempt.status.value
    if attempt.error_trace is not None:
        last = "".join(attempt.error_trace.format_exception_only()).strip().splitlines()
        return f"{reason}: {last[-1]}" if last else reason
    return reason


def _location(host: str, port: int, server_name: str | None) -> ServerNetworkLocation:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        try:
            return ServerNetworkLocation(hostname=host, port=port)
        except ServerHostnameCouldNotBeResolved as error:
            raise ProbeError(host, port, f"could not resolve {host!r}") from error
    return ServerNetworkLocation(hostname=server_name or host, port=port, ip_address=host)


def _run_scan(request: ServerScanRequest, host: str, port: int) -> AllScanCommandsAttempts:
    """Run the scan; :class:`ProbeError` if sslyze could not connect and speak TLS at all."""
    observer = _ConnectivityErrors()
    scanner = Scanner(observers=[observer])
    with warnings.catch_warnings():
        # sslyze's bundled trust stores hold certificates with negative serial numbers.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        scanner.queue_scans([request])
        results = list(scanner.get_results())
    if not results or results[0].scan_result is None:
        timeout = request.network_configuration.network_timeout
        raise ProbeError(host, port, _connectivity_reason(observer.error, timeout))
    return results[0].scan_result


def _protocols(scan: AllScanCommandsAttempts) -> tuple[ProtocolSupport, ...]:
    protocols = []
    for version in PROTOCOL_ORDER:
        attempt = getattr(scan, _PROTOCOL_COMMANDS[version].value)
        if attempt.status != ScanCommandAttemptStatusEnum.COMPLETED or attempt.result is None:
            protocols.append(ProtocolSupport(version, None, error=_attempt_error(attempt)))
            continue
        names = tuple(suite.cipher_suite.name for suite in attempt.result.accepted_cipher_suites)
        protocols.append(ProtocolSupport(version, bool(names), names))
    return tuple(protocols)


def _certificates(
    scan: AllScanCommandsAttempts, hostname: str
) -> tuple[tuple[CertificateReport, ...], str]:
    attempt = scan.certificate_info
    if attempt.status != ScanCommandAttemptStatusEnum.COMPLETED or attempt.result is None:
        return (), _attempt_error(attempt)
    deployments = attempt.result.certificate_deployments
    if not deployments:
        return (), "the server presented no certificate"
    return tuple(summarise(deployment, hostname) for deployment in deployments), ""


def _vulnerabilities(
    scan: AllScanCommandsAttempts, protocols: tuple[ProtocolSupport, ...]
) -> tuple[VulnerabilityResult, ...]:
    found: list[VulnerabilityResult] = []

    def add(
        name: str, attempt: ScanCommandAttempt[Any], vulnerable: bool | None, detail: str
    ) -> None:
        if attempt.status != ScanCommandAttemptStatusEnum.COMPLETED or attempt.result is None:
            found.append(VulnerabilityResult(name, None, _attempt_error(attempt)))
        else:
            found.append(VulnerabilityResult(name, vulnerable, detail))

    heartbleed = scan.heartbleed.result
    vulnerable = heartbleed.is_vulnerable_to_heartbleed if heartbleed else None
    add("heartbleed", scan.heartbleed, vulnerable, "vulnerable" if vulnerable else "not vulnerable")

    robot = scan.robot.result
    outcome = robot.robot_result if robot else None
    if outcome in (
        RobotScanResultEnum.VULNERABLE_STRONG_ORACLE,
        RobotScanResultEnum.VULNERABLE_WEAK_ORACLE,
    ):
        vulnerable = True
    elif outcome == RobotScanResultEnum.UNKNOWN_INCONSISTENT_RESULTS:
        vulnerable = None
    else:
        vulnerable = False
    add("robot", scan.robot, vulnerable, outcome.value if outcome else "")

    ccs = scan.openssl_ccs_injection.result
    vulnerable = ccs.is_vulnerable_to_ccs_injection if ccs else None
    add(
        "openssl_ccs_injection",
        scan.openssl_ccs_injection,
        vulnerable,
        "vulnerable" if vulnerable else "not vulnerable",
    )

    compression = scan.tls_compression.result
    vulnerable = compression.supports_compression if compression else None
    detail = "TLS compression supported (CRIME)" if vulnerable else "TLS compression disabled"
    add("compression", scan.tls_compression, vulnerable, detail)

    fallback = scan.tls_fallback_scsv.result
    legacy = [p.version for p in protocols if p.accepted and p.version != "TLSv1.3"]
    if fallback is None or fallback.supports_fallback_scsv:
        vulnerable, detail = False, "TLS_FALLBACK_SCSV supported"
    elif len(legacy) < 2:
        vulnerable, detail = (
            False,
            "no TLS_FALLBACK_SCSV, but no older version to fall to",
        )
    else:
        vulnerable, detail = True, f"TLS_FALLBACK_SCSV not supported with {', '.join(legacy)}"
    add("fallback_scsv", scan.tls_fallback_scsv, vulnerable, detail)

    renegotiation = scan.session_renegotiation.result
    insecure = not renegotiation.supports_secure_renegotiation if renegotiation else None
    add(
        "insecure_renegotiation",
        scan.session_renegotiation,
        insecure,
        "secure renegotiation not supported" if insecure else "secure renegotiation supported",
    )
    dos = renegotiation.is_vulnerable_to_client_renegotiation_dos if renegotiation else None
    add(
        "client_renegotiation_dos",
        scan.session_renegotiation,
        dos,
        "server honours client-initiated renegotiation" if dos else "not vulnerable",
    )
    return tuple(found)


def scan_endpoint(
    host: str,
    port: int,
    server_name: str | None = None,
    ca_file: Path | None = None,
    http_url: str | None = None,
    https_url: str | None = None,
    timeout: float = 10.0,
) -> EndpointReport:
    """Probe ``host:port`` live and return what it accepts and presents.

    ``server_name`` is sent as SNI and certificates are matched against it (default: ``host``).
    ``ca_file`` adds a custom CA store to sslyze's bundled public ones. ``http_url`` is fetched
    once over plain HTTP (redirects not followed) and ``https_url`` once for its HSTS header.
    ``timeout`` bounds each network operation, not the whole probe.

    Raises :class:`ProbeError` when the endpoint cannot be reached or does not speak TLS.
    """
    if ca_file is not None and not ca_file.is_file():
        raise UsageError(f"CA file {ca_file} does not exist")
    if http_url:
        require_scheme(http_url, "http")
    if https_url:
        require_scheme(https_url, "https")
    location = _location(host, port, server_name)
    sni = server_name or location.hostname
    extra = ScanCommandsExtraArguments(
        certificate_info=CertificateInfoExtraArgument(custom_ca_file=ca_file) if ca_file else None
    )
    request = ServerScanRequest(
        server_location=location,
        network_configuration=ServerNetworkConfiguration(
            tls_server_name_indication=sni,
            network_timeout=max(1, math.ceil(timeout)),
            network_max_retries=2,
        ),
        scan_commands={
            ScanCommand.CERTIFICATE_INFO,
            *_PROTOCOL_COMMANDS.values(),
            *_VULNERABILITY_COMMANDS,
        },
        scan_commands_extra_arguments=extra,
    )
    scanned_at = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    scan = _run_scan(request, host, port)
    scan_seconds = time.perf_counter() - started

    protocols = _protocols(scan)
    certificates, certificate_error = _certificates(scan, sni)
    return EndpointReport(
        host=host,
        port=port,
        server_name=sni,
        scanned_at=scanned_at,
        scan_seconds=scan_seconds,
        protocols=protocols,
        certificates=certificates,
        certificate_error=certificate_error,
        vulnerabilities=_vulnerabilities(scan, protocols),
        ca_file=str(ca_file) if ca_file else None,
        http_redirect=fetch_redirect(http_url, timeout) if http_url else None,
        hsts=fetch_hsts(https_url, timeout) if https_url else None,
    )
