"""Reading PNG pixels without an imaging library: enough to tell a rendered page from a
blank one (8-bit RGB/RGBA/grey, non-interlaced, as Chromium and pdftoppm write them)."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    channels: int
    rows: list[bytes]

    def ink_ratio(self) -> float:
        """Share of pixels that are not (nearly) white."""
        inked = total = 0
        for row in self.rows[::4]:
            for x in range(0, self.width * self.channels, self.channels * 4):
                total += 1
                colour = row[x : x + min(self.channels, 3)]
                inked += min(colour) < 235
        return inked / total if total else 0.0

    def colours(self) -> int:
        found = set()
        for row in self.rows[::8]:
            for x in range(0, self.width * self.channels, self.channels * 8):
                found.add(bytes(row[x : x + min(self.channels, 3)]))
        return len(found)


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def read_png(path: Path) -> Image:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and colour in CHANNELS, "unsupported PNG"
            channels = CHANNELS[colour]
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            add = (0, left, up, (left + up) // 2, _paeth(left, up, corner))[kind]
            line[i] = (line[i] + add) & 0xFF
        rows.append(bytes(line))
        previous = line
    return Image(width, height, channels, rows)
