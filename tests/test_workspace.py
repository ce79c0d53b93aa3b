"""The workspace around a functions directory (``convexlint.workspace``): which folder is
the monorepo root, and which import specifiers name the project's generated ``api``; and
the script blocks of single-file components (``parsing.script_blocks``)."""

from __future__ import annotations

from pathlib import Path

from convexlint.parsing import parse, script_blocks
from convexlint.workspace import alias_fingerprint, api_specifiers, import_specifiers, workspace_root

from conftest import write_files


def _monorepo(tmp_path: Path) -> Path:
    write_files(
        tmp_path,
        {
            "package.json": '{"name": "root", "workspaces": ["apps/*", "packages/*"]}',
            "packages/backend/package.json": '{"name": "@acme/backend"}',
            "packages/backend/convex/_generated/api.d.ts": "export declare const api: any;\n",
            "apps/web/tsconfig.json": (
                "{\n  // a comment\n  \"compilerOptions\": {\"baseUrl\": \"src\", \"paths\": {\n"
                '    "@convex/*": ["../../../packages/backend/convex/_generated/*"],\n  },},\n}\n'
            ),
            "apps/web/src/a.ts": "",
            "apps/admin/package.json": '{"name": "admin", "imports": {"#api": "../../packages/backend/convex/_generated/api.js"}}',
            "apps/admin/a.ts": "",
            "apps/other/tsconfig.json": '{"extends": "./base.json"}',
            "apps/other/base.json": '{"compilerOptions": {"paths": {"~api": ["../../packages/backend/convex/_generated/api"]}}}',
            "apps/other/a.ts": "",
        },
    )
    return tmp_path / "packages" / "backend" / "convex"


def test_workspace_root_is_the_nearest_folder_declaring_workspaces(tmp_path):
    fd = _monorepo(tmp_path)
    assert workspace_root(fd.parent) == tmp_path
    (tmp_path / "solo").mkdir()
    (tmp_path / "solo" / ".git").mkdir()
    assert workspace_root(tmp_path / "solo") is None  # a repository root without package.json


def test_specifiers_resolve_through_every_kind_of_alias(tmp_path):
    fd = _monorepo(tmp_path)
    web, admin, other = (tmp_path / "apps" / p for p in ("web/src/a.ts", "admin/a.ts", "other/a.ts"))
    assert api_specifiers(web, b'import { api } from "@convex/api";', fd) == {"@convex/api"}
    assert api_specifiers(web, b'import { api } from "@acme/backend/convex/_generated/api";', fd) == {"@acme/backend/convex/_generated/api"}
    assert api_specifiers(web, b'import { api } from "../../../packages/backend/convex/_generated/api.js";', fd)
    assert api_specifiers(admin, b'import { api } from "#api";', fd) == {"#api"}
    assert api_specifiers(other, b'import { api } from "~api";', fd) == {"~api"}  # via `extends`


def test_specifiers_naming_something_else_are_not_the_api(tmp_path):
    fd = _monorepo(tmp_path)
    web = tmp_path / "apps" / "web" / "src" / "a.ts"
    assert not api_specifiers(web, b'import { api } from "@/lib/api";', fd)  # an app's own HTTP client
    assert not api_specifiers(web, b'import { api } from "@other/backend/convex/_generated/api";', fd)
    assert not api_specifiers(web, b'import { api } from "../convex/_generated/api";', fd)  # another project's
    assert import_specifiers(b'import x from "react"; import("./api.js"); export * from "#convex/api";') == {"./api.js", "#convex/api"}


def test_alias_fingerprint_changes_with_the_tsconfig(tmp_path):
    fd = _monorepo(tmp_path)
    web = tmp_path / "apps" / "web" / "src" / "a.ts"
    before = alias_fingerprint(web, fd)
    assert "@convex/*" in before and "@acme/backend" in before


def test_script_blocks_keep_offsets_and_blank_the_markup():
    source = (
        b"---\nimport { api } from \"../convex/_generated/api\";\n---\n"
        b"<h1>{title}</h1>\n<script lang=\"ts\">\nconst n = useQuery(api.a.b);\n</script>\n<p>caf\xc3\xa9</p>\n"
    )
    out = script_blocks(source)
    assert len(out) == len(source) and out.count(b"\n") == source.count(b"\n")
    assert out.index(b"useQuery(api.a.b)") == source.index(b"useQuery(api.a.b)")
    assert b"<h1>" not in out and b"caf" not in out
    assert not parse(out, "x.astro").root_node.has_error
