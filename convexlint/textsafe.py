"""Making untrusted text (file names, source code, configuration keys) safe to print.

A file name or a line of source code can hold characters a terminal or a CI log acts on:
a newline starts a new line that GitHub Actions may read as a workflow command
(``::add-mask::``), ESC starts a terminal escape sequence (screen clear, OSC 8 hyperlinks,
window titles). Every piece of human-facing output passes through ``escape_controls``.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls, the Unicode line and paragraph separators, and lone
# surrogates (what ``os.fsdecode``'s surrogateescape makes of bytes that are not UTF-8).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code <= 0x9F:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with every control character rendered as a visible escape, so printing it
    can neither start a new line nor send a terminal escape sequence.

    - C0 controls (U+0000-U+001F): ``\\t``, ``\\n``, ``\\r`` for tab, line feed and
      carriage return, ``\\xNN`` for the others (ESC is ``\\x1b``);
    - DEL and C1 controls (U+007F-U+009F): ``\\xNN``;
    - U+2028 and U+2029 (line and paragraph separators): ``\\u2028``, ``\\u2029``;
    - lone surrogates: U+DC80-U+DCFF, which ``os.fsdecode`` (surrogateescape) makes of a
      byte that is not UTF-8, as that byte (``\\xff``); any other as ``\\udNNN``.

    Everything else, the backslash included, is left alone, so the result is always
    encodable as UTF-8. Callers that must keep tabs (code frames) expand them first.
    """
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)
