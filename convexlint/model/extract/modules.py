"""What a module imports and exports: imports, exports, re-exports, the ``"use node"``
directive, module-level declarations, and module-level uses of the schema's bindings.

Source: ECMAScript module syntax as TypeScript accepts it (``import type``, ``export { a as
b } from``, ``export *``, ``export default``).
"""

from __future__ import annotations

import re

from tree_sitter import Node

from convexlint.model.extract.scan import FileScan
from convexlint.model.facts import ImportFact
from convexlint.syntax import FUNCTION_TYPES, static_string_value, text, unwrap

_SCHEMA_SOURCE = re.compile(r"(^|/)schema(\.js|\.ts)?$")


def read_module_level(scan: FileScan) -> None:
    """The directive prologue (``"use node"``), imports and exports of the file."""
    facts = scan.facts
    in_prologue = True
    for child in scan.source.root.named_children:
        if child.type == "comment":
            continue
        if in_prologue and child.type == "expression_statement":
            value = static_string_value(child.named_children[0]) if child.named_children else None
            if value is not None:
                if value == "use node":
                    facts.use_node = True
                    facts.use_node_span = scan.source.node_span(child)
                continue
        in_prologue = False
        if child.type == "import_statement":
            _read_import(scan, child)
        elif child.type == "export_statement":
            _read_export(scan, child)
    _mark_type_only_uses(scan)


def _mark_type_only_uses(scan: FileScan) -> None:
    """A relative import statement none of whose names is used as a value is type-only:
    the bundler drops it, so it adds no runtime dependency (``import { Doc } from
    "./schema"`` used in annotations). Only relative imports matter to the project's
    module graph; a statement with one name used as a value keeps all its names."""
    data = scan.source.data
    root = scan.source.root
    statements: dict[int, list[ImportFact]] = {}
    for imp in scan.facts.imports:
        if not imp.type_only and imp.local is not None and imp.source.startswith("."):
            statements.setdefault(imp.span.start_byte, []).append(imp)
    for names in statements.values():
        span = names[0].span
        if not any(_used_as_value(data, root, imp.local.encode(), span.start_byte, span.end_byte) for imp in names):
            for imp in names:
                imp.type_only = True


#: Bytes that continue an identifier (or make it a property: ``x.name``) around a match.
_NAME_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")


def _used_as_value(data: bytes, root: Node, name: bytes, skip_start: int, skip_end: int) -> bool:
    """Whether ``name`` occurs as a value (an ``identifier`` outside type positions) in the
    file, outside ``[skip_start, skip_end)`` (its import statement). Stops at the first."""
    pos = data.find(name)
    while pos != -1:
        end = pos + len(name)
        if not skip_start <= pos < skip_end and (pos == 0 or data[pos - 1] not in _NAME_BYTES and data[pos - 1] != 0x2E) and (
            end == len(data) or data[end] not in _NAME_BYTES
        ):
            node = root.descendant_for_byte_range(pos, end)
            # A type name is a `type_identifier`, a key a `property_identifier`: not values.
            if node is not None and node.type in ("identifier", "shorthand_property_identifier") and not _in_type_query(node):
                return True
        pos = data.find(name, end)
    return False


def _in_type_query(node: Node) -> bool:
    """Whether an identifier sits in a type position (``typeof x`` in a type annotation)."""
    parent = node.parent
    while parent is not None and parent.type not in _STATEMENTS:
        if parent.type in ("type_query", "type_annotation", "type_arguments"):
            return True
        parent = parent.parent
    return False


_STATEMENTS = frozenset({"program", "statement_block", "expression_statement", "lexical_declaration", "export_statement"})


def _read_import(scan: FileScan, stmt: Node) -> None:
    source = stmt.child_by_field_name("source")
    src = static_string_value(source)
    if src is None:
        return
    imports = scan.facts.imports
    span = scan.source.node_span(stmt)
    source_span = scan.source.node_span(source)
    stmt_type_only = any(c.type == "type" for c in stmt.children)
    clause = next((c for c in stmt.named_children if c.type == "import_clause"), None)
    if clause is None:
        imports.append(ImportFact(src, None, None, stmt_type_only, span, source_span))
        return
    for part in clause.named_children:
        if part.type == "identifier":
            imports.append(ImportFact(src, "default", text(part), stmt_type_only, span, source_span))
        elif part.type == "namespace_import":
            ident = next((c for c in part.named_children if c.type == "identifier"), None)
            if ident is not None:
                imports.append(ImportFact(src, "*", text(ident), stmt_type_only, span, source_span))
        elif part.type == "named_imports":
            for spec in part.named_children:
                if spec.type != "import_specifier":
                    continue
                name = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias") or name
                type_only = stmt_type_only or any(c.type == "type" for c in spec.children)
                imported = static_string_value(name) if name is not None and name.type == "string" else text(name)
                imports.append(ImportFact(src, imported, text(alias), type_only, span, source_span, scan.source.node_span(spec)))


