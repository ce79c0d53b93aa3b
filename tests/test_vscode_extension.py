"""The VS Code extension in editors/vscode: its manifest (always) and, when npm is on PATH,
a clean build from the lockfile plus the compiled server-launch code run under Node."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXTENSION = REPO / "editors" / "vscode"
SETTINGS = {"convexlint.enable": "boolean", "convexlint.interpreter": "string", "convexlint.args": "array"}
LANGUAGES = ["typescript", "typescriptreact", "javascript", "javascriptreact"]
WATCHED = ["**/convexlint.yaml", "**/.convexlint.yaml", "**/pyproject.toml", "**/convex.json"]
NPM = shutil.which("npm")
NPM_TIMEOUT = 300


def manifest() -> dict:
    return json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))


def source(name: str) -> str:
    return (EXTENSION / "src" / name).read_text(encoding="utf-8")


# --- always run: the manifest and sources as checked in ------------------------------------


def test_manifest_activation_command_and_settings():
    data = manifest()
    assert data["engines"]["vscode"].startswith("^1.")
    events = data["activationEvents"]
    assert [f"onLanguage:{language}" for language in LANGUAGES] == [e for e in events if e.startswith("onLanguage:")]
    assert "workspaceContains:**/convex/**" in events
    commands = {c["command"]: c for c in data["contributes"]["commands"]}
    assert f'{commands["convexlint.restart"]["category"]}: {commands["convexlint.restart"]["title"]}' == (
        "convexlint: Restart server"
    )
    properties = data["contributes"]["configuration"]["properties"]
    assert {name: properties[name]["type"] for name in SETTINGS} == SETTINGS
    assert properties["convexlint.enable"]["default"] is True
    assert properties["convexlint.interpreter"]["default"] == ""
    assert properties["convexlint.args"]["default"] == []
    # Every command the extension registers is contributed, and the other way round.
    registered = set(re.findall(r'registerCommand\("([^"]+)"', source("extension.ts")))
    assert registered == set(commands)


def test_main_is_the_compiled_extension_module():
    data = manifest()
    main = data["main"]
    assert re.fullmatch(r"\./out/[\w/]+\.js", main), main
    tsconfig = json.loads((EXTENSION / "tsconfig.json").read_text(encoding="utf-8"))["compilerOptions"]
    assert (tsconfig["rootDir"], tsconfig["outDir"]) == ("src", "out")
    # out/<name>.js is compiled from src/<name>.ts.
    assert (EXTENSION / "src" / (main[len("./out/") : -len(".js")] + ".ts")).is_file()
    assert data["dependencies"]["vscode-languageclient"].lstrip("^~").split(".")[0] == "9"


def test_lockfile_matches_manifest():
    """npm ci refuses a lockfile whose root entry disagrees with package.json."""
    lock = json.loads((EXTENSION / "package-lock.json").read_text(encoding="utf-8"))
    data = manifest()
    root = lock["packages"][""]
    assert root.get("dependencies", {}) == data.get("dependencies", {})
    assert root.get("devDependencies", {}) == data.get("devDependencies", {})
    assert "node_modules/vscode-languageclient" in lock["packages"]


def test_sources_start_the_server_module_over_stdio():
    server, extension = source("server.ts"), source("extension.ts")
    assert '["-m", "convexlint", "server", ...extra]' in server
    assert "serverCommand(interpreter," in extension
    assert "transport: TransportKind.stdio" in extension
    for glob in WATCHED:
        assert f'"{glob}"' in extension
    assert '{ scheme: "file", language }' in extension and '{ scheme: "untitled", language }' in extension
    assert re.search(r"const LANGUAGES = \[([^\]]*)\]", extension).group(1).replace('"', "").split(", ") == LANGUAGES


def test_readme_documents_every_setting_and_gitignore_covers_build_output():
    readme = (EXTENSION / "README.md").read_text(encoding="utf-8")
    for name in manifest()["contributes"]["configuration"]["properties"]:
        assert f"| `{name}` |" in readme, name
    assert "npm ci && npm run compile" in readme
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "editors/vscode/node_modules/" in ignored and "editors/vscode/out/" in ignored


# --- with npm: build from a clean copy, then run the compiled launch code ------------------

needs_npm = pytest.mark.skipif(NPM is None, reason="npm is not on PATH (needed to build the VS Code extension)")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """editors/vscode copied without node_modules/out, then `npm ci` and `npm run compile`."""
    target = tmp_path_factory.mktemp("vscode") / "vscode"
    shutil.copytree(EXTENSION, target, ignore=shutil.ignore_patterns("node_modules", "out", "*.vsix"))
    env = {**os.environ, "npm_config_audit": "false", "npm_config_fund": "false", "npm_config_update_notifier": "false"}
    for command in (["ci"], ["run", "compile"]):
        proc = subprocess.run(
            [NPM, *command], cwd=target, env=env, capture_output=True, text=True, timeout=NPM_TIMEOUT
        )
        assert proc.returncode == 0, f"npm {' '.join(command)} failed:\n{proc.stdout}\n{proc.stderr}"
    return target


def node(built: Path, script: str, **env: str):
    """Run ``script`` under Node in the built extension; ``server`` is out/server.js. Returns its JSON output."""
    prelude = 'const server = require("./out/server.js");\n'
    proc = subprocess.run(
        ["node", "-e", prelude + script],
        cwd=built,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@needs_npm
def test_npm_build_produces_main(built):
    data = json.loads((built / "package.json").read_text(encoding="utf-8"))
    assert (built / data["main"]).is_file()
    assert (built / "out" / "extension.js").is_file()
    assert (built / "node_modules" / "vscode-languageclient" / "node.js").is_file()
    compiled = (built / "out" / "extension.js").read_text(encoding="utf-8")
    assert "exports.activate" in compiled and "exports.deactivate" in compiled


@needs_npm
def test_compiled_server_command_and_interpreter_lookup(built, tmp_path):
    venv_python = tmp_path / ".venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    venv_python.write_text("")
    script = textwrap.dedent(
        """
        const ws = process.env.WS;
        console.log(JSON.stringify({
          command: server.serverCommand("/py", ["--log-level", "debug", 3]),
          venv: server.resolveInterpreter("", ws, "linux"),
          noVenv: server.resolveInterpreter("", ws + "/missing", "linux"),
          windows: server.resolveInterpreter("", ws, "win32", () => false),
          setting: server.resolveInterpreter("${workspaceFolder}/env/bin/python", ws, "linux"),
          relative: server.resolveInterpreter("env/bin/python", ws, "linux"),
          bare: server.resolveInterpreter(" python3.12 ", ws, "linux"),
        }));
        """
    )
    out = node(built, script, WS=str(tmp_path))
    assert out["command"] == {"command": "/py", "args": ["-m", "convexlint", "server", "--log-level", "debug"]}
    assert out["venv"] == {"interpreter": str(venv_python), "source": "venv"}
    assert out["noVenv"] == {"interpreter": "python3", "source": "path"}
    assert out["windows"] == {"interpreter": "python", "source": "path"}
    assert out["setting"] == {"interpreter": f"{tmp_path}/env/bin/python", "source": "setting"}
    assert out["relative"] == {"interpreter": f"{tmp_path}/env/bin/python", "source": "setting"}
    assert out["bare"] == {"interpreter": "python3.12", "source": "setting"}


FAKE_PYTHON = """\
#!{python}
# Stands in for a Python interpreter: answers `-m convexlint ...` the way the named case would.
import sys
case = {case!r}
args = sys.argv[1:]
if args[:2] != ["-m", "convexlint"]:
    sys.exit("unexpected arguments: %r" % args)
