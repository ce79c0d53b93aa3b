"""import-from-generated: registrars or ``api``/``internal`` imported from the wrong place.

Sources: S000 ALWAYS ("Import api/internal from "./_generated/api""), Convex's guidelines.
Registrars come from ``./_generated/server`` (typed with your schema), not
``convex/server``; ``api``/``internal`` from ``./_generated/api``.
"""

from __future__ import annotations

from convexlint.diagnostics import Edit
from convexlint.model.facts import FileFacts, ImportFact
from convexlint.model.project import Project
from convexlint.model.vocabulary import builtin_registrar, is_generated_api
from convexlint.rules._imports import cut_specifiers
from convexlint.rules.base import ProjectContext, Rule


class ImportFromGenerated(Rule):
    id = "import-from-generated"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts in project.files_to_check():
            if facts.module is None:
                continue  # server code beside the functions dir: a factory given the schema needs convex/server's generic registrars
            wrong: dict[tuple[int, str], list[ImportFact]] = {}
            for imp in facts.imports:
                if imp.imported is None or imp.type_only:
                    continue
                if imp.source == "convex/server" and builtin_registrar(imp.imported) is not None:
                    wrong.setdefault((imp.span.start_byte, "server"), []).append(imp)
                elif imp.imported in ("api", "internal") and not is_generated_api(imp.source) and imp.source.startswith(("convex", ".", "@")):
                    wrong.setdefault((imp.span.start_byte, "api"), []).append(imp)
            for (_start, module), imps in wrong.items():
                fix = _move(facts, ctx.source(facts.path), imps, module)
                for imp in imps:
                    if module == "server":
                        ctx.report(self, facts.path, imp.span, "registrar_from_convex_server", fix=fix, name=imp.imported)
                    else:  # unsafe: the module it named (if it loads at all) is not the one it will load
                        ctx.report(self, facts.path, imp.span, "api_not_from_generated", fix=fix, unsafe=True, name=imp.imported, source=imp.source)


def _move(facts: FileFacts, data: bytes | None, moved: list[ImportFact], module: str) -> list[Edit] | None:
    """Edits moving the ``moved`` specifiers of one import statement to ``<functions
    dir>/_generated/<module>`` (a relative path from the file): the statement's module string
    is replaced when nothing else is imported by it, else the specifiers are cut out and a
    new import follows the statement. A ``queryGeneric`` becomes ``query as queryGeneric``.
    None when the text is not what the facts say (changed since) or a specifier's span is
    unknown (a re-export)."""
    stmt = moved[0].span
    others = [i for i in facts.imports if i.span == stmt and i not in moved]
    if data is None or any(i.specifier_span is None or i.source_span is None for i in moved):
        return None
    depth = facts.module.count("/") if facts.module else 0
    quote = data[moved[0].source_span.start_byte : moved[0].source_span.start_byte + 1].decode()
    target = f"{quote}{'./' if depth == 0 else '../' * depth}_generated/{module}{quote}"
    renamed = any(i.imported.endswith("Generic") for i in moved)
    if not others and not renamed:
        span = moved[0].source_span
        return [Edit(facts.path, span.start_byte, span.end_byte, target)]
    if any(i.specifier_span is None for i in others):
        return None  # a default or namespace import shares the statement: left to a person
    specs = []
    for i in moved:
        if i.imported.endswith("Generic"):
            plain = i.imported.removesuffix("Generic")
            specs.append(plain if i.local == plain else f"{plain} as {i.local}")
        else:
            specs.append(data[i.specifier_span.start_byte : i.specifier_span.end_byte].decode("utf-8", errors="replace"))
    new = f"import {{ {', '.join(specs)} }} from {target};"
    if not others:
        return [Edit(facts.path, stmt.start_byte, stmt.end_byte, new)]
    cuts = cut_specifiers(facts, data, moved)
    return None if cuts is None else [*cuts, Edit(facts.path, stmt.end_byte, stmt.end_byte, "\n" + new)]
