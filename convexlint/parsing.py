"""Parsing source files with tree-sitter, and the ``SourceFile`` that rules read.

Grammar choice follows STYLE.md: ``.ts .mts .cts .js .mjs .cjs`` use the TypeScript grammar
and ``.tsx .jsx`` the TSX grammar (each mis-parses the other's syntax). One ``Parser`` per
grammar per process; parsers are never shared across threads.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Tree

from convexlint.diagnostics import Span

LINTABLE_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mts", ".cts")
#: Single-file components whose ``<script>`` blocks (and Astro's frontmatter) are client
#: code: read for what they call, never reported (see ``script_blocks``).
COMPONENT_SUFFIXES = (".vue", ".svelte", ".astro")
_SCRIPT_BLOCK = re.compile(rb"(<script\b[^>]*>)(.*?)</script\s*>", re.S | re.I)
_FRONTMATTER = re.compile(rb"\A(\s*---[^\n]*\n)(.*?)\n---", re.S)
_BLANK = bytes(c if c in (10, 13) else 32 for c in range(256))  # bytes.translate: all but newlines -> " "
_TSX_SUFFIXES = (".tsx", ".jsx")


@lru_cache(maxsize=None)
def language(tsx: bool) -> Language:
    """The tree-sitter ``Language`` for TypeScript (``tsx=False``) or TSX."""
    raw = tree_sitter_typescript.language_tsx() if tsx else tree_sitter_typescript.language_typescript()
    return Language(raw)


@lru_cache(maxsize=None)
def _parser(tsx: bool) -> Parser:
    return Parser(language(tsx))


def is_tsx(path: str) -> bool:
    return path.endswith(_TSX_SUFFIXES)


def script_blocks(data: bytes) -> bytes:
    """A ``.vue``/``.svelte``/``.astro`` file with everything but its scripts (``<script>``
    contents and Astro's ``---`` frontmatter) blanked to spaces, newlines kept: the result
    parses as TypeScript and every byte offset still points into the original file."""
    keep = [m.span(2) for m in _SCRIPT_BLOCK.finditer(data)]
    front = _FRONTMATTER.match(data)
    if front is not None:
        keep.append(front.span(2))
    pieces, position = [], 0
    for start, end in sorted(keep):
        if start >= position:
            pieces += [data[position:start].translate(_BLANK), data[start:end]]
            position = end
    pieces.append(data[position:].translate(_BLANK))
    return b"".join(pieces)


def parse(data: bytes, path: str) -> Tree:
    """Parse ``data`` (UTF-8 bytes) with the grammar that ``path``'s suffix selects."""
    return _parser(is_tsx(path)).parse(data)


class SourceFile:
    """One parsed file: its path, bytes, text, tree, and coordinate conversions.

    ``path`` is relative to the working directory with ``/`` separators. Byte offsets are
    0-based; lines reported to users are 1-based and columns 1-based UTF-16 code units.
    """

    __slots__ = ("path", "data", "text", "tree", "_line_starts", "_ascii")

    def __init__(self, path: str, data: bytes, text: str, tree: Tree):
        self.path = path
        self.data = data
        self.text = text
        self.tree = tree
        starts = [0]
        find = data.find
        pos = find(b"\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find(b"\n", pos + 1)
        self._line_starts = starts
        self._ascii = data.isascii()

    @property
    def root(self) -> Node:
        return self.tree.root_node

    def node_text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def position(self, byte: int) -> tuple[int, int]:
        """0-based byte offset -> (1-based line, 1-based UTF-16 column)."""
        row = bisect.bisect_right(self._line_starts, byte) - 1
        start = self._line_starts[row]
        if self._ascii:
            return row + 1, byte - start + 1
        prefix = self.data[start:byte].decode("utf-8", errors="replace")
        return row + 1, utf16_len(prefix) + 1

    def span(self, start_byte: int, end_byte: int) -> Span:
        if not self._ascii:
            sl, sc = self.position(start_byte)
            el, ec = self.position(end_byte)
            return Span(start_byte, end_byte, sl, sc, el, ec)
        starts = self._line_starts  # the common case, inlined: it runs for every fact
        sr = bisect.bisect_right(starts, start_byte) - 1
        er = sr
        while er + 1 < len(starts) and starts[er + 1] <= end_byte:
            er += 1
            if er - sr > 8:  # a long span: search instead of stepping
                er = bisect.bisect_right(starts, end_byte) - 1
                break
        return Span(start_byte, end_byte, sr + 1, start_byte - starts[sr] + 1, er + 1, end_byte - starts[er] + 1)

    def node_span(self, node: Node) -> Span:
        return self.span(node.start_byte, node.end_byte)

    def line_span(self, line: int) -> Span:
        """The span of 1-based ``line``, without its line break."""
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.data)
        return self.span(start, end)


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (astral characters count 2)."""
    n = len(text)
    if text.isascii():
        return n
    return n + sum(1 for ch in text if ord(ch) > 0xFFFF)


#: Valid TypeScript that tree-sitter-typescript 0.23 cannot parse: import types with a
#: member or type arguments (``import("./x").Id<"t">``, ``typeof import("x")`` as a type
#: argument). An error on a line containing one is the grammar's, not the user's.
GRAMMAR_GAPS = re.compile(r"""\bimport\(\s*['"][^'"]+['"]\s*\)\s*[.<>]|typeof\s+import\(""")


def syntax_errors(root: Node):
    """``ERROR`` and ``MISSING`` nodes in document order (not descending into them).

    Walks with a ``TreeCursor`` (no recursion) and only descends into subtrees that
    ``has_error``.
    """
    if not root.has_error:
        return
    cursor = root.walk()
    while True:
        node = cursor.node
        if node.is_error or node.is_missing:
            yield node
        elif node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def innermost_error(node: Node) -> Node:
    """Where parsing failed inside the syntax error ``node``: an ``ERROR`` node often wraps
    the whole statement it gave up on (starting at its first token, column 1 of its line),
    while the token the parser could not take is a nested ``ERROR`` or ``MISSING`` node.
    Returns the first such node in document order, descending as far as they nest, else
    ``node`` itself."""
    while node.is_error:
        inner = next((e for c in node.children for e in syntax_errors(c)), None)
        if inner is None:
            break
        node = inner
    return node


def first_syntax_error(root: Node, source: bytes | None = None) -> Node | None:
    """The first syntax error that is the user's, or None for a clean tree.

    With ``source``, errors on lines matching ``GRAMMAR_GAPS`` (valid TypeScript the
    grammar does not support) and errors at raw NUL bytes are skipped.
    """
    for node in syntax_errors(root):
        if source is not None and b"\x00" in source[node.start_byte : node.end_byte + 1]:
            continue  # a raw NUL inside a string: valid JavaScript the lexer cannot take
        if source is not None:
            start = source.rfind(b"\n", 0, node.start_byte)
            start = source.rfind(b"\n", 0, max(start, 0)) + 1  # the error's line and the one before
            end = source.find(b"\n", max(node.start_byte, node.end_byte - 1))
            lines = source[start : end if end != -1 else len(source)]
            if len(lines) < 4000 and GRAMMAR_GAPS.search(lines.decode("utf-8", errors="replace")):
                continue
        return node
    return None
