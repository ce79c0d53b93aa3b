"""The real ``pre-commit try-repo`` against this checkout on a small Convex project:
the hook fails on a violation (also in a ``.mts`` file) and passes once it is fixed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, write_files

BAD = 'import { query } from "./_generated/server";\nexport const f = query({ args: {}, handler: async () => 1 });\n'
GOOD = BAD.replace("args: {},", "args: {}, returns: v.number(),").replace(
    'import { query }', 'import { v } from "convex/values";\nimport { query }'
)


def _pre_commit() -> list[str]:
    exe = Path(sys.executable).with_name("pre-commit")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "pre_commit"]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


def _try_repo(project: Path, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    return subprocess.run(
        [*_pre_commit(), "try-repo", str(REPO), "convexlint", "--all-files", "--color", "never"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed by pre-commit")
def test_pre_commit_hook_fails_then_passes(tmp_path, pre_commit_home):
    project = tmp_path / "app"
    write_files(project, {"convex/fns.ts": GOOD, "convex/more.mts": BAD, "README.md": "# app\n", ".convexlint.yaml": "rules:\n  require-returns-validator: error  # info by default\n"})
    _git(project, "init", "-q")
    _git(project, "config", "user.email", "t@example.invalid")
    _git(project, "config", "user.name", "t")
    _git(project, "add", "-A")
    failing = _try_repo(project, pre_commit_home)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "convex/more.mts:2:18: error[require-returns-validator]" in failing.stdout

    write_files(project, {"convex/more.mts": GOOD})
    _git(project, "add", "-A")
    passing = _try_repo(project, pre_commit_home)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout


def test_readme_pre_commit_snippet_pins_this_version():
    """The README's pre-commit snippet names the tag of the version being released."""
    import re

    import convexlint

    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## pre-commit") :]
    snippet = section[section.index("```yaml") : section.index("```", section.index("```yaml") + 3)]
    assert "repo: https://github.com/convexlint/convexlint" in snippet
    assert re.findall(r"^\s*rev:\s*(\S+)\s*$", snippet, re.M) == [f"v{convexlint.__version__}"]
