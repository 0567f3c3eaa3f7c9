"""The import graph keeps the layers of STYLE.md: dependencies point one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = ("badges", "keys", "verifier", "issuer", "cli")
ALLOWED = {
    "keys": {"keys"},
    "badges": {"badges", "keys"},
    "verifier": {"verifier", "badges", "keys"},
    # The issuer may use the verifier library (VC-API verify, live status of a badge);
    # the verifier never imports the issuer, so it installs and runs without a database.
    "issuer": {"issuer", "verifier", "badges", "keys"},
    "cli": {"cli", "issuer", "verifier", "badges", "keys"},
}
# Third-party libraries that only one module (or package) may import.
CONFINED = {
    "pyld": {"badges/canonicalization.py"},
    "cachetools": {"badges/canonicalization.py"},
    "authlib": {"issuer/auth/oauth.py"},
    "gunicorn": {"issuer/server.py"},
    "qrcode": {"issuer/pages/badges.py"},
    "joserfc": {"verifier/jwt_credentials.py"},
    "flask_limiter": {"issuer/web/rate_limits.py"},
    "selenium": set(),  # the browser tests only
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules() -> list[tuple[str, Path]]:
    return [(package, path) for package in PACKAGES
            for path in sorted((REPO / package).rglob("*.py"))]


@pytest.mark.parametrize(("package", "path"), _modules(),
                         ids=[str(path.relative_to(REPO)) for _, path in _modules()])
def test_module_imports_only_lower_layers(package: str, path: Path) -> None:
    internal = _imports(path) & {*PACKAGES, "issuer", "tests"}
    assert internal <= ALLOWED[package], f"{path.relative_to(REPO)} imports {internal}"
    for library, owners in CONFINED.items():
        if library in _imports(path):
            assert str(path.relative_to(REPO)) in owners, f"{library} outside {owners}"


def test_the_walk_sees_every_package() -> None:
    assert {package for package, _ in _modules()} == set(PACKAGES)
