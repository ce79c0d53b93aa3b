"""``convexlint inspect``: what the project model sees, for "why did (or didn't) this rule
fire?".

``model_view`` renders every functions directory's ``Project`` as plain, stably ordered
data: the directory and why it was chosen, the schema file and its tables and indexes,
every registered function with its kind, visibility and registrar chain, registrations
whose registrar could not be resolved, custom registrars, HTTP routes, crons, and what
each file was read as. The JSON form is also the facts snapshot the tests compare.
Lines are 1-based.
"""

from __future__ import annotations

import re
from pathlib import Path

from convexlint.discovery import Target, functions_dir_reason
from convexlint.model.facts import FileFacts, FunctionFact
from convexlint.model.project import Project
from convexlint.packages import convex_version

VIEW_VERSION = 1


def _where(facts: FileFacts, line: int) -> str:
    return f"{facts.path}:{line}"


#: The role of a client file that was not parsed because nothing in it could matter.
SKIPPED_ROLE = "skipped (no Convex marker)"


def _file_roles(target: Target, facts: FileFacts | None, rel: str, skipped: bool = False) -> list[str]:
    roles = ["server" if target.is_server else "client"]
    if skipped:
        roles.append(SKIPPED_ROLE)
        return roles
    if facts is None:
        roles.append("unreadable")
        return roles
    if target.is_server and facts.functions_dir is not None and facts.module is None:
        roles.append("imported by server code")  # beside the functions directory: server code, not a function module
    if facts.generated:
        roles.append("generated (its header says so): not reported")
    if facts.is_test:
        roles.append("test")
    if facts.entry_point:
        roles.append("entry-point")
    if facts.use_node:
        roles.append("use-node")
    if not target.report:
        roles.append("context-only")
    return roles


_REGISTRAR_LIKE = re.compile(r"(query|mutation|action)$", re.IGNORECASE)


def _maybe_registration(facts: FileFacts, fn: FunctionFact) -> bool:
    """Whether an unresolved ``name({ handler })`` call is worth showing: its registrar
    looks like one by name, or comes from the project itself (a relative or path-alias
    import, or no import). ``createTool({ handler })`` from a package is not a
    registration; ``name(async () => …)`` is most often a plain helper."""
    if fn.syntax != "object":
        return False
    if _REGISTRAR_LIKE.search(fn.registrar):
        return True
    ref = fn.registrar_ref
    source = ref.source if ref is not None else None
    return source is None or source.startswith((".", "@/", "~/", "#"))


def project_view(project: Project, cwd: Path, roles: dict[str, list[str]], unparsed: frozenset[str] = frozenset()) -> dict:
    """One functions directory as plain data (see the module docstring). ``unparsed``:
    the project's files that have no facts (skipped client code), listed with the rest."""
    files = sorted(project.files.values(), key=lambda f: f.path)
    view: dict = {
        "functions_dir": project.functions_dir,
        "reason": functions_dir_reason((cwd / project.functions_dir).resolve(), cwd) if project.functions_dir else "files outside any functions directory",
    }
    generated = f"{project.functions_dir}/_generated" if project.functions_dir else None
    view["generated"] = generated if generated is not None and (cwd / generated).is_dir() else None
    version = convex_version((cwd / project.functions_dir).resolve()) if project.functions_dir else None
    view["convex_version"] = (
        None
        if version is None
        else {
            "version": ".".join(map(str, version.version)) if version.version else None,
            "spec": version.spec,
            "source": version.source,
        }
    )
    schema_file, schema = project.schema_file, project.schema
    if schema_file is None or schema is None:
        view["schema"] = None
    else:
        view["schema"] = {
            "file": schema_file.path,
            "static": not schema.dynamic,
            "tables": [
                {
                    "name": t.name,
                    "at": f"{t.path}:{t.name_span.start_line}",
                    "fields": sorted(t.fields) if t.fields is not None else None,
                    "indexes": [
                        {"name": i.name, "kind": i.kind, "fields": i.fields}
                        for i in t.indexes
                    ],
                    "indexes_complete": t.indexes_complete,
                }
                for t in schema.tables
            ],
        }
    functions, unresolved = [], []
    for facts in files:
        for i, fn in enumerate(facts.functions):
            entry = {"at": _where(facts, fn.span.start_line), "name": fn.display_name}
            if fn.kind is None:
                if _maybe_registration(facts, fn):
                    unresolved.append({**entry, "registrar": fn.registrar})
                continue
            functions.append(
                {
                    **entry,
                    "kind": fn.kind,
                    "visibility": fn.visibility,
                    "registrar": project.registrar_chain(facts, i) or [fn.registrar],
                    "deployed": facts.entry_point and not facts.is_test,
                }
            )
    view["functions"] = functions
    view["unresolved_registrations"] = unresolved
    registrars = []
    for facts in files:
        for d in facts.registrars:
            resolved = project.resolve_registrar(facts, d.local)
            registrars.append(
                {
                    "at": _where(facts, d.span.start_line),
                    "name": d.local,
                    "wrapper": d.wrapper,
                    "resolves_to": list(resolved.chain) if resolved is not None else None,
                    "checks_access": resolved.checks_auth if resolved is not None else None,
                }
            )
    view["custom_registrars"] = registrars
    routes = []
    for facts, route in sorted(project.routes(), key=lambda p: (p[0].path, p[1].span.start_byte)):
        target = project.route_handler(facts, route)
        routes.append(
            {
                "at": _where(facts, route.span.start_line),
                "method": route.method,
                "path": route.path,
                "path_prefix": route.path_prefix,
                "cors_router": route.cors_router,
                "handler": f"{target[0].path}:{target[1].display_name}" if target is not None else None,
                # why http-action-cors treats it as browser-facing (None: no evidence)
                "browser": project.browser_evidence(route, target[1]) if target is not None else None,
            }
        )
    view["routes"] = routes
    crons = []
    for facts in files:
        for cron in facts.crons:
            crons.append(
                {
                    "at": _where(facts, cron.span.start_line),
                    "name": cron.name,
                    "method": cron.method,
                    "function": cron.ref.dotted if cron.ref is not None else None,
                }
            )
    view["crons"] = crons
    all_paths = sorted({*project.files, *project.client_files, *unparsed})
    view["files"] = {p: roles.get(p, []) for p in all_paths}
    return view


