"""The composite GitHub Action (``action.yml``): its structure, and its shell steps run
locally with bash against a copy of the bundled example, as GitHub would run them
(``bash --noprofile --norc -eo pipefail``), with ``python`` on PATH being a shim that
records ``pip install`` calls and runs this interpreter for everything else."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*(inputs\.[\w-]+|github\.action_path)\s*\}\}")

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the action's steps are bash scripts")


def _step(name: str) -> dict:
    [step] = [s for s in STEPS if s.get("name") == name]
    return step


def test_structure():
    assert ACTION["runs"]["using"] == "composite"
    inputs = ACTION["inputs"]
    assert {"paths", "args", "version", "python-version", "upload-sarif"} <= set(inputs)
    assert inputs["paths"]["default"] == "." and inputs["upload-sarif"]["default"] == "true"
    assert inputs["version"]["default"] == "" and inputs["args"]["default"] == ""
    assert all(i.get("description") for i in inputs.values())
    uses = [s["uses"].split("@")[0] for s in STEPS if "uses" in s]
    assert uses == ["actions/setup-python", "github/codeql-action/upload-sarif"]
    assert _step("Set up Python")["with"]["python-version"] == "${{ inputs.python-version }}"
    upload = _step("Upload SARIF to code scanning")
    assert "always()" in upload["if"] and "inputs.upload-sarif == 'true'" in upload["if"]
    assert upload["with"]["sarif_file"] == "${{ steps.lint.outputs.sarif-file }}"
    for step in STEPS:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], f"{step['name']}: inputs reach the script through env only"


def _env_value(value: str, inputs: dict[str, str]) -> str:
    def sub(m: re.Match) -> str:
        what = m.group(1)
        return str(REPO) if what == "github.action_path" else inputs[what.removeprefix("inputs.")]

    return EXPRESSION.sub(sub, value)


@pytest.fixture
def shim(tmp_path):
    """A ``bin/`` whose ``python`` logs ``-m pip`` calls to ``pip.log`` and runs this
    interpreter (which has convexlint installed) for anything else."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "pip.log"
    python = bin_dir / "python"
    python.write_text(
        f'#!/usr/bin/env bash\nif [ "$1" = -m ] && [ "$2" = pip ]; then printf "%s\\n" "$*" >> {str(log)!r}; exit 0; fi\n'
        f'exec {sys.executable!r} "$@"\n'
    )
    python.chmod(0o755)
    return bin_dir, log


def _run_step(name: str, cwd: Path, shim, given: dict[str, str] | None = None, env: dict[str, str] | None = None):
    """Run one ``run:`` step; returns (process, outputs written to GITHUB_OUTPUT)."""
    bin_dir, _ = shim
    step = _step(name)
    inputs = {k: v.get("default", "") for k, v in ACTION["inputs"].items()} | (given or {})
    output = cwd.parent / f"github_output_{abs(hash(name))}"
    output.write_text("")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("CONVEXLINT_", "GITHUB_"))}
    full_env |= {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GITHUB_OUTPUT": str(output)}
    full_env |= {k: _env_value(v, inputs) for k, v in step.get("env", {}).items()} | (env or {})
    script = cwd.parent / "step.sh"
    script.write_text(step["run"])
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return proc, outputs


@pytest.fixture
def example(tmp_path):
    root = tmp_path / "work" / "chat-app"
    shutil.copytree(REPO / "examples" / "chat-app", root)
    return root


def test_install_step_installs_this_checkout_by_default_or_a_released_version(example, shim):
    _, log = shim
    proc, _ = _run_step("Install convexlint", example, shim)
    assert proc.returncode == 0, proc.stderr
    assert log.read_text().splitlines()[-1].endswith(f"install --disable-pip-version-check {REPO}")
    proc, _ = _run_step("Install convexlint", example, shim, {"version": "v0.2.0"})
    assert proc.returncode == 0, proc.stderr
    assert log.read_text().splitlines()[-1].endswith("install --disable-pip-version-check convexlint==0.2.0")
    proc, _ = _run_step("Install convexlint", example, shim, env={"CONVEXLINT_SKIP_INSTALL": "1"})
    assert proc.returncode == 0 and "convexlint 0." in proc.stdout
    assert len(log.read_text().splitlines()) == 2  # skipped: no third pip call


def test_lint_step_writes_sarif_annotates_and_fails_on_the_examples_errors(example, shim):
    proc, outputs = _run_step("Run convexlint", example, shim)
    assert proc.returncode == 1, proc.stderr  # the example has an http-action-cors error
    assert outputs == {"sarif-file": "convexlint.sarif", "exit-code": "1"}
    sarif = json.loads((example / "convexlint.sarif").read_text(encoding="utf-8"))
    rules = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert "http-action-cors" in rules and len(rules) >= 3
    assert "::error file=convex/http.ts" in proc.stdout and "title=http-action-cors" in proc.stdout


def test_args_and_paths_reach_the_cli(example, shim):
    given = {"args": "--ignore http-action-cors --select 'database, http'", "paths": "convex", "sarif-file": "out/lint results.sarif", "format": "text"}
    proc, outputs = _run_step("Run convexlint", example, shim, given)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # the only error is ignored
    assert outputs == {"sarif-file": "out/lint results.sarif", "exit-code": "0"}
    sarif = json.loads((example / "out" / "lint results.sarif").read_text(encoding="utf-8"))
    rules = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert rules and "http-action-cors" not in rules
    assert rules <= {"no-filter-in-query", "http-options-preflight"}  # database and http only
    assert "::" not in proc.stdout and "problem" in proc.stdout  # the text report


def test_bad_inputs_fail_with_exit_2(example, shim):
    proc, outputs = _run_step("Run convexlint", example, shim, {"args": "--no-such-option"})
    assert proc.returncode == 2 and outputs == {"exit-code": "2"}  # no SARIF to upload
    proc, _ = _run_step("Run convexlint", example, shim, {"args": "--select 'unclosed"})
    assert proc.returncode == 2 and "input args" in proc.stderr
    proc, _ = _run_step("Run convexlint", example, shim, {"format": "sarif"})
    assert proc.returncode == 2 and "input format" in proc.stdout


def test_inputs_are_not_code(example, shim):
    """An input holding shell syntax is passed as words, never run."""
    proc, _ = _run_step("Run convexlint", example, shim, {"paths": "convex; touch pwned $(touch pwned2)"})
    assert proc.returncode == 2  # "convex;" and the rest are no such paths
    assert not (example / "pwned").exists() and not (example / "pwned2").exists()


def test_readme_documents_the_action_at_this_version():
    import convexlint

    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## GitHub code scanning") : text.index("## pre-commit")]
    assert re.findall(r"uses: convexlint/convexlint@(\S+)", section) == [f"v{convexlint.__version__}"]
    documented = set(re.findall(r"^\s+#?\s*([\w-]+):", section[section.index("with:") :], re.M)) & set(ACTION["inputs"])
    assert documented == set(ACTION["inputs"]) - {"sarif-file"}
