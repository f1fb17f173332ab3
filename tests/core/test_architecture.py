"""The floors written down in docs/architecture.md are the ones lint-imports enforces."""

from __future__ import annotations

import ast
import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def contract_edges() -> set[tuple[str, str]]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    lines = config["importlinter:contract:floors"]["ignore_imports"].split("\n")
    found = (re.fullmatch(r"fieldops\.(\w+)\.\*\* -> fieldops\.(\w+)", x.strip()) for x in lines)
    return {(m[1], m[2]) for m in found if m}


def documented_edges() -> set[tuple[str, str]]:
    text = (ROOT / "docs" / "architecture.md").read_text()
    table = text.split("### Front doors and the allowed edges")[1].split("\n\n")[2]
    edges = set()
    for row in table.splitlines()[2:]:
        feature, allowed = (cell.strip() for cell in row.strip("|").split("|")[:2])
        edges |= {(feature, other.strip()) for other in allowed.split(",") if other.strip("— ")}
    return edges


def test_the_allowed_feature_imports_are_the_documented_ones():
    assert contract_edges() == documented_edges()
    assert len(contract_edges()) == 68


def test_every_feature_package_is_on_the_features_floor():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layers = config["importlinter:contract:floors"]["layers"].split("\n")
    features = {name.strip() for name in next(x for x in layers if "audit" in x).split("|")}
    packages = {p.parent.name for p in (ROOT / "fieldops").glob("*/__init__.py")}
    assert packages - {"core", "pages", "demo"} == features


def test_no_front_door_name_hides_a_module_of_its_package():
    # `from fieldops.hours import recompute` must mean one thing: a name the front door
    # exports that is also a module's name would replace the module on the package.
    clashes = [
        f"{init.parent.name}.{alias.name}"
        for init in (ROOT / "fieldops").glob("*/__init__.py")
        for node in ast.parse(init.read_text()).body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if (init.parent / f"{alias.asname or alias.name}.py").exists()
    ]
    assert clashes == []
