"""Discovery: convex.json, monorepos, ignored folders, explicit files."""

from __future__ import annotations

import subprocess

from convexlint.discovery import discover, find_functions_dirs

from conftest import lint, write_files

FN = 'import { query } from "./_generated/server";\nexport const f = query({ args: {}, handler: async () => 1 });\n'


def rels(targets, root):
    return sorted((t.path.relative_to(root).as_posix(), t.report, t.is_server) for t in targets)


def test_convex_json_functions_setting(tmp_path):
    write_files(tmp_path, {"convex.json": '{"functions": "backend/fns/"}', "backend/fns/a.ts": FN, "convex/notes.md.ts": FN})
    assert find_functions_dirs(tmp_path) == [tmp_path / "backend" / "fns"]


def test_monorepo_finds_every_functions_dir(tmp_path):
    write_files(
        tmp_path,
        {
            "apps/web/convex/a.ts": FN,
            "packages/backend/convex.json": '{"functions": "src/convex"}',
            "packages/backend/src/convex/b.ts": FN,
            "apps/web/src/convex/helpers.ts": "export const notConvex = 1;\n",
            "node_modules/pkg/convex/c.ts": FN,
        },
    )
    found = find_functions_dirs(tmp_path)
    assert found == [tmp_path / "apps/web/convex", tmp_path / "packages/backend/src/convex"]
    result = lint(["."], tmp_path)
    assert sorted({d.path for d in result.diagnostics}) == ["apps/web/convex/a.ts", "packages/backend/src/convex/b.ts"]


def test_generated_node_modules_and_gitignore_are_skipped(tmp_path):
    write_files(
        tmp_path,
        {
            ".gitignore": "convex/scratch/\n*.local.ts\n",
            "convex/a.ts": FN,
            "convex/_generated/server.ts": FN,
            "convex/scratch/b.ts": FN,
            "convex/c.local.ts": FN,
            "convex/types.d.ts": "declare const x: number;\n",
            "convex/lib/d.mts": FN,
            "convex/lib/e.cts": FN,
            "convex/ui/f.tsx": FN,
        },
    )
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    targets = discover([tmp_path])
    assert rels(targets, tmp_path) == [
        ("convex/a.ts", True, True),
        ("convex/lib/d.mts", True, True),
        ("convex/lib/e.cts", True, True),
        ("convex/ui/f.tsx", True, True),
    ]


def test_explicit_file_reports_only_it_but_reads_the_project(tmp_path):
    write_files(tmp_path, {"convex/a.ts": FN, "convex/b.ts": FN, "src/main.tsx": "export {};\n"})
    targets = discover([tmp_path / "convex" / "a.ts", tmp_path / "src" / "main.tsx"])
    assert rels(targets, tmp_path) == [
        ("convex/a.ts", True, True),
        ("convex/b.ts", False, True),
        ("src/main.tsx", True, False),
    ]
    # Generated files named explicitly (as pre-commit does) are still never linted.
    write_files(tmp_path, {"convex/_generated/api.js": "export const api = {};\n"})
    assert discover([tmp_path / "convex" / "_generated" / "api.js"]) == []


def test_subdirectory_of_functions_dir(tmp_path):
    write_files(tmp_path, {"convex/lib/a.ts": FN, "convex/b.ts": FN})
    targets = discover([tmp_path / "convex" / "lib"])
    assert rels(targets, tmp_path) == [("convex/b.ts", False, True), ("convex/lib/a.ts", True, True)]


PROVIDER = (
    '"use client";\n'
    'import { ConvexProvider, ConvexReactClient } from "convex/react";\n'
    "const client = new ConvexReactClient(import.meta.env.VITE_CONVEX_URL);\n"
    "export function Providers({ children }) { return <ConvexProvider client={client}>{children}</ConvexProvider>; }\n"
)


