"""The extractors: the only code that reads tree-sitter nodes to build the Convex model.

``collect(scan)`` builds one file's ``FileFacts`` from a ``FileScan`` (the parsed file and
the nodes the engine's single query pass captured), handing the scan to each topic's
extractor in turn: ``modules`` (imports, exports, re-exports), ``registrars``,
``functions`` (registrations, handler events, helpers), ``references``, ``schema``,
``http``, ``crons``. Nothing here walks the tree once per fact.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from convexlint.model.extract.crons import read_cron
from convexlint.model.extract.files import declares_generated, is_entry_point, is_test_file
from convexlint.model.extract.functions import add_function, read_helpers
from convexlint.model.extract.http import link_route_handlers, read_route, read_site_requests
from convexlint.model.extract.ids import read_id_uses
from convexlint.model.extract.modules import named_value_imports, read_aliases, read_module_level, read_schema_uses
from convexlint.model.extract.references import read_all_references, read_api_refs, read_process_env
from convexlint.model.extract.registrars import (
    imported_candidates,
    looks_registered,
    module_level_candidates,
    read_registrar_defs,
    registrar_names,
)
from convexlint.model.extract.scan import EVENT_NODE_TYPES, FileScan, index_calls
from convexlint.model.extract.schema import SCHEMA_CALLS, read_schema, read_table_groups
from convexlint.model.facts import FileFacts, RegistrarRef
from convexlint.model.vocabulary import CRON_METHODS, GENERIC_REGISTRARS, REGISTRARS, builtin_registrar
from convexlint.syntax import resolve_binding, text, unwrap

__all__ = ["EVENT_NODE_TYPES", "FileScan", "collect", "index_calls", "is_entry_point", "is_test_file", "new_facts"]


#: The Convex CLI bundles a file under the functions directory only when some line starts
#: (after up to 100 spaces) with ``import`` or ``export`` (its bundler's ``entryPoints``).
_BUNDLED = re.compile(rb"^\s{0,100}(?:import|export)", re.M)


def new_facts(path: str, *, functions_dir: str | None, module: str | None, is_server: bool) -> FileFacts:
    """Empty facts for the file at ``path`` (relative to the working directory);
    ``module`` is its path inside the functions directory without the extension."""
    return FileFacts(
        path=path,
        functions_dir=functions_dir,
        module=module,
        is_server=is_server,
        # Test files are not deployed, even where the bundler's path rules would take them.
        entry_point=is_server and module is not None and is_entry_point(module + "." + path.rsplit(".", 1)[-1]) and not is_test_file(path),
        is_test=is_test_file(path),
    )


def collect(scan: FileScan) -> FileFacts:
    """Fill ``scan.facts`` from the file and return them.

    Client code (outside the functions directory) only records imports, exports, helper
    functions (server code may import an access check from ``../lib``) and function
    references; server code records everything.
    """
    facts = scan.facts
    facts.generated = declares_generated(scan.source.data)
    if facts.entry_point and _BUNDLED.search(scan.source.data) is None:
        facts.entry_point = False  # Convex's bundler skips a module with no import/export line
    read_module_level(scan)
    if not facts.is_server:
        read_helpers(scan)
        read_api_refs(scan)
        read_site_requests(scan)
        return facts
    read_aliases(scan)
    registrar_locals, namespaces = registrar_names(scan)
    imported = named_value_imports(scan)
    read_registrar_defs(scan, registrar_locals, imported)
    for d in facts.registrars:
        registrar_locals.setdefault(d.local, (RegistrarRef("local", d.local), None, None))

    # Registrations, the schema, routes and crons, in document order.
    work: list[tuple[int, str, Node, Node]] = []  # (position, what, call, callee)
    work += [(c.start_byte, "registrar", c, f) for c, f in scan.named_calls([*registrar_locals, *sorted(SCHEMA_CALLS)], member=False)]
    module_level = module_level_candidates(scan, registrar_locals)
    work += [(c.start_byte, "custom", c, f) for c, f in module_level]
    found = {c.id for c, _f in module_level}
    work += [(c.start_byte, "custom", c, f) for c, f in imported_candidates(scan, registrar_locals, imported, found)]
    member_names = ["route", *CRON_METHODS, *(REGISTRARS if namespaces else ()), *(GENERIC_REGISTRARS if namespaces else ())]
    work += [(c.start_byte, "member", c, f) for c, f in scan.named_calls(member_names, member=True)]
    work.sort(key=lambda w: w[0])
    function_index: dict[int, int] = {}  # call node id -> index in facts.functions
    pending_routes: list[tuple[int, Node | None]] = []  # (route index, handler node)
    seen: set[int] = set()
    handlers: list[tuple[int, int]] = []  # handler spans of the functions added, innermost last
    counted = 0
    for _pos, what, call, fn in work:
        if call.id in seen:
            continue
        seen.add(call.id)
        for added in facts.functions[counted:]:
            if added.handler_span is not None:
                handlers.append((added.handler_span.start_byte, added.handler_span.end_byte))
        counted = len(facts.functions)
        while handlers and handlers[-1][1] <= call.start_byte:
            handlers.pop()
        if handlers and (what != "member" or scan.callee_method(call)[0] not in ("route", *CRON_METHODS)):
            # A registration inside another function's handler is never registered (Convex
            # takes module-level exports), and walking each nested one would be quadratic.
            continue
        if what == "registrar":
            name = text(fn)
            if name in SCHEMA_CALLS and name not in registrar_locals:
                if facts.schema is None:
                    facts.schema = read_schema(scan, call)
                continue
            ref, kind, visibility = registrar_locals[name]
            if ref.kind != "builtin" and not looks_registered(call, allow_function=True):
                continue  # a custom wrapper with its own shape (e.g. migration({ table, migrateOne }))
            function_index[call.id] = add_function(scan, call, fn, name, kind, visibility, ref)
        elif what == "custom":
            name = text(fn)
            imp = imported.get(name)
            if imp is not None:
                ref = RegistrarRef("import", imp.imported, imp.source)
            elif resolve_binding(name, fn) is None:
                ref = RegistrarRef("name", name)  # only config can explain it
            else:
                continue
            function_index[call.id] = add_function(scan, call, fn, name, None, None, ref)
        else:
            method, recv = scan.callee_method(call)
            recv_u = unwrap(recv)
            if recv_u is not None and recv_u.type == "identifier" and text(recv_u) in namespaces:
                found = builtin_registrar(method)
                if found is not None:
                    ref = RegistrarRef("builtin", method)
                    function_index[call.id] = add_function(scan, call, fn, method, *found, ref)
                    continue
            if method == "route":
                route = read_route(scan, call, recv_u)
                if route is not None:
                    pending_routes.append(route)
            elif method in CRON_METHODS:
                read_cron(scan, call, method, recv_u)
    read_table_groups(scan)
    read_all_references(scan)
    link_route_handlers(scan, pending_routes, function_index)
    read_helpers(scan)
    read_schema_uses(scan)
    read_process_env(scan)
    read_id_uses(scan)
    return facts
