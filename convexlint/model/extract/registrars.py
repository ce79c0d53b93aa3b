"""Which local names register Convex functions: built-in registrars imported from
``_generated/server`` or ``convex/server`` (also through a namespace import or a local
alias), custom registrars defined here (``customQuery(query, …)``), and imported names
the project resolves across files.

Sources: Convex's ``_generated/server`` exports; convex-helpers' ``customQuery``/
``customMutation``/``customAction`` and ``zCustom*`` (any wrapper whose first argument
is a registrar).
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.model.extract.modules import module_declarators
from convexlint.model.extract.scan import FileScan
from convexlint.model.facts import ImportFact, RegistrarDef, RegistrarRef
from convexlint.model.vocabulary import is_generated_server, registrar_for_import
from convexlint.syntax import call_arguments, is_function, object_properties, resolve_binding, text, unwrap

#: Local name -> (ref, kind, visibility); kind/visibility None until the project resolves it.
Registrars = dict[str, tuple[RegistrarRef, str | None, str | None]]


def registrar_names(scan: FileScan) -> tuple[Registrars, set[str]]:
    """Local names that are built-in registrars -> (ref, kind, visibility); and the
    local names of namespace imports of ``_generated/server`` / ``convex/server``."""
    locals_: Registrars = {}
    namespaces: set[str] = set()
    for imp in scan.facts.imports:
        if imp.local is None or imp.type_only:
            continue
        if imp.imported == "*" and (is_generated_server(imp.source) or imp.source == "convex/server"):
            namespaces.add(imp.local)
            continue
        if imp.imported is None:
            continue
        found = registrar_for_import(imp.source, imp.imported)
        if found is not None:
            locals_[imp.local] = (RegistrarRef("builtin", imp.imported), *found)
    if locals_:
        # Follow simple module-level aliases: ``const myQuery = query;``.
        for _name_node, name, value in module_declarators(scan):
            if value is not None and value.type == "identifier" and text(value) in locals_:
                locals_[name] = locals_[text(value)]
    return locals_, namespaces


def read_registrar_defs(scan: FileScan, builtins: Registrars, imported: dict[str, ImportFact]) -> None:
    """Module-level ``const X = wrapper(<registrar>, ...)`` (customQuery, zCustomMutation,
    or any wrapper whose first argument is a registrar) become ``RegistrarDef``s."""
    facts = scan.facts
    local_defs: set[str] = set()
    for name_node, name, value in module_declarators(scan):
        if value is None or value.type != "call_expression":
            continue
        fn = value.child_by_field_name("function")
        args = call_arguments(value)
        if fn is None or fn.type != "identifier" or not args:
            continue
        base_node = unwrap(args[0])
        if base_node is None or base_node.type != "identifier":
            continue
        base_name = text(base_node)
        if base_name in builtins:
            base = builtins[base_name][0]
        elif base_name in local_defs:
            base = RegistrarRef("local", base_name)
        elif base_name in imported and not imported[base_name].source.startswith(("convex/", "convex-helpers")):
            imp = imported[base_name]
            base = RegistrarRef("import", imp.imported, imp.source)
        else:
            continue
        calls, checks = scan.calls_in(value.start_byte, value.end_byte)
        facts.registrars.append(
            RegistrarDef(
                local=name,
                export_names=list(facts.exports.get(name, [])),
                base=base,
                wrapper=text(fn),
                checks_auth=checks,
                span=scan.source.node_span(name_node),
                calls=calls,
            )
        )
        local_defs.add(name)


def looks_registered(call: Node, *, allow_function: bool = False) -> bool:
    """``name({ ..., handler: ... })`` (or, with ``allow_function``, ``name(async (ctx) =>
    ...)`` or ``name(handleWebhook)`` naming a same-file function): the shape of a function
    registration through a custom registrar."""
    args = call_arguments(call)
    if not args:
        return False
    first = unwrap(args[0])
    if first is None:
        return False
    if first.type == "object":
        props, _ = object_properties(first)
        return "handler" in props
    if allow_function and first.type == "identifier":
        found = resolve_binding(text(first), first)
        if found is not None and found[0] == "function":
            return True
        first = unwrap(found[1]) if found is not None and found[0] == "const" else None
    return allow_function and is_function(first)


def module_level_candidates(scan: FileScan, known: Registrars) -> list[tuple[Node, Node]]:
    """Module-level ``const x = name({ handler })`` / ``export default name({...})``
    calls through a callee that is not a known registrar: imported custom registrars
    and names only the ``registrars`` config can explain."""
    out = []
    for child in scan.source.root.named_children:
        values = []
        target = child
        if child.type == "export_statement":
            value = child.child_by_field_name("value")
            if value is not None:
                values.append(value)
            target = child.child_by_field_name("declaration")
        if target is not None and target.type in ("lexical_declaration", "variable_declaration"):
            values += [d.child_by_field_name("value") for d in target.named_children if d.type == "variable_declarator"]
        for value in values:
            call = unwrap(value)
            if call is None or call.type != "call_expression":
                continue
            fn = call.child_by_field_name("function")
            if fn is not None and fn.type == "identifier" and text(fn) not in known and looks_registered(call):
                out.append((call, fn))
    return out


def imported_candidates(
    scan: FileScan, known: Registrars, imported: dict[str, ImportFact], found: set[int]
) -> list[tuple[Node, Node]]:
    """Calls anywhere in the file through a name imported from another module of the
    project (a relative import) in the shape of a registration (``name({ handler })`` or
    ``name(async (ctx) => …)``): a registrar re-exported by a helper module, such as
    ``httpAction`` inside a route. The project decides across files whether the name is a
    registrar; calls of plain helpers stay unresolved and no rule sees them. ``found``: ids
    of calls already taken as candidates (module-level ones), not looked at again."""
    out = []
    for local, imp in imported.items():
        if local in known or not imp.source.startswith("."):
            continue  # a package's export cannot be followed: only the config can name it
        for call, fn in scan.named_calls([local], member=False):
            if call.id not in found and looks_registered(call, allow_function=True):
                out.append((call, fn))
    return out
