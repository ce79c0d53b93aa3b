"""Small, shared questions about TypeScript syntax trees.

Every helper here is conservative: when an answer is not static (a computed key, a
template with substitutions, a name bound to a parameter) it returns ``None`` and the
caller stays silent (STYLE.md point 5).
"""

from __future__ import annotations

import bisect
from time import perf_counter_ns
from collections.abc import Callable, Iterator

from tree_sitter import Node

#: Wrappers that do not change which value an expression denotes.
TRANSPARENT = frozenset(
    {
        "parenthesized_expression",
        "await_expression",
        "non_null_expression",
        "as_expression",
        "satisfies_expression",
        "type_assertion",
    }
)

FUNCTION_TYPES = frozenset(
    {
        "arrow_function",
        "function_expression",
        "function_declaration",
        "generator_function",
        "generator_function_declaration",
        "method_definition",
    }
)

_SCOPE_TYPES = frozenset({"statement_block", "program", "switch_body"}) | FUNCTION_TYPES


def text(node: Node | None) -> str:
    """The node's source text (UTF-8 decoded), or ``""`` for None."""
    if node is None:
        return ""
    raw = node.text
    if raw is None:
        return ""
    try:
        return raw.decode()  # node boundaries fall between characters of valid UTF-8
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")


def unwrap(node: Node | None) -> Node | None:
    """Strip parens, ``await``, ``!``, ``as T``, ``satisfies T`` and ``<T>x`` around an expression."""
    while node is not None and node.type in TRANSPARENT:
        inner = None
        for child in node.named_children:
            if child.type != "comment":
                inner = child
                break
        node = inner
    return node


def static_string_value(node: Node | None) -> str | None:
    """The value of a string literal or a template with no substitutions, else None.

    Handles ``""`` (which has no ``string_fragment`` child) and escape sequences only
    approximately: escapes are kept as written, which is enough for names and paths.
    """
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "string":
        return "".join(text(c) for c in node.named_children if c.type in ("string_fragment", "escape_sequence"))
    if node.type == "template_string":
        parts = []
        for c in node.named_children:
            if c.type == "template_substitution":
                return None
            if c.type in ("string_fragment", "escape_sequence"):
                parts.append(text(c))
        return "".join(parts)
    return None


def property_key(pair: Node) -> str | None:
    """The static key of a ``pair``/``shorthand_property_identifier``/method in an object."""
    if pair.type == "shorthand_property_identifier":
        return text(pair)
    if pair.type == "pair":
        key = pair.child_by_field_name("key")
    elif pair.type == "method_definition":
        key = pair.child_by_field_name("name")  # `async handler(ctx) {}`: the grammar's field is `name`
    else:
        key = None
    if key is None:
        return None
    if key.type in ("property_identifier", "identifier", "private_property_identifier"):
        return text(key)
    if key.type == "string":
        return static_string_value(key)
    if key.type == "number":
        return text(key)
    return None  # computed key: not static


def object_properties(obj: Node) -> tuple[dict[str, Node], bool]:
    """Map static keys of an ``object`` literal to their value nodes.

    Returns ``(properties, has_unknown)`` where ``has_unknown`` is True when the object has
    a spread or a computed key, so a missing key cannot be concluded. Shorthand properties
    map to their identifier node; methods map to the method node itself.
    """
    props: dict[str, Node] = {}
    unknown = False
    for child in obj.named_children:
        if child.type == "pair":
            key = property_key(child)
            if key is None:
                unknown = True
            else:
                props[key] = child.child_by_field_name("value")
        elif child.type == "shorthand_property_identifier":
            props[text(child)] = child
        elif child.type == "method_definition":
            key = property_key(child)
            if key is None:
                unknown = True
            else:
                props[key] = child
        elif child.type == "spread_element":
            unknown = True
    return props, unknown


def call_arguments(call: Node) -> list[Node]:
    """The argument expressions of a ``call_expression`` or ``new_expression`` (comments dropped)."""
    args = call.child_by_field_name("arguments")
    if args is None or args.type != "arguments":
        return []
    return [a for a in args.named_children if a.type != "comment"]


_UNSET = object()


