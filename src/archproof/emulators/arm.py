"""A local Azure Resource Manager: HTTPS on 127.0.0.1 serving recorded-shape ARM documents.

The real Azure SDK talks to it unchanged: management calls (GET a resource, list a
collection by subscription or resource group with ``nextLink`` paging, child collections,
extension resources such as diagnostic settings), the Blob data plane's container listing
(path-style ``https://127.0.0.1:port/<account>/<container>``), and a bearer token obtained
through the real credential chain from a stand-in ``az`` (see ``client_env``). Nothing
leaves the machine. Read-only: anything but GET is refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import ssl
import sys
import tempfile
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from archproof.emulators.arm_az import write_fake_az
from archproof.emulators.arm_blob import BlobRecord, enumeration, not_found
from archproof.emulators.arm_store import TENANT, ArmStore, error
from archproof.lab.certs import make_certificates

__all__ = ["ArmEmulator", "BlobRecord", "arm_emulator"]


@dataclass
class ArmEmulator:
    """A running emulator: where it listens, what a client must trust and set."""

    store: ArmStore
    blobs: dict[str, list[BlobRecord]]
    token: str
    endpoint: str = ""
    ca_file: str = ""
    bin_dir: str = ""
    config_dir: str = ""
    requests: list[tuple[str, str]] = field(default_factory=list)
    """Every request served: (method, path with query)."""

    def load(
        self,
        documents: Sequence[Mapping[str, Any]],
        blobs: Mapping[str, Sequence[BlobRecord]] | None = None,
        **options: Any,
    ) -> None:
        """Serve other documents from now on (the same endpoint, CA and token)."""
        self.store = _store(documents, blobs, **options)
        self.blobs = {key: list(records) for key, records in (blobs or {}).items()}

    @property
    def blob_endpoint_template(self) -> str:
        return self.endpoint + "/{account}"

    @property
    def subscription(self) -> str:
        return self.store.subscriptions[0] if self.store.subscriptions else ""

    def client_env(self) -> dict[str, str]:
        """What a client process sets to reach the emulator through the real credential chain:
        the subscription, ``AZURE_TOKEN_CREDENTIALS=AzureCliCredential`` (no managed identity
        probe), ``PATH`` led by the stand-in ``az``, its own ``AZURE_CONFIG_DIR`` and the CA
        for TLS (``REQUESTS_CA_BUNDLE``)."""
        return {
            "AZURE_SUBSCRIPTION_ID": self.subscription,
            "AZURE_TOKEN_CREDENTIALS": "AzureCliCredential",
            "AZURE_CONFIG_DIR": self.config_dir,
            "PATH": self.bin_dir + os.pathsep + os.environ.get("PATH", ""),
            "REQUESTS_CA_BUNDLE": self.ca_file,
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-request (TLS EOF, reset) is not the emulator's error."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


def _handler(emulator: ArmEmulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "archproof-arm"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            emulator.requests.append(("GET", self.path))
            split = urlsplit(self.path)
            path = unquote(split.path)
            query = dict(parse_qsl(split.query, keep_blank_values=True))
            if self.headers.get("Authorization", "") != f"Bearer {emulator.token}":
                self._json(*error(401, "AuthenticationFailed", "missing or unknown bearer token"))
                return
            if path.lower().startswith("/subscriptions/") or path.lower() == "/subscriptions":
                status, body = emulator.store.answer(path, query, emulator.endpoint)
                self._json(status, body)
                return
            self._blob(path, query)

        def do_HEAD(self) -> None:
            self._refuse()

        def do_PUT(self) -> None:
            self._refuse()

        def do_POST(self) -> None:
            self._refuse()

        def do_PATCH(self) -> None:
            self._refuse()

        def do_DELETE(self) -> None:
            self._refuse()

        def _refuse(self) -> None:
            emulator.requests.append((self.command, self.path))
            self._json(*error(405, "MethodNotAllowed", "the ARM emulator is read-only"))

        def _blob(self, path: str, query: Mapping[str, str]) -> None:
            account, _, container = path.strip("/").partition("/")
            if query.get("restype") != "container" or query.get("comp") != "list" or not container:
                self._xml(400, not_found("InvalidQueryParameterValue", "only List Blobs is served"))
                return
            key = f"{account}/{container}"
            if key not in emulator.blobs and not emulator.store.has_container(account, container):
                self._xml(
                    404, not_found("ContainerNotFound", "The specified container does not exist.")
                )
                return
            body = enumeration(
                f"{emulator.endpoint}/{account}", container, emulator.blobs.get(key, []), query
            )
            self._xml(200, body)

        def _json(self, status: int, body: Mapping[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-ms-request-id", secrets.token_hex(8))
            if status == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(data)

        def _xml(self, status: int, body: str) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-ms-version", "2025-01-05")
            if status >= 400:
                code = body.split("<Code>", 1)[-1].split("</Code>", 1)[0]
                self.send_header("x-ms-error-code", code)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _store(
    documents: Sequence[Mapping[str, Any]],
    blobs: Mapping[str, Sequence[BlobRecord]] | None,
    **options: Any,
) -> ArmStore:
    store = ArmStore(documents, **options)
    for key in blobs or {}:
        account, _, container = key.partition("/")
        store.ensure_container(account, container)
    return store


@contextlib.contextmanager
def arm_emulator(
    documents: Sequence[Mapping[str, Any]],
    blobs: Mapping[str, Sequence[BlobRecord]] | None = None,
    forbidden: Collection[str] = (),
    *,
    throttled: Collection[str] = (),
    page_size: int = 100,
    subscriptions: Sequence[str] = (),
) -> Iterator[ArmEmulator]:
    """Serve ``documents`` (and ``blobs`` by ``account/container``) on 127.0.0.1 over HTTPS.

    ``forbidden``: resource types (or namespaces) answered 403 AuthorizationFailed, as a
    role without read rights on them would be; ``throttled``: answered 429.
    """
    store = _store(
        documents,
        blobs,
        forbidden=forbidden,
        throttled=throttled,
        page_size=page_size,
        subscriptions=subscriptions,
    )
    held = {key: list(records) for key, records in (blobs or {}).items()}
    emulator = ArmEmulator(store=store, blobs=held, token=secrets.token_urlsafe(24))
    with tempfile.TemporaryDirectory(prefix="archproof-arm-") as scratch:
        root = Path(scratch)
        certs = make_certificates(root / "tls", hosts=("127.0.0.1", "localhost"))
        write_fake_az(root / "bin", emulator.token, emulator.subscription, TENANT)
        (root / "azure").mkdir()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certs.leaf, certs.key)
        server = _Server(("127.0.0.1", 0), _handler(emulator))
        server.socket = context.wrap_socket(server.socket, server_side=True)
        emulator.endpoint = f"https://127.0.0.1:{server.server_address[1]}"
        emulator.ca_file = str(certs.ca)
        emulator.bin_dir = str(root / "bin")
        emulator.config_dir = str(root / "azure")
        thread = threading.Thread(target=server.serve_forever, name="arm-emulator", daemon=True)
        thread.start()
        try:
            yield emulator
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
