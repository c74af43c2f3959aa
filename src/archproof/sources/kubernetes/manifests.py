"""Kubernetes manifests (files, directories, ``helm template`` / ``kustomize build`` output).

Paths are files or directories (searched recursively for ``*.yaml``, ``*.yml`` and
``*.json``, in sorted order) or ``-`` for standard input. A file holds one or more
YAML documents; empty and comment-only documents are skipped, ``kind: List`` (and
``*List``) items are flattened, so ``kubectl get -o yaml`` output loads too. Objects
without a namespace are placed in ``namespace`` (as ``kubectl apply -n`` would).

Scalars are read as Kubernetes reads them: no YAML timestamp conversion
(``2025-01-01`` stays a string), UTF-8 with or without BOM, or UTF-16 with a BOM.

Bad input raises :class:`ManifestError` (a :class:`~archproof.errors.PlanError`:
exit code 2) naming the file, the document number (1-based, counting every
``---`` section, empty ones too) and the line: YAML syntax errors, a document that
is not a mapping or lacks ``apiVersion``, ``kind`` or ``metadata.name`` (or
``generateName``), text that is not UTF-8, a missing path, a directory without
manifests, and no object at all (an empty pipe: the command before it failed).

**Duplicates.** Two documents with the same address (namespace, kind, name) are bad
input: ``kubectl apply`` would keep the later one silently, so a check of either
would prove something that is not deployed. The error names both places. The same
file reached twice (a directory and a file inside it) is read once.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from archproof.errors import PlanError
from archproof.inventory.model import Inventory, Resource
from archproof.inventory.source_kinds import MANIFESTS
from archproof.sources.kubernetes.objects import CLUSTER_SCOPED, resource_from_object
from archproof.sources.plan.read import decode

SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"
STDIN_NAME = "<stdin>"


class ManifestError(PlanError):
    """A manifest that cannot be read: names the file, document and line."""

    def __init__(
        self, path: str, message: str, document: int | None = None, line: int | None = None
    ) -> None:
        where = []
        if document is not None:
            where.append(f"document {document}")
        if line is not None:
            where.append(f"line {line}")
        super().__init__(f"{path} ({', '.join(where)})" if where else path, message)
        self.path, self.document, self.line = path, document, line


class _Loader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """Safe YAML without timestamp conversion: values stay the strings the API sees."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class Document:
    """One object of a manifest and where it was written."""

    obj: dict[str, Any]
    path: str
    number: int  # the document's position in its file, from 1
    line: int | None  # 1-based line where the document starts

    @property
    def place(self) -> str:
        line = f", line {self.line}" if self.line else ""
        return f"{self.path} (document {self.number}{line})"


def load_manifests(
    paths: Sequence[str],
    source: str = "manifests",
    namespace: str = "default",
    stdin: TextIO | None = None,
) -> Inventory:
    """Read the manifests at ``paths`` into an Inventory of ``k8s_`` resources."""
    if not paths:
        raise ManifestError(STDIN_NAME, "no manifest paths given")
    files = manifest_files(paths)
    seen: dict[str, Document] = {}
    resources: list[Resource] = []
    for name in files:
        text = read_text(name, stdin)
        for document in parse_documents(text, STDIN_NAME if name == STDIN else name):
            resource = resource_from_object(document.obj, source, namespace, origin=document.path)
            earlier = seen.get(resource.address)
            if earlier is not None:
                raise ManifestError(
                    document.path,
                    f"{resource.address} is also defined in {earlier.place}; kubectl apply would"
                    " keep only the later one — remove one of them or pass one directory",
                    document.number,
                    document.line,
                )
            seen[resource.address] = document
            resources.append(resource)
    shown = [STDIN_NAME if f == STDIN else f for f in files]
    if not resources:
        hint = " (did the command before the pipe fail?)" if STDIN in files else ""
        raise ManifestError(", ".join(shown), f"no Kubernetes objects found{hint}")
    return Inventory(
        source,
        resources,
        origin=", ".join(paths),
        scope={"files": shown, "namespace": namespace},
        provides=MANIFESTS.provides,
    )


def manifest_files(paths: Sequence[str]) -> list[str]:
    """The files to read, in order: each path, or a directory's manifests sorted; each once."""
    files: list[str] = []
    seen: set[str] = set()
    for given in paths:
        if given == STDIN:
            found = [STDIN]
        else:
            path = Path(given)
            if path.is_dir():
                found = [
                    str(p)
                    for p in sorted(path.rglob("*"))
                    if p.suffix.lower() in SUFFIXES and p.is_file()
                ]
                if not found:
                    raise ManifestError(given, "directory holds no *.yaml, *.yml or *.json files")
            elif path.exists():
                found = [given]
            else:
                raise ManifestError(given, "file not found")
        for name in found:
            key = name if name == STDIN else str(Path(name).resolve())
            if key not in seen:
                seen.add(key)
                files.append(name)
    return files