class Parents:
    """``node.parent`` for one tree, in O(1) however deep the tree.

    tree-sitter finds a node's parent by descending from the root, so ``.parent`` costs
    O(depth) and a walk up from a node O(depth²): seconds on 16k nested calls. Plain
    ``.parent`` is used until a file has asked ``budget`` times, or one step took long
    (the tree is deep), or a walk went 64 levels up; then one cursor walk (O(nodes))
    records every node's parent and answers the rest. The answers are the same either
    way: only the cost differs."""

    __slots__ = ("root", "asked", "budget", "_map")

    def __init__(self, root: Node, budget: int = 20000):
        self.root = root
        self.asked = 0
        self.budget = budget
        self._map: dict[int, Node] | None = None

    def of(self, node: Node) -> Node | None:
        if self._map is None:
            self.asked += 1
            if self.asked & 15:  # time one step in 16: a deep tree shows at once
                return node.parent
            if self.asked < self.budget:
                start = perf_counter_ns()
                parent = node.parent
                if perf_counter_ns() - start > 50_000:
                    self.index()  # 50 µs for one step (0.3 µs is usual): a deep tree
                return parent
            self.index()
        return self._map.get(node.id)  # type: ignore[union-attr]

    def index(self) -> None:
        """Record every parent now (a walk up found the tree deep)."""
        if self._map is None:
            self._map = self._build()

    def _build(self) -> dict[int, Node]:
        parents: dict[int, Node] = {}
        cursor = self.root.walk()
        stack: list[Node] = [cursor.node]
        while True:
            if cursor.goto_first_child():
                child = cursor.node
                parents[child.id] = stack[-1]
                stack.append(child)
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    return parents
                stack.pop()
            stack.pop()
            child = cursor.node
            parents[child.id] = stack[-1]
            stack.append(child)


def nearest_ancestor(
    node: Node, stop: Callable[[Node], bool], memo: dict[int, Node | None], parents: Parents | None = None
) -> Node | None:
    """The nearest proper ancestor of ``node`` for which ``stop`` holds, or None.

    ``memo`` (one dict per file and per ``stop``) keeps every answer found on the way up,
    so asking for many nodes of one file costs O(nodes) in all, however deep the tree;
    ``parents`` (the file's ``Parents``) makes each step O(1) on deep trees."""
    path: list[int] = []
    get = memo.get
    index = parents._map if parents is not None else None
    n = node.parent if index is None else index.get(node.id)
    result: Node | None = None
    while n is not None:
        if stop(n):
            result = n
            break
        hit = get(n.id, _UNSET)
        if hit is not _UNSET:
            result = hit  # type: ignore[assignment]
            break
        path.append(n.id)
        if index is None:
            if len(path) == 64 and parents is not None:
                parents.index()  # a deep tree: each plain .parent costs O(depth)
                index = parents._map
                n = index.get(n.id)  # type: ignore[union-attr]
            else:
                n = n.parent
        else:
            n = index.get(n.id)
    for node_id in path:
        memo[node_id] = result
    return result


class NodesByPosition:
    """Nodes of one file in document order, sliced by byte range in O(log n).

    The engine's single query pass captures each node type once per file; extractors and
    rules then ask for the nodes inside a function (``within``) instead of walking it.
    ``parents`` (the file's ``Parents``) answers walks up from these nodes.
    """

    __slots__ = ("nodes", "starts", "parents")

    def __init__(self, nodes: list[Node], parents: Parents | None = None):
        self.nodes = nodes  # sorted by start byte
        self.starts = [n.start_byte for n in nodes]
        self.parents = parents

    def within(self, start: int, end: int) -> list[Node]:
        """The nodes that start at or after byte ``start`` and before byte ``end``."""
        return self.nodes[bisect.bisect_left(self.starts, start) : bisect.bisect_left(self.starts, end)]


def member_path(node: Node | None) -> list[str] | None:
    """``a.b.c`` -> ``["a", "b", "c"]``; None if any part is computed or not a name.

    ``this.x`` gives ``["this", "x"]``. Optional chaining (``a?.b``) is treated like ``a.b``.
    """
    parts: list[str] = []
    node = unwrap(node)
    while node is not None and node.type == "member_expression":
        prop = node.child_by_field_name("property")
        if prop is None or prop.type not in ("property_identifier", "private_property_identifier"):
            return None
        parts.append(text(prop))
        node = unwrap(node.child_by_field_name("object"))
    if node is None:
        return None
    if node.type in ("identifier", "this"):
        parts.append(text(node))
    else:
        return None
    parts.reverse()
    return parts


