"""PNG text chunks: a chart file records what it was drawn from."""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def with_text(png: bytes, key: str, value: str) -> bytes:
    """`png` with a tEXt chunk key=value after its header (Latin-1 text, as PNG requires)."""
    if png[:8] != SIGNATURE or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    header_end = 8 + 12 + struct.unpack(">I", png[8:12])[0]
    text = _chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1"))
    return png[:header_end] + text + png[header_end:]


def text_of(png: bytes) -> dict[str, str]:
    """The tEXt chunks of `png` (empty if it is not a well-formed PNG)."""
    found: dict[str, str] = {}
    if png[:8] != SIGNATURE:
        return found
    position = 8
    while position + 8 <= len(png):
        length = struct.unpack(">I", png[position:position + 4])[0]
        kind = png[position + 4:position + 8]
        data = png[position + 8:position + 8 + length]
        if kind == b"tEXt" and b"\0" in data:
            key, _, value = data.partition(b"\0")
            found[key.decode("latin-1")] = value.decode("latin-1")
        if kind in (b"IDAT", b"IEND"):  # text written by with_text comes before the image
            break
        position += 12 + length
    return found
