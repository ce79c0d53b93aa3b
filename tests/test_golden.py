"""Golden output for the bundled example in every format.

The files under ``fixtures/golden/`` were reviewed by hand. To regenerate after an
intended change, run ``CONVEXLINT_UPDATE_GOLDEN=1 pytest tests/test_golden.py`` and review
the diff before committing.
"""

from __future__ import annotations

import os
import re

import pytest

from conftest import FIXTURES, REPO, run_cli

GOLDEN = FIXTURES / "golden"
CASES = {"text": "chat-app.txt", "concise": "chat-app.concise", "json": "chat-app.json", "sarif": "chat-app.sarif", "github": "chat-app.github"}


def normalise(fmt: str, output: str) -> str:
    if fmt in ("text", "concise"):
        output = re.sub(r"\(\d+\.\d+s\)", "(<time>)", output)
    if fmt == "sarif":
        output = output.replace(REPO.as_uri() + "/", "file:///<repo>/")
    return output


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_golden(fmt):
    r = run_cli("check", "examples/chat-app", "--format", fmt, "--no-color", cwd=REPO)
    assert r.returncode == 1, r.stderr
    actual = normalise(fmt, r.stdout)
    path = GOLDEN / CASES[fmt]
    if os.environ.get("CONVEXLINT_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")
