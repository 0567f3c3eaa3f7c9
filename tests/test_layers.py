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


# The issuer's rooms, bottom floor first: a sub-package imports only rooms on lower floors
# (never a room above it, never the composition root). Floors on one line do not import
# each other.
ISSUER_FLOORS: tuple[tuple[str, ...], ...] = (
    ("platform",),                             # settings, database, records, clock, errors,
                                               # key vault, URL shapes
    ("providers",),                            # tenants, signing keys, issuer ids
    ("frameworks",),                           # skills frameworks
    ("microbadges",),                          # achievements and images
    ("awards",),                               # issuing, status lists, revocation, sharing
    ("pathways", "figures", "publication"),    # react to awards, count them, publish
    ("web",),                                  # request context, problem details, limits
    ("auth",),                                 # OAuth clients, tokens, scopes
    ("api", "pages"),                          # the provider API and VC-API; the HTML pages
)
# What each room may import, stated (a change to the map is a change of design).
ISSUER_ALLOWED: dict[str, set[str]] = {
    "platform": set(),
    "providers": {"platform"},
    "frameworks": {"platform", "providers"},
    "microbadges": {"platform", "providers", "frameworks"},
    "awards": {"platform", "providers", "frameworks", "microbadges"},
    "pathways": {"platform", "providers", "frameworks", "microbadges", "awards"},
    "figures": {"platform", "providers", "frameworks", "microbadges", "awards"},
    "publication": {"platform", "providers", "awards"},
    "web": {"platform", "providers", "awards", "publication"},
    "auth": {"platform", "providers", "web"},
    "api": {"platform", "providers", "frameworks", "microbadges", "awards", "pathways",
            "figures", "web", "auth"},
    "pages": {"platform", "providers", "frameworks", "microbadges", "awards", "publication",
              "web"},
    # Alembic's environment loads every room's records.
    "migrations": {"platform", "providers", "frameworks", "microbadges", "awards", "pathways",
                   "figures", "auth"},
}
# Modules directly in issuer/: the composition root, the server and the operator's services
# for the CLI. Nothing in the rooms imports them; only the root imports the demo seed.
ISSUER_ROOT_MODULES = {"__init__", "app", "server", "admin", "seed"}


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


def _issuer_imports(path: Path) -> set[str]:
    """The issuer rooms or root modules that `path` imports (`issuer.<name>…`), anywhere in
    the module (imports inside functions count)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
        found.update(module.split(".")[1] for module in modules
                     if module.startswith("issuer.") and module.count(".") >= 1)
    return found


def _issuer_modules() -> list[Path]:
    return sorted((REPO / "issuer").rglob("*.py"))


@pytest.mark.parametrize("path", _issuer_modules(),
                         ids=[str(path.relative_to(REPO)) for path in _issuer_modules()])
def test_issuer_rooms_import_only_what_the_map_allows(path: Path) -> None:
    parts = path.relative_to(REPO / "issuer").parts
    imported = _issuer_imports(path)
    if len(parts) == 1:  # a root module
        assert parts[0].removesuffix(".py") in ISSUER_ROOT_MODULES, (
            f"{path.name} directly in issuer/: put it in a room")
        if parts[0] != "app.py":
            assert not imported & {"app", "seed"}, f"{path.name} imports {imported}"
        return
    room = parts[0]
    assert room in ISSUER_ALLOWED, f"issuer/{room}/ is not in the map"
    assert imported - {room} <= ISSUER_ALLOWED[room], (
        f"{path.relative_to(REPO)} imports {sorted(imported - {room} - ISSUER_ALLOWED[room])}")


def test_the_issuer_map_points_down_the_floors() -> None:
    floor = {room: level for level, rooms in enumerate(ISSUER_FLOORS) for room in rooms}
    assert set(floor) == set(ISSUER_ALLOWED) - {"migrations"}
    for room, allowed in ISSUER_ALLOWED.items():
        if room != "migrations":
            assert all(floor[other] < floor[room] for other in allowed), room
    rooms = {path.name for path in (REPO / "issuer").iterdir()
             if path.is_dir() and (path / "__init__.py").exists()}
    assert rooms == set(floor), "every room of issuer/ is on a floor"
