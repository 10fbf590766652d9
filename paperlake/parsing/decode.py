"""Bytes -> text: decompression (gzip, by magic bytes), encoding detection, binary sniffing."""

from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass

MAX_DECOMPRESSED = 512 * 1024 * 1024  # refuse gzip bombs beyond this

_MAGIC = [
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "zip archive (only gzip compression is supported)"),
    (b"BZh", None),  # checked more strictly below
    (b"\xfd7zXZ\x00", "xz-compressed data (only gzip compression is supported)"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data (only gzip compression is supported)"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive (only gzip compression is supported)"),
    (b"\x7fELF", "ELF executable"),
    (b"PAR1", "Parquet file"),
    (b"SQLite format 3\x00", "SQLite database"),
]


@dataclass
class Decoded:
    text: str | None  # None when the content is not text
    encoding: str
    compression: str | None
    problem: str | None = None  # reason when text is None (binary, corrupt gzip...)
    notes: tuple[str, ...] = ()  # non-fatal remarks (NUL bytes removed, gzip truncated...)


def _gunzip(data: bytes) -> tuple[bytes, str | None]:
    """Decompress (possibly concatenated/truncated) gzip members; returns (bytes, note)."""
    out = bytearray()
    rest = data
    note = None
    while rest[:2] == b"\x1f\x8b":
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            chunk = d.decompress(rest, MAX_DECOMPRESSED - len(out) + 1)
        except zlib.error as exc:
            note = f"corrupt gzip data ({exc})"
            break
        out += chunk
        if len(out) > MAX_DECOMPRESSED:
            del out[MAX_DECOMPRESSED:]
            note = f"gzip content larger than {MAX_DECOMPRESSED // (1024 * 1024)} MB, truncated"
            break
        if not d.eof:
            try:
                out += d.flush()
            except zlib.error:
                pass
            note = "truncated gzip stream"
            break
        rest = d.unused_data
        if not rest.strip(b"\x00"):
            break
    return bytes(out), note


def _looks_utf16(sample: bytes) -> str | None:
    """Detect BOM-less UTF-16 from the NUL byte pattern of mostly-ASCII text."""
    n = len(sample) - (len(sample) % 2)
    if n < 4:
        return None
    even = sample[0:n:2]
    odd = sample[1:n:2]
    half = n // 2
    if odd.count(0) > 0.7 * half and even.count(0) < 0.1 * half:
        return "utf-16-le"
    if even.count(0) > 0.7 * half and odd.count(0) < 0.1 * half:
        return "utf-16-be"
    return None


_BAD_CTRL = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def decode_bytes(data: bytes) -> Decoded:
    compression = None
    notes: list[str] = []
    if data[:2] == b"\x1f\x8b":
        compression = "gzip"
        data, note = _gunzip(data)
        if note:
            notes.append(note)
        if not data:
            return Decoded(None, "binary", compression, note or "empty gzip content", tuple(notes))
        if data[:2] == b"\x1f\x8b":  # doubly compressed
            data, note = _gunzip(data)
            if note:
                notes.append(note)
    if not data:
        return Decoded("", "utf-8", compression, None, tuple(notes))

    # BOMs first (UTF-32 before UTF-16: FF FE 00 00 starts both)
    for bom, enc, name in (
        (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
    ):
        if data.startswith(bom):
            if enc == "utf-32" and len(data) % 4:
                continue
            text = data.decode(enc, errors="replace")
            return _finish(text, name, compression, notes)

    head = data[:65536]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            if magic == b"BZh":
                if len(head) > 10 and head[3:4].isdigit() and head[4:10] == b"1AY&SY":
                    return Decoded(None, "binary", compression, "binary content (bzip2-compressed data; only gzip compression is supported)", tuple(notes))
                continue
            return Decoded(None, "binary", compression, f"binary content ({what})", tuple(notes))

    u16 = _looks_utf16(head)
    if u16:
        text = data.decode(u16, errors="replace")
        return _finish(text, "utf-16", compression, notes)

    nul = head.count(0)
    ctrl = len(_BAD_CTRL.findall(head))
    if nul > max(8, len(head) * 0.01):
        return Decoded(None, "binary", compression, "binary content (NUL bytes)", tuple(notes))
    if ctrl > max(8, len(head) * 0.05):
        return Decoded(None, "binary", compression, "binary content (control bytes)", tuple(notes))

    try:
        text = data.decode("utf-8")
        enc = "utf-8"
    except UnicodeDecodeError as exc:
        # a file that is UTF-8 except for a few bad bytes (e.g. truncated mid-character)
        bad_sample = data[: 1 << 20]
        try:
            bad_sample.decode("utf-8")
            bad_ratio = 0.0
        except UnicodeDecodeError:
            decoded = bad_sample.decode("utf-8", errors="replace")
            bad_ratio = decoded.count("\ufffd") / max(1, len(decoded))
            high = sum(1 for b in bad_sample if b >= 0x80)
            utf8_multibyte = len(re.findall(rb"[\xc2-\xf4][\x80-\xbf]+", bad_sample))
            if utf8_multibyte and utf8_multibyte * 2 >= high * 0.5 and bad_ratio < 0.001:
                text = data.decode("utf-8", errors="replace")
                notes.append(f"invalid UTF-8 bytes replaced ({exc.reason} at byte {exc.start})")
                return _finish(text, "utf-8", compression, notes)
        if any(0x80 <= b <= 0x9F for b in data):
            try:
                text = data.decode("cp1252")
                enc = "cp1252"
            except UnicodeDecodeError:
                text = data.decode("latin-1")
                enc = "latin-1"
        else:
            text = data.decode("latin-1")
            enc = "latin-1"
    return _finish(text, enc, compression, notes)


def _finish(text: str, enc: str, compression: str | None, notes: list[str]) -> Decoded:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        sample = text[:65536]
        if sample.count("\x00") > max(8, len(sample) * 0.01):
            return Decoded(None, "binary", compression, "binary content (NUL bytes)", tuple(notes))
        text = text.replace("\x00", "")
        notes.append("NUL bytes removed")
    return Decoded(text, enc, compression, None, tuple(notes))


_NEWLINE = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split on CRLF/CR/LF only (not on form feeds or Unicode separators); no final empty line."""
    if not text:
        return []
    lines = text.split("\n") if "\r" not in text else _NEWLINE.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines
