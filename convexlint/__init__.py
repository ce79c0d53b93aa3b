"""convexlint: a fast static linter for Convex projects.

The package is organised the way STYLE.md describes: ``discovery`` finds the files,
``parsing`` turns them into tree-sitter trees, ``model`` builds the Convex project model
that rules ask questions of, ``rules`` holds one module per rule (its record lives in the
top-level ``rules/<id>.yaml``), ``engine`` runs everything with one walk per file, and
``reporters`` render diagnostics as text, JSON, SARIF or GitHub annotations.
"""

__version__ = "0.2.0"

#: Where each rule's documentation lives; ``<id>`` is replaced by the rule id.
DOCS_URL = "https://github.com/convexlint/convexlint/blob/main/rules/{id}.yaml"
#: The project's home page, used as SARIF ``tool.driver.informationUri``.
HOME_URL = "https://github.com/convexlint/convexlint"
