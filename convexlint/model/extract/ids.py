"""Where a file uses a value as a document id, by the name the value goes by.

``use-v-id-for-references`` flags a string-validated ``…Id`` field only when the project
shows that values of that name are document ids (issue 9): a ``userId`` that reaches
``ctx.db.get``, is cast ``as Id<"users">``, is compared with a document's ``_id``, or is
stored from one (``{ userId: user._id }``) or matched against one in an index range or
filter (``q.eq("userId", user._id)``). A name the project only ever treats as text (a
Clerk ``userId``, a Discord ``serverId``) has no such use.

Each use is recorded as ``(name, table, offset, kind)``: ``name`` is the identifier or the
last property of the expression (``args.userId`` -> ``userId``; ``{ userId }``
destructured -> ``userId``), ``table`` the table the use names (``ctx.db.get("users",
id)``, ``Id<"users">``) or ``""`` when it names none, ``offset`` the use's 0-based byte
offset (so a rule can ask which function it is in), and ``kind``:

- ``"value"``: the value itself is used as an id (a ``ctx.db`` call, a cast, an ``_id``
  comparison);
- ``"field"``: a stored field of that name receives an id (``{ userId: user._id }``,
  ``q.eq("userId", user._id)``): evidence about the field, not about a variable;
- ``"text"``: the value is treated as text (``postId.startsWith("custom:")``,
  ``.split(":")``): ids are opaque, so a name used so holds something else.

Expressions of any other shape (calls, ``a[b]``) are not followed.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from convexlint.model.extract.scan import FileScan
from convexlint.syntax import call_arguments, resolve_value, static_string_value, text, unwrap

#: ``ctx.db`` methods whose id argument comes first, or second after a table name.
_ID_METHODS = ("get", "patch", "replace", "delete")
_CAST = re.compile(rb"\bas\s+Id\s*<")
_DOC_ID = re.compile(rb"\._id\b")
_EQUALITY = frozenset({"===", "!==", "==", "!="})
#: String methods no array has: a value they are called on is text.
_TEXT_METHODS = ("startsWith", "endsWith", "split", "substring", "toLowerCase", "toUpperCase", "trim", "match", "replace", "padStart", "charAt")


def _name(node: Node | None) -> str | None:
    """The name a value goes by: ``userId``, ``args.userId`` and ``args.userId!`` ->
    ``"userId"``; None for any other shape."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type in ("identifier", "shorthand_property_identifier"):
        return text(node)
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return text(prop) if prop is not None and prop.type == "property_identifier" else None
    return None


def _passed_to_component(scan: FileScan, node: Node) -> bool:
    """Whether ``node`` is (inside) an argument of ``ctx.run*(components.x.y, …)``: a cast
    there only satisfies the component's types (its table, not the app's)."""
    n = node.parent
    for _ in range(6):
        if n is None:
            return False
        if n.type == "call_expression":
            args = call_arguments(n)
            ref = scan.function_reference(args[0]) if args else None
            if ref is not None and ref.root == "components":
                return True
        n = n.parent
    return False


def read_id_uses(scan: FileScan) -> None:
    """Fill ``scan.facts.id_uses`` (see the module docstring)."""
    uses: set[tuple[str, str, int, str]] = set()
    for call, callee in scan.named_calls(_ID_METHODS, member=True):
        path = scan.member_path(callee)
        if not path or len(path) < 2 or path[-2] != "db":
            continue
        args = call_arguments(call)
        table = static_string_value(args[0]) if args else None
        # db.get("users", id): the id follows the table name; db.get(id): it comes first.
        target = args[1] if table is not None and len(args) > 1 else (args[0] if args and table is None else None)
        name = _name(target)
        if name is not None:
            uses.add((name, table or "", call.start_byte, "value"))
    for call, callee in scan.named_calls(_TEXT_METHODS, member=True):
        receiver = callee.child_by_field_name("object")
        # `const raw = args.postId; raw.startsWith(...)`: the copy's source is text too.
        for node in {receiver, resolve_value(receiver)}:
            name = _name(node)
            if name is not None:
                uses.add((name, "", call.start_byte, "text"))
    data = scan.source.data
    root = scan.source.tree.root_node
    for m in _CAST.finditer(data):
        node = root.descendant_for_byte_range(m.start(), m.start() + 2)
        for _ in range(3):  # the `as` keyword -> its as_expression
            if node is None or node.type == "as_expression":
                break
            node = node.parent
        if node is None or node.type != "as_expression" or node.named_child_count < 2:
            continue
        name, type_node = _name(node.named_children[0]), node.named_children[-1]
        if name is None or type_node.type != "generic_type" or _passed_to_component(scan, node):
            continue
        type_args = type_node.child_by_field_name("type_arguments")
        literal = next((c for c in type_args.named_children if c.type == "literal_type"), None) if type_args is not None else None
        uses.add((name, text(literal).strip("\"'`") if literal is not None else "", node.start_byte, "value"))
    for m in _DOC_ID.finditer(data):
        node = root.descendant_for_byte_range(m.start() + 1, m.end())
        member = node.parent if node is not None else None
        if member is None or member.type != "member_expression":
            continue
        parent = member.parent
        while parent is not None and parent.type in ("parenthesized_expression", "non_null_expression", "as_expression"):
            member, parent = parent, parent.parent
        if parent is None:
            continue
        if parent.type == "binary_expression" and text(parent.child_by_field_name("operator")) in _EQUALITY:
            left, right = parent.child_by_field_name("left"), parent.child_by_field_name("right")
            other = right if left is not None and left.id == member.id else left
            name, kind = _name(other), "value"
        elif parent.type == "pair" and parent.child_by_field_name("value") is not None and parent.child_by_field_name("value").id == member.id:
            key = parent.child_by_field_name("key")
            name = text(key) if key is not None and key.type == "property_identifier" else None
            kind = "field"
        elif parent.type == "arguments" and parent.parent is not None and parent.parent.type == "call_expression":
            # q.eq("userId", user._id) in an index range or filter: the field holds ids.
            method, _recv = scan.callee_method(parent.parent)
            args = call_arguments(parent.parent)
            name = static_string_value(args[0]) if method == "eq" and len(args) == 2 and args[1].id == member.id else None
            kind = "field"
        else:
            name = None
        if name is not None and name != "_id":
            uses.add((name, "", member.start_byte, kind))
    scan.facts.id_uses = sorted(uses)
