"""Model shapes that show in facts rather than in a rule's findings (issue 8): each test
builds a minimal project in its own words and asserts what the model records."""

from __future__ import annotations

from conftest import lint
from convexlint.config import Settings
from convexlint.discovery import discover
from convexlint.engine import Linter
from convexlint.records import load_records


def _facts(root):
    linter = Linter(Settings(load_records(), None, cwd=root), root)
    outcomes = linter.lint_files(discover([root], client_context=True))
    return {o.rel: o.facts for o in outcomes}, linter.projects(outcomes)


def test_any_api_is_a_function_reference(project):
    root = project(
        {
            "convex/_generated/server.d.ts": "export declare const mutation: any;\n",
            "convex/jobs.ts": (
                'import { anyApi } from "convex/server";\n'
                "export async function later(ctx: any) {\n"
                "  await ctx.scheduler.runAfter(0, anyApi.tasks.sweep, {});\n"
                "}\n"
            ),
            "src/app.ts": 'import { anyApi } from "convex/server";\nexport const ref = useMutation(anyApi.tasks.sweep);\n',
        }
    )
    facts, _ = _facts(root)
    assert [r.dotted for r in facts["convex/jobs.ts"].api_refs] == ["anyApi.tasks.sweep"]
    assert [r.dotted for r in facts["src/app.ts"].api_refs] == ["anyApi.tasks.sweep"]


def test_local_any_api_is_not_a_reference(project):
    root = project({"convex/_generated/server.d.ts": "", "convex/a.ts": "const anyApi = { x: { y: 1 } };\nexport const f = () => g(anyApi.x.y);\n"})
    facts, _ = _facts(root)
    assert facts["convex/a.ts"].api_refs == []


def test_client_call_through_any_api_keeps_the_function_public(project):
    files = {
        "convex/_generated/server.d.ts": "export declare const mutation: any;\nexport declare const internalMutation: any;\n",
        "convex/tasks.ts": (
            'import { v } from "convex/values";\n'
            'import { mutation } from "./_generated/server";\n'
            "export const sweep = mutation({ args: {}, returns: v.null(), handler: async (ctx) => {\n"
            "  await ctx.auth.getUserIdentity();\n  return null;\n} });\n"
        ),
        "convex/jobs.ts": (
            'import { api } from "./_generated/api";\n'
            "export async function later(ctx: any) { await ctx.scheduler.runAfter(0, api.tasks.sweep, {}); }\n"
        ),
        "src/app.tsx": 'import { anyApi } from "convex/server";\nexport const useSweep = () => useMutation(anyApi.tasks.sweep);\n',
    }
    root = project(files)
    result = lint(["."], root, preview=True, select=["prefer-internal-function"])
    assert [d.rule for d in result.diagnostics] == []
    files["src/app.tsx"] = 'import { useQuery } from "convex/react";\nexport const nothing = useQuery;\n'
    root = project(files)
    result = lint(["."], root, preview=True, select=["prefer-internal-function"])
    assert [d.rule for d in result.diagnostics] == ["prefer-internal-function"]


def test_names_used_only_in_types_make_an_import_type_only(project):
    root = project(
        {
            "convex/_generated/server.d.ts": "",
            "convex/a.ts": (
                'import { Row, makeRow } from "./rows";\n'
                'import { Doc } from "./types";\n'
                'import { Shape } from "./shapes";\n'
                "export const r: Row = makeRow();\n"
                "export function f(d: Doc, s: typeof Shape): void {}\n"
            ),
            "convex/rows.ts": "export type Row = {};\nexport const makeRow = () => ({});\n",
            "convex/types.ts": "export type Doc = {};\n",
            "convex/shapes.ts": "export const Shape = {};\n",
        }
    )
    facts, _ = _facts(root)
    only_types = {i.local: i.type_only for i in facts["convex/a.ts"].imports}
    # Per binding: `Row` is erased, `makeRow` keeps the import of ./rows (and its edge).
    assert only_types == {"Row": True, "makeRow": False, "Doc": True, "Shape": True}