if case == "missing":
    sys.exit(sys.argv[0] + ": No module named convexlint")
if args[2:] == ["--version"]:
    print("convexlint 9.8.7")
elif args[2:] == ["server", "--help"]:
    if case == "old":
        sys.stderr.write("Usage: convexlint [OPTIONS] COMMAND [ARGS]...\\nError: No such command 'server'.\\n")
        sys.exit(2)
    print("Usage: convexlint server [OPTIONS]")
else:
    sys.exit("unexpected arguments: %r" % args)
"""


@needs_npm
@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in interpreters are #! scripts")
def test_compiled_probe_explains_what_to_install(built, tmp_path):
    fakes = {}
    for case in ("missing", "old", "ready"):
        fake = tmp_path / f"python-{case}"
        fake.write_text(FAKE_PYTHON.format(python=sys.executable, case=case))
        fake.chmod(0o755)
        fakes[case] = str(fake)
    script = textwrap.dedent(
        """
        const fakes = JSON.parse(process.env.FAKES);
        (async () => {
          const results = {};
          for (const [name, interpreter] of Object.entries(fakes)) {
            results[name] = await server.probeConvexlint(interpreter, undefined);
          }
          console.log(JSON.stringify(results));
        })();
        """
    )
    fakes["absent"] = str(tmp_path / "no-such-python")
    out = node(built, script, FAKES=json.dumps(fakes))
    assert out["ready"] == {"version": "convexlint 9.8.7", "problem": None}
    assert out["absent"]["version"] is None
    assert f'"{fakes["absent"]}" was not found' in out["absent"]["problem"]
    assert "pip install convexlint" in out["absent"]["problem"]
    assert out["missing"]["version"] is None
    assert "No module named convexlint" in out["missing"]["problem"]
    assert f'"{fakes["missing"]}" -m pip install convexlint' in out["missing"]["problem"]
    assert out["old"]["version"] == "convexlint 9.8.7"
    assert "No such command 'server'" in out["old"]["problem"]
    assert "pip install --upgrade convexlint" in out["old"]["problem"]


@needs_npm
def test_compiled_probe_reads_this_convexlint_version(built):
    """The real interpreter running these tests has convexlint: `--version` is read from it."""
    from convexlint import __version__

    script = "server.probeConvexlint(process.env.PY, undefined).then((r) => console.log(JSON.stringify(r)));"
    out = node(built, script, PY=sys.executable)
    assert out["version"] == f"convexlint {__version__}"
