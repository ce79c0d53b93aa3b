"""The published JSON Schema of the configuration (``convexlint.schema.json``)."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from convexlint.config import published_schema

from conftest import REPO


def test_the_published_schema_is_up_to_date():
    on_disk = json.loads((REPO / "convexlint.schema.json").read_text(encoding="utf-8"))
    assert on_disk == published_schema(), "regenerate: python -m convexlint.config > convexlint.schema.json"
    jsonschema.Draft7Validator.check_schema(on_disk)


@pytest.mark.parametrize(
    "text",
    [
        "rules:\n  no-filter-in-query: warn\n  require-returns-validator: 2\n  no-collect-in-query: off\n",
        "extend: ../convexlint.yaml\npreview: true\nselect: [schema, no-filter-in-query]\n",
        "overrides:\n  - files: ['convex/legacy/**']\n    rules: {index-name-convention: {severity: 1, options: {style: and}}}\n",
    ],
)
def test_what_the_loader_accepts_the_schema_accepts(text, tmp_path):
    from convexlint.config import load_config_file

    (tmp_path / "convexlint.yaml").write_text(text)
    (tmp_path.parent / "convexlint.yaml").write_text("{}\n")
    load_config_file(tmp_path / "convexlint.yaml")  # the loader takes it
    jsonschema.validate(yaml.safe_load(text), published_schema())


@pytest.mark.parametrize(
    "text",
    ["rules:\n  no-filter-in-query: warnings\n", "rules:\n  no-such-rule: off\n", "colour: true\n", "max_file_size: 0\n"],
)
def test_what_the_loader_refuses_the_schema_refuses(text, tmp_path):
    from convexlint.config import ConfigError, Settings, load_config_file
    from convexlint.records import load_records

    (tmp_path / "convexlint.yaml").write_text(text)
    with pytest.raises(ConfigError):
        Settings(load_records(), load_config_file(tmp_path / "convexlint.yaml"), cwd=tmp_path)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.safe_load(text), published_schema())
