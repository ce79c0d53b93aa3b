"""The convex version a functions directory is built against (convexlint/packages.py)."""

from __future__ import annotations

import json

import pytest

from conftest import write_files
from convexlint.packages import convex_version, lowest_admitted


def _version(tmp_path, files: dict[str, str], functions_dir: str = "convex"):
    (tmp_path / ".git").mkdir()  # the repository root: the search stops here
    write_files(tmp_path, {**files, f"{functions_dir}/x.ts": ""})
    return convex_version(tmp_path / functions_dir)


@pytest.mark.parametrize(
    "spec, lowest",
    [
        ("^1.27.1", (1, 27, 1)),
        ("1.45.0", (1, 45, 0)),
        ("~1.16.5 || ~1.17.0", (1, 16, 5)),
        (">=1.38", (1, 38, 0)),
        ("*", None),
        ("latest", None),
        ("workspace:*", None),
        ("catalog:", None),
        ("file:../node_modules/convex", None),
    ],
)
def test_lowest_admitted(spec, lowest):
    assert lowest_admitted(spec) == lowest


def test_no_package_json_is_none(tmp_path):
    assert _version(tmp_path, {}) is None


def test_range_alone_gives_its_lowest_version(tmp_path):
    v = _version(tmp_path, {"package.json": json.dumps({"devDependencies": {"convex": "^1.25.4"}})})
    assert v.version == (1, 25, 4) and v.spec == "^1.25.4" and "range" in v.source


def test_installed_package_wins_over_lockfile(tmp_path):
    v = _version(
        tmp_path,
        {
            "package.json": json.dumps({"dependencies": {"convex": "^1.25.0"}}),
            "node_modules/convex/package.json": json.dumps({"name": "convex", "version": "1.33.1"}),
            "package-lock.json": json.dumps({"packages": {"node_modules/convex": {"version": "1.29.0"}}}),
        },
    )
    assert v.version == (1, 33, 1) and v.source == "node_modules/convex"


def test_npm_lockfile_of_a_workspace_member(tmp_path):
    v = _version(
        tmp_path,
        {
            "package.json": json.dumps({"workspaces": ["packages/*"]}),
            "packages/backend/package.json": json.dumps({"dependencies": {"convex": "^1.29.3"}}),
            "package-lock.json": json.dumps(
                {"packages": {"packages/backend/node_modules/convex": {"version": "1.30.1"}, "node_modules/convex": {"version": "1.31.0"}}}
            ),
        },
        functions_dir="packages/backend/convex",
    )
    assert v.version == (1, 30, 1) and v.source == "package-lock.json"


def test_pnpm_lockfile_importer(tmp_path):
    lock = """lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      react:
        specifier: ^19.0.0
        version: 19.0.0
  packages/backend:
    dependencies:
      convex:
        specifier: ^1.27.3
        version: 1.31.6(react@19.0.0)
"""
    v = _version(
        tmp_path,
        {"packages/backend/package.json": json.dumps({"dependencies": {"convex": "^1.27.3"}}), "pnpm-lock.yaml": lock},
        functions_dir="packages/backend/convex",
    )
    assert v.version == (1, 31, 6) and v.source == "pnpm-lock.yaml"


def test_yarn_lockfile(tmp_path):
    lock = '''# yarn lockfile v1

"convex@^1.29.3":
  version "1.31.0"
  resolved "https://registry.yarnpkg.com/convex/-/convex-1.31.0.tgz"

react@^19:
  version "19.0.0"
'''
    v = _version(tmp_path, {"package.json": json.dumps({"dependencies": {"convex": "^1.29.3"}}), "yarn.lock": lock})
    assert v.version == (1, 31, 0) and v.source == "yarn.lock"


def test_bun_lockfile_settles_a_catalog_dependency(tmp_path):
    lock = '{\n  "lockfileVersion": 1,\n  "packages": {\n    "convex": ["convex@1.32.0", "", {}, "sha512-x"],\n  },\n}\n'
    v = _version(tmp_path, {"package.json": json.dumps({"dependencies": {"convex": "catalog:"}}), "bun.lock": lock})
    assert v.version == (1, 32, 0) and v.source == "bun.lock"


def test_unparseable_lockfile_falls_back_to_the_range(tmp_path):
    v = _version(
        tmp_path,
        {"package.json": json.dumps({"dependencies": {"convex": "^1.20.0"}}), "package-lock.json": "{ not json"},
    )
    assert v.version == (1, 20, 0)


def test_workspace_protocol_without_lockfile_is_unknown(tmp_path):
    v = _version(tmp_path, {"package.json": json.dumps({"dependencies": {"convex": "workspace:*"}})})
    assert v.version is None and v.at_least((1, 31, 0)) is None


def test_file_link_reads_the_linked_package(tmp_path):
    v = _version(
        tmp_path,
        {
            "example/package.json": json.dumps({"dependencies": {"convex": "file:../vendor/convex"}}),
            "vendor/convex/package.json": json.dumps({"name": "convex", "version": "1.17.3"}),
        },
        functions_dir="example/convex",
    )
    assert v.version == (1, 17, 3)


def test_inspect_shows_the_version(tmp_path):
    from click.testing import CliRunner

    from convexlint.cli import main

    (tmp_path / ".git").mkdir()
    write_files(
        tmp_path,
        {
            "package.json": json.dumps({"dependencies": {"convex": "^1.25.0"}}),
            "package-lock.json": json.dumps({"packages": {"node_modules/convex": {"version": "1.26.2"}}}),
            "convex/schema.ts": "export default 1;\n",
        },
    )
    result = CliRunner().invoke(main, ["inspect", str(tmp_path)])
    assert "convex version: 1.26.2, from package-lock.json" in result.output
    result = CliRunner().invoke(main, ["inspect", str(tmp_path), "--format", "json"])
    assert json.loads(result.output)["projects"][0]["convex_version"] == {
        "version": "1.26.2",
        "spec": "^1.25.0",
        "source": "package-lock.json",
    }
