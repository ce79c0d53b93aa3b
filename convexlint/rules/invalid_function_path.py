"""invalid-function-path: a file or folder name Convex cannot turn into a function path.

Source: BE - the backend's ``check_valid_path_component`` accepts only ASCII letters,
digits, ``_`` and ``.``, at most 64 characters. Path components under the functions directory may contain only letters,
digits, ``_`` and ``.``, and be at most 64 characters; a hyphen (``my-file.ts``) fails the
deploy. Only files Convex bundles as modules count: not ``foo.test.ts``,
``auth.config.ts``, dot-files or ``schema.ts`` (see ``model.extract.files.is_entry_point``).
"""

from __future__ import annotations

import re

from convexlint.diagnostics import Span
from convexlint.model.project import Project
from convexlint.rules.base import ProjectContext, Rule

_VALID = re.compile(r"^[A-Za-z0-9_.]+$")
MAX_LENGTH = 64


class InvalidFunctionPath(Rule):
    id = "invalid-function-path"

    def check_project(self, project: Project, ctx: ProjectContext) -> None:
        for facts in project.files_to_check():
            if facts.module is None or facts.functions_dir is None or not facts.entry_point:
                continue  # only modules Convex bundles get function paths
            for part in facts.module.split("/"):
                problem: tuple[str, dict] | None = None
                if not _VALID.match(part):
                    problem = ("invalid_characters", {})
                elif len(part) > MAX_LENGTH:
                    problem = ("too_long", {"max": MAX_LENGTH})
                if problem is not None:
                    message_id, data = problem
                    ctx.report(self, facts.path, Span(0, 0, 1, 1, 1, 1), message_id, part=part, module=facts.module, **data)
                    break