def callee_method(call: Node) -> tuple[str | None, Node | None]:
    """For ``recv.method(...)``: ``("method", recv)``; otherwise ``(None, None)``."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "member_expression":
        return None, None
    prop = fn.child_by_field_name("property")
    if prop is None or prop.type != "property_identifier":
        return None, None
    return text(prop), fn.child_by_field_name("object")


def is_function(node: Node | None) -> bool:
    return node is not None and node.type in FUNCTION_TYPES


def function_body(fn: Node) -> Node | None:
    return fn.child_by_field_name("body")


def function_parameter_names(fn: Node) -> set[str]:
    """Every identifier bound by ``fn``'s parameters, including destructured ones."""
    params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
    names: set[str] = set()
    if params is None:
        return names
    if params.type == "identifier":
        return {text(params)}
    stack = [params]
    while stack:
        n = stack.pop()
        if n.type in ("identifier", "shorthand_property_identifier_pattern"):
            names.add(text(n))
            continue
        if n.type in ("type_annotation", "decorator"):
            continue
        if n.type == "pair_pattern":
            value = n.child_by_field_name("value")
            if value is not None:
                stack.append(value)
            continue
        if n.type == "assignment_pattern":
            left = n.child_by_field_name("left")
            if left is not None:
                stack.append(left)
            continue
        if n.type in ("required_parameter", "optional_parameter"):
            pattern = n.child_by_field_name("pattern")
            if pattern is not None:
                stack.append(pattern)
            continue
        stack.extend(n.named_children)
    return names


def iter_descendants(node: Node, *, skip_functions: bool = False) -> Iterator[Node]:
    """Pre-order descendants of ``node`` (not ``node`` itself), iteratively.

    With ``skip_functions`` the bodies of nested functions are not entered (the nested
    function node itself is still yielded).
    """
    stack = list(reversed(node.children))
    while stack:
        n = stack.pop()
        yield n
        if skip_functions and n.type in FUNCTION_TYPES:
            continue
        if n.child_count:
            stack.extend(reversed(n.children))


def return_expressions(fn: Node, returns: NodesByPosition | None = None) -> list[tuple[Node, Node | None]]:
    """``(return_statement_or_body, returned_expression)`` for each return path of ``fn``.

    An expression-bodied arrow function yields ``(body, body)``. Returns inside nested
    functions are not the function's own and are skipped. ``return;`` gives ``(stmt, None)``.
    ``returns``: the file's ``return_statement`` nodes, when the caller has them, so the
    body need not be walked.
    """
    body = function_body(fn)
    if body is None:
        return []
    if body.type != "statement_block":
        return [(body, body)]
    out: list[tuple[Node, Node | None]] = []
    if returns is not None:
        parent_of = returns.parents.of if returns.parents is not None else _parent
        candidates = [n for n in returns.within(body.start_byte, body.end_byte) if _owned_by(n, body, parent_of)]
    else:
        candidates = [n for n in iter_descendants(body, skip_functions=True) if n.type == "return_statement"]
    for n in candidates:
        value = next((c for c in n.named_children if c.type != "comment"), None)
        out.append((n, value))
    return out


def _parent(node: Node) -> Node | None:
    return node.parent


def _owned_by(node: Node, body: Node, parent_of: Callable[[Node], Node | None]) -> bool:
    """Whether ``node`` (inside ``body``) is not inside a function nested in ``body``. The
    walk stops at the first function, so it is short; ``parent_of`` keeps each step O(1)
    on deep trees (``Parents.of``)."""
    parent = parent_of(node)
    while parent is not None and parent != body:
        if parent.type in FUNCTION_TYPES:
            return False
        parent = parent_of(parent)
    return parent is not None


def _declarations_in(scope: Node) -> Iterator[Node]:
    """Declaration nodes directly in ``scope`` (looking through ``export`` wrappers)."""
    for child in scope.named_children:
        if child.type == "export_statement":
            decl = child.child_by_field_name("declaration")
            if decl is not None:
                yield decl
            continue
        yield child