def model_view(outcomes, projects: dict[str | None, Project], cwd: Path) -> dict:
    """The whole model as plain data: ``{"version", "projects": [project_view…]}``,
    projects ordered by functions directory (files outside any come last)."""
    from convexlint.engine import rel_path

    roles = {o.rel: _file_roles(o.target, o.facts, o.rel, o.skipped) for o in outcomes}
    skipped: dict[str | None, set[str]] = {}
    for o in outcomes:
        if o.skipped:
            fd = o.target.functions_dir
            skipped.setdefault(rel_path(fd, cwd.resolve()) if fd is not None else None, set()).add(o.rel)
    ordered = sorted(projects.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
    return {
        "version": VIEW_VERSION,
        "projects": [project_view(p, cwd, roles, frozenset(skipped.get(k, ()))) for k, p in ordered],
    }


#: ``Project.browser_evidence`` answers, in words.
_EVIDENCE = {
    "options": "an OPTIONS route",
    "client": "client code requests it",
    "preflight": "an OPTIONS route covers it",
    "cors": "another response sends CORS headers",
}


def render_text(view: dict) -> str:
    """The human form of ``model_view``'s result."""
    out: list[str] = []
    for p in view["projects"]:
        out.append(f"functions directory: {p['functions_dir'] or '(none)'}")
        out.append(f"  why: {p['reason']}")
        if p.get("generated"):
            out.append(f"  generated code: {p['generated']}/ (read for `env` only, never linted)")
        version = p.get("convex_version")
        if version is None:
            out.append("  convex version: unknown (no package.json depends on convex; version-gated rules report)")
        else:
            shown = version["version"] or "unknown (version-gated rules report)"
            out.append(f"  convex version: {shown}, from {version['source']} (package.json: {version['spec']!r})")
        schema = p["schema"]
        if schema is None:
            out.append("  schema: none (schema rules stay silent)")
        else:
            status = "static" if schema["static"] else "not fully static (schema rules that need every table stay silent)"
            out.append(f"  schema: {schema['file']} ({status}), {len(schema['tables'])} tables")
            for t in schema["tables"]:
                fields = ", ".join(t["fields"]) if t["fields"] is not None else "fields not static"
                out.append(f"    {t['name']}: {fields}")
                for i in t["indexes"]:
                    idx_fields = ", ".join(i["fields"]) if i["fields"] is not None else "?"
                    kind = "" if i["kind"] == "db" else f" ({i['kind']})"
                    out.append(f"      index {i['name']}{kind}: [{idx_fields}]")
        out.append(f"  functions: {len(p['functions'])}")
        for f in p["functions"]:
            chain = " → ".join(f["registrar"])
            note = "" if f["deployed"] else "  (not deployed)"
            out.append(f"    {f['at']}  {f['name']}: {f['visibility']} {f['kind']} via {chain}{note}")
        if p["unresolved_registrations"]:
            out.append(f"  registrations with an unresolved registrar (no rule sees them): {len(p['unresolved_registrations'])}")
            for f in p["unresolved_registrations"]:
                out.append(f"    {f['at']}  {f['name']} via {f['registrar']}  (add it to `registrars:` in the config)")
        if p["custom_registrars"]:
            out.append("  custom registrars:")
            for r in p["custom_registrars"]:
                chain = " → ".join(r["resolves_to"]) if r["resolves_to"] else "unresolved"
                access = " (checks access)" if r["checks_access"] else ""
                out.append(f"    {r['at']}  {chain}{access}")
        if p["routes"]:
            out.append(f"  HTTP routes: {len(p['routes'])}")
            for r in p["routes"]:
                where = r["path"] if r["path"] is not None else (f"{r['path_prefix']}*" if r["path_prefix"] is not None else "?")
                browser = f"  (browser: {_EVIDENCE[r['browser']]})" if r.get("browser") else ""
                out.append(f"    {r['at']}  {r['method'] or '?'} {where} -> {r['handler'] or 'handler not resolved'}{browser}")
        if p["crons"]:
            out.append(f"  crons: {len(p['crons'])}")
            for c in p["crons"]:
                out.append(f"    {c['at']}  {c['name'] or '?'} ({c['method']}) -> {c['function'] or '?'}")
        counts: dict[str, int] = {}
        for roles in p["files"].values():
            counts[roles[0] if roles else "?"] = counts.get(roles[0] if roles else "?", 0) + 1
        out.append("  files: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
        for path, roles in p["files"].items():
            out.append(f"    {path}: {', '.join(roles)}")
        out.append("")
    return "\n".join(out)
