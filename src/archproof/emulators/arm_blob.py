"""The Blob service's container listing (``?restype=container&comp=list``) as XML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from xml.sax.saxutils import escape


@dataclass(frozen=True, slots=True)
class BlobRecord:
    """One blob of a container: name, last modification time (aware), size in bytes."""

    name: str
    last_modified: dt.datetime
    content_length: int = 0


def _rfc1123(moment: dt.datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return format_datetime(aware.astimezone(dt.UTC), usegmt=True)


def enumeration(
    endpoint: str,
    container: str,
    blobs: Sequence[BlobRecord],
    query: Mapping[str, str],
) -> str:
    """``EnumerationResults`` for a List Blobs call, paged by ``marker``/``maxresults``."""
    ordered = sorted(blobs, key=lambda b: b.name)
    prefix = query.get("prefix", "")
    chosen = [b for b in ordered if b.name.startswith(prefix)]
    start = int(query.get("marker") or 0)
    size = int(query.get("maxresults") or 5000)
    page = chosen[start : start + size]
    following = str(start + size) if start + size < len(chosen) else ""
    items = "".join(
        "<Blob>"
        f"<Name>{escape(b.name)}</Name>"
        "<Properties>"
        f"<Creation-Time>{_rfc1123(b.last_modified)}</Creation-Time>"
        f"<Last-Modified>{_rfc1123(b.last_modified)}</Last-Modified>"
        f"<Etag>0x8D{abs(hash((b.name, b.last_modified))) % 10**12:012X}</Etag>"
        f"<Content-Length>{b.content_length}</Content-Length>"
        "<Content-Type>application/octet-stream</Content-Type>"
        "<BlobType>BlockBlob</BlobType>"
        "<AccessTier>Hot</AccessTier><AccessTierInferred>true</AccessTierInferred>"
        "<LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState>"
        "<ServerEncrypted>true</ServerEncrypted>"
        "</Properties>"
        "<Metadata />"
        "</Blob>"
        for b in page
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<EnumerationResults ServiceEndpoint="{escape(endpoint)}/" '
        f'ContainerName="{escape(container)}">'
        f"<Prefix>{escape(prefix)}</Prefix>"
        f"<Marker>{query.get('marker', '')}</Marker>"
        f"<MaxResults>{size}</MaxResults>"
        f"<Blobs>{items}</Blobs>"
        f"<NextMarker>{following}</NextMarker>"
        "</EnumerationResults>"
    )


def not_found(code: str, message: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f"<Error><Code>{code}</Code><Message>{escape(message)}</Message></Error>"
    )