def parse_documents(text: str, path: str) -> Iterator[Document]:
    """The objects of one manifest text (JSON or multi-document YAML), lists flattened."""
    if path.lower().endswith(".json"):
        yield from _json_documents(text, path)
        return
    if text.lstrip().startswith("{"):  # `kubectl get -o json` on stdin; else YAML flow style
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            pass
        else:
            yield from _objects(value, path, 1, 1)
            return
    loader = _Loader(text)
    number = 0
    try:
        while True:
            try:  # a failure while parsing is in the document after the last one read
                if not loader.check_node():
                    break
                node = loader.get_node()
            except yaml.YAMLError as exc:
                raise _yaml_error(path, exc, number + 1) from None
            number += 1
            line = node.start_mark.line + 1 if node is not None else None
            try:
                value = loader.construct_document(node) if node is not None else None
            except yaml.YAMLError as exc:
                raise _yaml_error(path, exc, number) from None
            if value is not None:
                yield from _objects(value, path, number, line)
    finally:
        loader.dispose()


def _yaml_error(path: str, exc: yaml.YAMLError, number: int) -> ManifestError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        if exc.context and exc.problem and exc.context_mark is not None:
            problem = f"{problem} ({exc.context} started on line {exc.context_mark.line + 1})"
        line = mark.line + 1 if mark is not None else None
        return ManifestError(path, f"not valid YAML: {problem}", number, line)
    return ManifestError(path, f"not valid YAML: {exc}", number)


def _json_documents(text: str, path: str) -> Iterator[Document]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(
            path, f"not valid JSON at column {exc.colno}: {exc.msg}", 1, exc.lineno
        ) from None
    yield from _objects(value, path, 1, 1)


def _objects(value: Any, path: str, number: int, line: int | None) -> Iterator[Document]:
    """The object of one document, or the items of a ``List``, checked."""
    if not isinstance(value, Mapping):
        shown = _SHAPES.get(type(value), f"a {type(value).__name__}")
        raise ManifestError(
            path, f"not a Kubernetes object: the document is {shown}, not a mapping", number, line
        )
    kind = value.get("kind")
    if isinstance(kind, str) and kind.endswith("List") and "items" in value:
        items = value.get("items") or []
        if not isinstance(items, list):
            raise ManifestError(path, f"{kind}: items is not a list", number, line)
        for position, item in enumerate(items, 1):
            if not isinstance(item, Mapping):
                raise ManifestError(path, f"{kind} item {position} is not a mapping", number, line)
            yield from _objects(item, path, number, line)
        return
    yield Document(_checked(value, path, number, line), path, number, line)


def _checked(value: Mapping[Any, Any], path: str, number: int, line: int | None) -> dict[str, Any]:
    missing = [key for key in ("apiVersion", "kind") if not _text(value.get(key))]
    metadata = value.get("metadata")
    if metadata is not None and not isinstance(metadata, Mapping):
        raise ManifestError(path, "metadata is not a mapping", number, line)
    metadata = metadata or {}
    if not (_text(metadata.get("name")) or _text(metadata.get("generateName"))):
        missing.append("metadata.name")
    if missing:
        what = f"{value.get('kind')} " if _text(value.get("kind")) else ""
        raise ManifestError(
            path,
            f"not a Kubernetes object: {what}has no {', '.join(missing)}",
            number,
            line,
        )
    namespace = metadata.get("namespace")
    if namespace is not None and not _text(namespace) and value["kind"] not in CLUSTER_SCOPED:
        raise ManifestError(path, "metadata.namespace is not a string", number, line)
    return {str(k): v for k, v in value.items()}


_SHAPES = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def read_text(name: str, stdin: TextIO | None = None) -> str:
    """The text of one manifest file, or of standard input for ``-``."""
    return _read_stdin(stdin) if name == STDIN else _read_file(name)


def _read_file(name: str) -> str:
    try:
        raw = Path(name).read_bytes()
    except FileNotFoundError:
        raise ManifestError(name, "file not found") from None
    except OSError as exc:
        raise ManifestError(name, f"cannot read: {exc.strerror or exc}") from None
    try:
        return decode(raw)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ManifestError(name, f"not UTF-8 text (byte {exc.start})", line=line) from None


def _read_stdin(stdin: TextIO | None) -> str:
    stream = stdin if stdin is not None else sys.stdin
    try:
        return stream.read()
    except UnicodeDecodeError as exc:
        raise ManifestError(STDIN_NAME, f"not UTF-8 text (byte {exc.start})") from None
