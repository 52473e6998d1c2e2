"""Bytes -> text, or a clear reason why an input cannot be an article."""

from __future__ import annotations

from dataclasses import dataclass

MAX_ARTICLE_BYTES = 10 * 1024 * 1024
# Share of control characters above which a "text" is really binary data.
MAX_CONTROL_CHAR_SHARE = 0.05
_ALLOWED_CONTROLS = {"\n", "\r", "\t", "\f", "\v"}
# The other characters below a space, counted in the raw bytes by one bytes.translate (every
# article is checked, in the boilerplate stage and again in cleaning): in UTF-8 and in cp1252
# each of them is one byte below 0x20, and no other character has such a byte.
_CONTROL_BYTES = bytes(code for code in range(ord(" ")) if chr(code) not in _ALLOWED_CONTROLS)


class RejectedInput(ValueError):
    """An input that cannot be processed; `reason` is a short machine-friendly code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def decode_article(data: bytes) -> DecodedText:
    """Decode raw article bytes: UTF-8 (BOM allowed), else cp1252 with a warning.

    Raises RejectedInput for empty, oversized, binary (NUL bytes or many control
    characters) and undecodable inputs.
    """
    if len(data) > MAX_ARTICLE_BYTES:
        raise RejectedInput("oversized", f"{len(data)} bytes > {MAX_ARTICLE_BYTES}")
    if not data.strip():
        raise RejectedInput("empty", "file is empty or whitespace only")
    if b"\x00" in data:
        raise RejectedInput("binary", "contains NUL bytes")
    try:
        decoded = DecodedText(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise RejectedInput("undecodable", f"neither UTF-8 nor cp1252 ({error})") from None
        decoded = DecodedText(text, "cp1252", ("decoded as cp1252, not valid UTF-8",))
    _reject_binary(data, decoded.text)
    return decoded


def control_characters(data: bytes) -> int:
    """Control characters (but tab, newline and the like) of the text that `data` decodes to."""
    return len(data) - len(data.translate(None, _CONTROL_BYTES))


def _reject_binary(data: bytes, text: str) -> None:
    controls = control_characters(data)
    if controls > MAX_CONTROL_CHAR_SHARE * len(text):
        raise RejectedInput("binary", f"{controls} control characters in {len(text)}")
