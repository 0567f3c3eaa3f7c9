"""Settings read from the environment: defaults that depend on where the service runs, and
nothing secret in their representation."""

from __future__ import annotations

from pathlib import Path

import pytest

from issuer.platform.settings import SettingsError, load_settings


@pytest.mark.parametrize(("base_url", "demo"), [
    ("http://127.0.0.1:8000", True), ("https://localhost:8443", True),
    ("https://badges.example.org", False)])
def test_the_demo_is_on_by_default_only_on_a_loopback_origin(tmp_path: Path, base_url: str,
                                                             demo: bool) -> None:
    # The demo clients' secrets are printed at start-up: never by default on a public host.
    settings = load_settings({"MICROBADGES_BASE_URL": base_url},
                             default_instance_path=tmp_path)
    assert settings.demo is demo


def test_an_explicit_database_turns_the_demo_off_unless_asked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/other.sqlite3"
    assert not load_settings({"MICROBADGES_DATABASE_URL": url},
                             default_instance_path=tmp_path).demo
    assert load_settings({"MICROBADGES_DATABASE_URL": url, "MICROBADGES_DEMO": "true"},
                         default_instance_path=tmp_path).demo


def test_the_database_url_is_not_in_the_representation(tmp_path: Path) -> None:
    settings = load_settings(
        {"MICROBADGES_DATABASE_URL": "postgresql+psycopg://app:hunter2@db.example/badges"},
        default_instance_path=tmp_path)
    assert "hunter2" not in repr(settings)


@pytest.mark.parametrize(("environ", "name"), [
    ({"MICROBADGES_BASE_URL": "https://badges.example.org"},
     "microbadges issuers at badges.example.org"),
    ({"MICROBADGES_BASE_URL": "http://127.0.0.1:8000", "MICROBADGES_REGISTRY_NAME": " "},
     "microbadges issuers at 127.0.0.1:8000"),
    ({"MICROBADGES_REGISTRY_NAME": "  ASA known issuers\n(automotive) "},
     "ASA known issuers (automotive)"),
])
def test_the_registry_name_is_set_or_named_after_the_origin(
        tmp_path: Path, environ: dict[str, str], name: str) -> None:
    settings = load_settings(environ, default_instance_path=tmp_path)
    assert settings.published_registry_name == name


def test_a_registry_name_longer_than_200_characters_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="MICROBADGES_REGISTRY_NAME must be at most 200"):
        load_settings({"MICROBADGES_REGISTRY_NAME": "x" * 201},
                      default_instance_path=tmp_path)