def _read_export(scan: FileScan, stmt: Node) -> None:
    exports = scan.facts.exports
    decl = stmt.child_by_field_name("declaration")
    if decl is not None:
        if decl.type in ("lexical_declaration", "variable_declaration"):
            for d in decl.named_children:
                name = d.child_by_field_name("name") if d.type == "variable_declarator" else None
                if name is not None and name.type == "identifier":
                    exports.setdefault(text(name), []).append(text(name))
        else:
            name = decl.child_by_field_name("name")
            if name is not None:
                is_default = any(c.type == "default" for c in stmt.children)
                exports.setdefault(text(name), []).append("default" if is_default else text(name))
        return
    source = stmt.child_by_field_name("source")
    if source is not None:
        src = static_string_value(source)
        clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
        stmt_type_only = any(c.type == "type" for c in stmt.children)
        span = scan.source.node_span(stmt)
        if src is not None and clause is not None:
            for spec in clause.named_children:
                if spec.type == "export_specifier":
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or name
                    if name is not None:
                        scan.facts.reexports.append((src, text(name), text(alias)))
                        type_only = stmt_type_only or any(c.type == "type" for c in spec.children)
                        scan.facts.imports.append(ImportFact(src, text(name), None, type_only, span))
        elif src is not None:
            scan.facts.reexports.append((src, "*", "*"))
            scan.facts.imports.append(ImportFact(src, "*", None, stmt_type_only, span))
        return
    value = stmt.child_by_field_name("value")
    if value is not None:
        value = unwrap(value)
        if value is not None and value.type == "identifier":
            exports.setdefault(text(value), []).append("default")
        return
    clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
    if clause is None:
        return
    for spec in clause.named_children:
        if spec.type != "export_specifier":
            continue
        name = spec.child_by_field_name("name")
        alias = spec.child_by_field_name("alias") or name
        if name is not None:
            exports.setdefault(text(name), []).append(text(alias))


def read_aliases(scan: FileScan) -> None:
    """Module-level ``const a = b`` where ``b`` is a plain name (``export const
    publicQuery = rawQuery``): the project follows them when resolving registrars."""
    for _name_node, name, value in module_declarators(scan):
        if value is not None and value.type == "identifier":
            scan.facts.aliases[name] = text(value)


def named_value_imports(scan: FileScan) -> dict[str, ImportFact]:
    """Local name -> named or default value import (not namespace or type-only)."""
    return {
        imp.local: imp
        for imp in scan.facts.imports
        if imp.local and not imp.type_only and imp.imported not in (None, "*")
    }


def module_declarators(scan: FileScan) -> list[tuple[Node, str, Node | None]]:
    """``(name_node, name, unwrapped value)`` of every module-level ``const``/``let``
    (computed once per file: several extractors ask)."""
    if scan.declarators is None:
        found = []
        for child in scan.source.root.named_children:
            decl = child.child_by_field_name("declaration") if child.type == "export_statement" else child
            if decl is None or decl.type not in ("lexical_declaration", "variable_declaration"):
                continue
            for d in decl.named_children:
                if d.type != "variable_declarator":
                    continue
                name = d.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    found.append((name, text(name), unwrap(d.child_by_field_name("value"))))
        scan.declarators = found
    return scan.declarators


def binding_of(scan: FileScan, call: Node) -> tuple[str | None, list[str]]:
    """The local name an expression (a registrar call) is bound to and the names it is
    exported under: ``export const x = …`` -> ``("x", ["x"])``; ``export default …`` ->
    ``(None, ["default"])``."""
    node = call
    while node.parent is not None and node.parent.type in (
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
    ):
        node = node.parent
    parent = node.parent
    if parent is None:
        return None, []
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        if name is None or name.type != "identifier":
            return None, []
        local = text(name)
        return local, list(scan.facts.exports.get(local, []))
    if parent.type == "export_statement":
        return None, ["default"]
    return None, []


def read_schema_uses(scan: FileScan) -> None:
    """Module-level (evaluation-time) uses of a binding imported from ``./schema``."""
    facts = scan.facts
    sources = {
        imp.local: imp.source
        for imp in facts.imports
        if imp.local and not imp.type_only and _SCHEMA_SOURCE.search(imp.source) and imp.source.startswith(".")
    }
    names = set(sources)
    if not names or facts.module == "schema":
        return
    for child in scan.source.root.named_children:
        if child.type in ("import_statement", "function_declaration", "comment", "interface_declaration", "type_alias_declaration"):
            continue
        stack = [child]
        while stack:
            n = stack.pop()
            if n.type in FUNCTION_TYPES or n.type in ("type_annotation", "type_arguments", "type_query"):
                continue
            if n.type == "identifier" and text(n) in names:
                facts.schema_uses.append((sources[text(n)], scan.source.node_span(n)))
                continue
            stack.extend(n.children)