def test_convex_json_names_the_only_functions_dir_below_it(tmp_path):
    # A React provider kept in src/lib/convex/ is client code: convex.json names the backend.
    write_files(
        tmp_path,
        {
            "convex.json": '{"functions": "backend/"}',
            "backend/notes.ts": FN,
            "backend/_generated/server.ts": FN,
            "src/lib/convex/provider.tsx": PROVIDER,
            "src/lib/convex/_generated/api.ts": "export const api = {};\n",
            "src/lib/convex/schema.ts": 'import { defineSchema } from "convex/server";\nexport default defineSchema({});\n',
            # a nested project with its own convex.json is its own functions directory
            "tools/admin/convex.json": "{}",
            "tools/admin/convex/jobs.ts": FN,
            # so is a nested package with a convex/ folder and no convex.json (npm create convex)
            "templates/bare/package.json": "{}",
            "templates/bare/convex/hello.ts": FN,
            # but a package.json without a convex/ folder beside it changes nothing
            "packages/ui/package.json": "{}",
            "packages/ui/src/convex/client.ts": 'import { x } from "../../convex/_generated/server";\n',
        },
    )
    assert find_functions_dirs(tmp_path) == [tmp_path / "backend", tmp_path / "templates/bare/convex", tmp_path / "tools/admin/convex"]
    assert find_functions_dirs(tmp_path / "templates/bare") == [tmp_path / "templates/bare/convex"]
    assert find_functions_dirs(tmp_path / "packages") == []
    assert find_functions_dirs(tmp_path / "src") == []
    assert find_functions_dirs(tmp_path / "src/lib/convex") == []
    by_path = {t.path.relative_to(tmp_path).as_posix(): t for t in discover([tmp_path])}
    provider = by_path["src/lib/convex/provider.tsx"]
    assert (provider.functions_dir, provider.is_server) == (tmp_path / "backend", False)
    # Named explicitly, the provider is still client code of the backend's project.
    [explicit] = [t for t in discover([tmp_path / "src/lib/convex/provider.tsx"]) if t.report]
    assert (explicit.functions_dir, explicit.is_server) == (tmp_path / "backend", False)
    [nested] = [t for t in discover([tmp_path / "tools/admin/convex/jobs.ts"]) if t.report]
    assert (nested.functions_dir, nested.is_server) == (tmp_path / "tools/admin/convex", True)
    [template] = [t for t in discover([tmp_path / "templates/bare/convex/hello.ts"]) if t.report]
    assert (template.functions_dir, template.is_server) == (tmp_path / "templates/bare/convex", True)


def test_package_names_containing_convex_server_are_not_convex_code(tmp_path):
    other = 'import { defineThing } from "better-convex/server";\nimport { x } from "@acme/convex/server";\nexport const t = defineThing(x);\n'
    write_files(tmp_path, {"app/convex/things.ts": other, "web/convex/a.ts": 'import { query } from "convex/server";\n'})
    assert find_functions_dirs(tmp_path) == [tmp_path / "web/convex"]


def test_folder_around_a_nested_functions_dir(tmp_path):
    # functions: convex/functions; linting convex/ lints the functions dir and, as the
    # project's other code, the helpers beside it.
    write_files(
        tmp_path,
        {
            "convex.json": '{"functions": "convex/functions"}',
            "convex/functions/notes.ts": FN,
            "convex/lib/db.ts": "export const helper = 1;\n",
            "src/main.tsx": "export {};\n",
        },
    )
    assert find_functions_dirs(tmp_path / "convex") == [tmp_path / "convex/functions"]
    assert rels(discover([tmp_path / "convex"]), tmp_path) == [
        ("convex/functions/notes.ts", True, True),
        ("convex/lib/db.ts", True, False),
    ]


def test_a_package_named_convex_is_not_a_functions_directory(tmp_path):
    """A folder named `convex` holding its own package.json and code that imports
    "convex/server" (the npm package's source in a monorepo) is a package, not functions."""
    from convexlint.discovery import find_functions_dirs

    (tmp_path / "packages" / "convex" / "src").mkdir(parents=True)
    (tmp_path / "packages" / "convex" / "package.json").write_text('{"name": "convex"}\n')
    (tmp_path / "packages" / "convex" / "src" / "index.ts").write_text('export * from "convex/server";\n')
    (tmp_path / "app" / "convex").mkdir(parents=True)
    (tmp_path / "app" / "convex" / "todos.ts").write_text('import { query } from "./_generated/server";\n')
    assert find_functions_dirs(tmp_path) == [(tmp_path / "app" / "convex").resolve()]
