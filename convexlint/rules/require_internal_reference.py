"""require-internal-reference: scheduling or running a public function via ``api.…``.

Sources: S000 (NEVER "Expose internal functions as public", ALWAYS "Use internalQuery/
Mutation/Action for private functions"), S001 (DO "Use internal. functions for all
ctx.run*, ctx.scheduler, and crons"; DON'T "use api. functions for scheduling"), S002
(whose own example schedules ``api.actions.sendWelcomeEmail``), Convex Best Practices.
A function that only the server calls should be internal, so clients cannot call it.
``components.…`` references are fine, and so is a target that client code (outside tests)
also references through ``api.``: it is public on purpose, and the server calling it exposes
nothing more (the rule reads the project's client code for this).

Fix (unsafe: a client outside this project — another app, a script, the dashboard — may
call the function): the target's registrar becomes its internal form and every reference
becomes ``internal.…``, imports adjusted. Only when all of it is visible: a built-in
registrar imported from ``_generated/server`` under its own name, every mention of the
reference one the model knows (no ``"module:name"`` strings, no other ``api.x.y`` text).
"""

from __future__ import annotations

from convexlint.diagnostics import Edit
from convexlint.model.facts import FileFacts, FunctionRefFact
from convexlint.model.project import Project
from convexlint.model.vocabulary import is_generated_api, is_generated_server
from convexlint.rules._helpers import ProjectText
from convexlint.rules._imports import mentions, named_import, swap_import
from convexlint.rules.base import ProjectContext, Rule


def _internal(ref_dotted: str) -> str:
    """The ``internal.`` reference to pass instead of ``api.<module>.<name>``."""
    return "internal." + ref_dotted.split(".", 1)[1] if "." in ref_dotted else "internal.…"


class RequireInternalReference(Rule):
    id = "require-internal-reference"
    needs_client_code = True  # a target the client also calls must stay public

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        # `api.x.y` that client code (not tests) references: public on purpose.
        client = {r.dotted for f in project.client_files.values() if not f.is_test for r in f.api_refs if r.root == "api"}
        fixes: dict[str, list[Edit] | None] = {}
        text = ProjectText(project, ctx.source)  # reads files only when a fix first asks
        for facts in project.files_to_check():
            found = [(ref, ref.passed_to) for ref in facts.api_refs if ref.passed_to is not None]
            found += [(cron.ref, f"crons.{cron.method}") for cron in facts.crons if cron.ref is not None]
            for ref, call in found:
                if ref.root != "api" or ref.dotted in client:
                    continue
                if ref.dotted not in fixes:
                    fixes[ref.dotted] = _make_internal(project, ctx, ref, text)
                fix = fixes[ref.dotted]
                ctx.report(self, facts.path, ref.span, "public_target", fix=fix, call=call, target=ref.dotted, internal=_internal(ref.dotted))


def _references(project: Project, dotted: str) -> list[tuple[FileFacts, FunctionRefFact]]:
    """Every reference the model knows to ``dotted`` (``api.x.y``): arguments and crons, in
    server code and client code (tests included)."""
    out = []
    for facts in (*project.files.values(), *project.client_files.values()):
        out += [(facts, r) for r in facts.api_refs if r.dotted == dotted]
        out += [(facts, c.ref) for c in facts.crons if c.ref is not None and c.ref.dotted == dotted and c.ref not in facts.api_refs]
    return out


def _make_internal(project: Project, ctx: ProjectContext, ref: FunctionRefFact, text: ProjectText) -> list[Edit] | None:
    """Edits making the target of ``ref`` internal (see the module docstring), or None."""
    found = project.function_for_ref(ref)
    if found is None:
        return None
    target, fn = found
    if fn.visibility != "public" or fn.kind not in ("query", "mutation", "action") or fn.registrar != fn.kind:
        return None  # a custom registrar (`authedMutation`) has no internal form the fix can name
    if named_import(target, fn.registrar, is_generated_server) is None or len(fn.export_names) != 1:
        return None
    refs = _references(project, ref.dotted)
    if text.api_mentions(ref.dotted) != len(refs) or text.colon_path("/".join(ref.path[:-1]) + ":" + ref.path[-1]):
        return None  # a mention the model cannot place (a stored reference, a "module:name" string)
    edits: list[Edit] = []
    by_file: dict[str, tuple[FileFacts, list[FunctionRefFact]]] = {}
    for facts, r in refs:
        by_file.setdefault(facts.path, (facts, []))[1].append(r)
    for rel, (facts, file_refs) in by_file.items():
        data = ctx.source(rel)
        assert data is not None
        for r in file_refs:
            if data[r.span.start_byte : r.span.start_byte + 4] != b"api.":
                return None
            edits.append(Edit(rel, r.span.start_byte, r.span.start_byte + 3, "internal"))
        imports = swap_import(facts, data, "api", "internal", is_generated_api, mentions(data, "api") - 1 - len(file_refs))
        if imports is None:
            return None
        edits += imports
    data = ctx.source(target.path)
    span = fn.callee_span
    if data is None or data[span.start_byte : span.end_byte] != fn.registrar.encode():
        return None
    internal_registrar = "internal" + fn.kind[0].upper() + fn.kind[1:]
    edits.append(Edit(target.path, span.start_byte, span.end_byte, internal_registrar))
    imports = swap_import(target, data, fn.registrar, internal_registrar, is_generated_server, mentions(data, fn.registrar) - 2)
    if imports is None:
        return None
    return edits + imports