def resolve_binding(name: str, at: Node) -> tuple[str, Node | None] | None:
    """Find what ``name`` is bound to, as seen from node ``at``.

    Looks in enclosing blocks, functions and the program, innermost first. Returns
    ``("const"|"let"|"var", value_node_or_None)`` for a variable declarator,
    ``("function", fn_node)`` for a function declaration, ``("param", None)`` for a
    parameter of an enclosing function, ``("import", import_specifier)`` for an import,
    or None when the name is not bound in the file (a global).
    """
    node: Node | None = at
    while node is not None:
        if node.type in FUNCTION_TYPES and name in function_parameter_names(node):
            return ("param", None)
        if node.type in ("statement_block", "program", "switch_case", "switch_default"):
            for decl in _declarations_in(node):
                found = _binding_in_declaration(decl, name)
                if found is not None:
                    return found
        if node.type in ("for_in_statement", "for_statement", "catch_clause"):
            # The loop's or catch's own bindings; not `xs` in `for (const x of xs)`.
            own = node.child_by_field_name("left") or node.child_by_field_name("initializer") or node.child_by_field_name("parameter")
            for child in [own] if own is not None else node.named_children:
                if child.type in ("identifier", "object_pattern", "array_pattern") and name in _pattern_names(child):
                    return ("let", None)
                if child.type in ("lexical_declaration", "variable_declaration"):
                    found = _binding_in_declaration(child, name)
                    if found is not None:
                        return (found[0], None)
        node = node.parent
    return None


def _pattern_names(pattern: Node) -> set[str]:
    if pattern.type == "identifier":
        return {text(pattern)}
    names = set()
    for n in iter_descendants(pattern):
        if n.type in ("identifier", "shorthand_property_identifier_pattern"):
            names.add(text(n))
    return names


def _binding_in_declaration(decl: Node, name: str) -> tuple[str, Node | None] | None:
    t = decl.type
    if t in ("lexical_declaration", "variable_declaration"):
        kind = text(decl.child(0)) if decl.child_count else "var"
        for d in decl.named_children:
            if d.type != "variable_declarator":
                continue
            target = d.child_by_field_name("name")
            if target is None:
                continue
            if target.type == "identifier":
                if text(target) == name:
                    return (kind, d.child_by_field_name("value"))
            elif name in _pattern_names(target):
                return (kind, None)  # destructured: value not statically known
    elif t in ("function_declaration", "generator_function_declaration"):
        fname = decl.child_by_field_name("name")
        if fname is not None and text(fname) == name:
            return ("function", decl)
    elif t == "class_declaration":
        cname = decl.child_by_field_name("name")
        if cname is not None and text(cname) == name:
            return ("class", decl)
    elif t == "import_statement":
        clause = next((c for c in decl.named_children if c.type == "import_clause"), None)
        if clause is not None:
            for n in iter_descendants(clause):
                if n.type == "import_specifier":
                    local = n.child_by_field_name("alias") or n.child_by_field_name("name")
                    if local is not None and text(local) == name:
                        return ("import", n)
                elif n.type == "identifier" and n.parent is not None and n.parent.type in ("import_clause", "namespace_import"):
                    if text(n) == name:
                        return ("import", n)
    return None


def resolve_value(node: Node | None, *, depth: int = 4) -> Node | None:
    """Follow an identifier to the initializer of the ``const``/``let`` it names (a few hops).

    Returns the unwrapped expression, or the identifier itself when it cannot be followed.
    """
    node = unwrap(node)
    seen = 0
    while node is not None and node.type == "identifier" and seen < depth:
        found = resolve_binding(text(node), node)
        if found is None or found[0] not in ("const", "let", "var") or found[1] is None:
            return node
        node = unwrap(found[1])
        seen += 1
    return node


def function_value(node: Node) -> Node | None:
    """The function a name denotes in this file: ``const f = async () => …`` or
    ``async function f() {}`` (``httpAction(handleWebhook)``); else what
    ``resolve_value`` finds."""
    node = unwrap(node)
    if node is not None and node.type in ("identifier", "shorthand_property_identifier"):
        found = resolve_binding(text(node), node)
        if found is not None and found[0] == "function":
            return found[1]
        if found is not None and found[0] in ("const", "let", "var") and found[1] is not None:
            return resolve_value(found[1])
        return node
    return resolve_value(node)
