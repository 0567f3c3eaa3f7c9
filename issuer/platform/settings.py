"""The issuer service's settings: read once from `MICROBADGES_*` variables and validated.

Every problem is reported at start-up with the variable's name; unknown `MICROBADGES_*`
names are refused too, so that a typo never silently falls back to a default. Settings name
where secrets live (a file), never the secret bytes themselves.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from limits import parse_many
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from keys.errors import BadgeError

__all__ = [
    "PREFIX",
    "Settings",
    "SettingsError",
    "default_registry_name",
    "is_loopback_origin",
    "load_settings",
    "parse_origin",
    "read_secret",
]

PREFIX: Final = "MICROBADGES_"
DEFAULT_BASE_URL: Final = "http://127.0.0.1:8000"
_SECRET_BYTES: Final = 32
_LOOPBACK_NAMES: Final = frozenset({"localhost"})
_REGISTRY_NAME_LENGTH: Final = 200

_VARIABLES: Final = {
    "BASE_URL": "public origin used in every identifier, e.g. https://badges.example.org",
    "DATABASE_URL": "SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db "
                    "(default: SQLite in the instance folder)",
    "INSTANCE_PATH": "folder for the embedded database and the secret file",
    "SECRET_FILE": "file holding the secret that encrypts signing keys "
                   "(created with 0600 permissions when missing)",
    "DEMO": "seed a demo training provider (default: on with the embedded database)",
    "MAX_BODY_BYTES": "largest request body accepted (default 1048576)",
    "TOKEN_LIFETIME": "lifetime of OAuth access tokens in seconds (default 3600)",
    "STATUS_LIST_VALIDITY": "how long a signed status list credential is valid, in seconds "
                            "(default 86400); re-signed when half of it has passed",
    "STATUS_LIST_MAX_AGE": "Cache-Control max-age of published status lists in seconds "
                           "(default 300): how soon a revocation reaches verifiers",
    "WORKFORCE_SIZE": "size of the workforce the upskilling target is a share of "
                      "(default 0: figures report no target)",
    "ANNUAL_TARGET_PERCENT": "share of the workforce to upskill each year, in percent "
                             "(default 5)",
    "RATE_LIMIT_VERIFY": "verifications on the /verify page per client address "
                         "(default 30/minute; 0: no limit)",
    "RATE_LIMIT_TOKEN": "OAuth token requests per client address (default 60/minute; "
                        "0: no limit)",
    "RATE_LIMIT_STORAGE": "where rate-limit counters live (default memory://, per process; "
                          "redis://host:6379 shares them between workers and instances)",
    "PROXY_HOPS": "reverse proxies in front of the service whose X-Forwarded-For and "
                  "X-Forwarded-Proto are trusted (default 0)",
    "REGISTRY_NAME": "name of the known-issuer registry published at /registry.json "
                     "(default: microbadges issuers at <host of MICROBADGES_BASE_URL>)",
    "REGISTRIES": "known-issuer registries (https URLs of DCC registry JSON) that verification "
                  "on this service trusts, most authoritative first, separated by spaces; "
                  "this service's own providers are always trusted (default: none)",
}


class SettingsError(BadgeError):
    """The configuration is invalid; the message names the variable and what is wrong."""

    code = "invalid_settings"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Validated service settings (see `load_settings`)."""

    base_url: str
    database_url: str = field(repr=False)  # it may hold a password
    instance_path: Path
    secret_file: Path
    demo: bool
    max_body_bytes: int = 1024 * 1024
    token_lifetime: int = 3600
    status_list_validity: int = 24 * 3600
    status_list_max_age: int = 300
    workforce_size: int = 0
    annual_target_percent: int = 5
    rate_limit_verify: str | None = "30/minute"
    rate_limit_token: str | None = "60/minute"  # noqa: S105 (a rate, not a password)
    rate_limit_storage: str = field(default="memory://", repr=False)  # may hold a password
    proxy_hops: int = 0
    registry_name: str | None = None  # None: default_registry_name(base_url)
    registries: tuple[str, ...] = ()

    @property
    def embedded_database(self) -> bool:
        """True when the database is the default SQLite file in the instance folder."""
        return self.database_url == _default_database_url(self.instance_path)

    @property
    def origin_is_https(self) -> bool:
        """True when identifiers can use did:web (which requires https)."""
        return self.base_url.startswith("https://")

    @property
    def published_registry_name(self) -> str:
        """The name the known-issuer registry gives itself (`meta.name`)."""
        return self.registry_name or default_registry_name(self.base_url)


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    overrides: Mapping[str, str] | None = None,
    default_instance_path: Path | None = None,
) -> Settings:
    """Read `MICROBADGES_*` from `environ` (default: the process environment), then apply
    `overrides` (same names, with or without the prefix).

    Raises:
        SettingsError: a variable is unknown, malformed or out of range.
    """
    values = {name[len(PREFIX):]: value for name, value in
              (os.environ if environ is None else environ).items() if name.startswith(PREFIX)}
    for name, value in (overrides or {}).items():
        values[name.removeprefix(PREFIX)] = value
    unknown = sorted(set(values) - set(_VARIABLES))
    if unknown:
        known = ", ".join(PREFIX + name for name in _VARIABLES)
        raise SettingsError(f"unknown setting {PREFIX}{unknown[0]} (known: {known})")

    instance_path = Path(values.get("INSTANCE_PATH") or default_instance_path
                         or Path.cwd() / "instance").absolute()
    default_db = _default_database_url(instance_path)
    database_url = values.get("DATABASE_URL") or default_db
    base_url = parse_origin(values.get("BASE_URL") or DEFAULT_BASE_URL)
    return Settings(
        base_url=base_url,
        database_url=_database_url(database_url),
        instance_path=instance_path,
        secret_file=Path(values.get("SECRET_FILE") or instance_path / "secret.key").absolute(),
        # The demo provider's clients are printed at start-up: on by default only for the
        # embedded database on a loopback origin (a laptop), never on a public one.
        demo=_flag("DEMO", values.get("DEMO"),
                   default=database_url == default_db and is_loopback_origin(base_url)),
        max_body_bytes=_integer("MAX_BODY_BYTES", values.get("MAX_BODY_BYTES"),
                                default=1024 * 1024, low=1024, high=64 * 1024 * 1024),
        token_lifetime=_integer("TOKEN_LIFETIME", values.get("TOKEN_LIFETIME"),
                                default=3600, low=60, high=7 * 24 * 3600),
        status_list_validity=_integer("STATUS_LIST_VALIDITY",
                                      values.get("STATUS_LIST_VALIDITY"),
                                      default=24 * 3600, low=600, high=30 * 24 * 3600),
        status_list_max_age=_integer("STATUS_LIST_MAX_AGE", values.get("STATUS_LIST_MAX_AGE"),
                                     default=300, low=0, high=3600),
        workforce_size=_integer("WORKFORCE_SIZE", values.get("WORKFORCE_SIZE"),
                                default=0, low=0, high=10**10),
        annual_target_percent=_integer("ANNUAL_TARGET_PERCENT",
                                       values.get("ANNUAL_TARGET_PERCENT"),
                                       default=5, low=1, high=100),
        rate_limit_verify=_rate_limit("RATE_LIMIT_VERIFY", values.get("RATE_LIMIT_VERIFY"),
                                      default="30/minute"),
        rate_limit_token=_rate_limit("RATE_LIMIT_TOKEN", values.get("RATE_LIMIT_TOKEN"),
                                     default="60/minute"),
        rate_limit_storage=_storage(values.get("RATE_LIMIT_STORAGE") or "memory://"),
        proxy_hops=_integer("PROXY_HOPS", values.get("PROXY_HOPS"), default=0, low=0,
                            high=5),
        registry_name=_registry_name(values.get("REGISTRY_NAME")),
        registries=_registries(values.get("REGISTRIES")),
    )


def describe_variables() -> dict[str, str]:
    """Every setting's environment variable and what it is for (README, `--help`)."""
    return {PREFIX + name: text for name, text in _VARIABLES.items()}


def default_registry_name(base_url: str) -> str:
    """The known-issuer registry's name when MICROBADGES_REGISTRY_NAME is not set."""
    return f"microbadges issuers at {urlsplit(base_url).netloc}"


def read_secret(path: Path) -> str:
    """Return the key-encryption secret stored at `path`, creating it (0600, its folder
    0700) when missing.

    Raises:
        SettingsError: the file cannot be read or written, or is not a secret we wrote.
    """
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        text = secrets.token_hex(_SECRET_BYTES)
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: read theirs
            return read_secret(path)
        except OSError as error:
            raise SettingsError(f"{PREFIX}SECRET_FILE: cannot create {path}: "
                                f"{error.strerror}") from None
        with os.fdopen(descriptor, "w", encoding="ascii") as stream:
            stream.write(text + "\n")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not an ASCII secret"
        raise SettingsError(f"{PREFIX}SECRET_FILE: cannot read {path}: {reason}") from None
    if len(text) < 32:
        raise SettingsError(f"{PREFIX}SECRET_FILE: {path} holds fewer than 32 characters")
    return text


def _default_database_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'microbadges.sqlite3'}"


def parse_origin(value: str, *, name: str = PREFIX + "BASE_URL") -> str:
    """The public origin `value` in its normal form (`scheme://host[:port]`, lower-case host).

    Raises:
        SettingsError: not an origin, or plain http on a host that is not loopback; the
            message names the value's source, `name`.
    """
    parts = urlsplit(value.strip())
    try:
        port = parts.port
    except ValueError:
        raise SettingsError(f"{name}: invalid port in {value!r}") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise SettingsError(f"{name} must be an https origin such as "
                            f"https://badges.example.org, got {value!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise SettingsError(f"{name} must be an origin only (scheme, host, port), got {value!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise SettingsError(f"{name} must use https except on a loopback host, got {value!r}")
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def is_loopback_origin(base_url: str) -> bool:
    """True when the origin's host is this machine (localhost, 127.0.0.0/8, ::1)."""
    return _is_loopback(urlsplit(base_url).hostname or "")


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _database_url(value: str) -> str:
    scheme = value.split(":", 1)[0].split("+", 1)[0]
    if scheme not in ("sqlite", "postgresql"):
        raise SettingsError(f"{PREFIX}DATABASE_URL must be a sqlite:/// or "
                            f"postgresql+psycopg:// URL, got scheme {scheme!r}")
    if scheme == "postgresql" and not value.startswith("postgresql+psycopg://"):
        raise SettingsError(f"{PREFIX}DATABASE_URL: use the psycopg 3 driver "
                            "(postgresql+psycopg://…)")
    try:
        parsed = make_url(value)
        _ = parsed.port  # a port that is not a number fails here
    except (ArgumentError, ValueError):
        # The message never repeats the URL: it may hold a password.
        raise SettingsError(f"{PREFIX}DATABASE_URL is not a valid database URL (check the "
                            "host, port and database parts)") from None
    return value


def _flag(name: str, value: str | None, *, default: bool) -> bool:
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{PREFIX}{name} must be true or false, got {value!r}")


def _rate_limit(name: str, value: str | None, *, default: str) -> str | None:
    """A limit such as `30/minute` or `100 per hour; 5/second`; `0` turns it off."""
    if value is None or not value.strip():
        return default
    if value.strip() == "0":
        return None
    try:
        parse_many(value)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name} must be a rate such as 30/minute or "
                            f"'100 per hour', or 0 for none; got {value!r}") from None
    return value.strip()


def _storage(value: str) -> str:
    if not value.startswith(("memory://", "redis://", "rediss://")):
        raise SettingsError(f"{PREFIX}RATE_LIMIT_STORAGE must be memory:// or a redis:// "
                            f"URL; got {value.split('://', 1)[0]!r}")
    return value


def _registry_name(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    name = " ".join(value.split())  # one line: verifiers show it beside an issuer's name
    if len(name) > _REGISTRY_NAME_LENGTH:
        raise SettingsError(f"{PREFIX}REGISTRY_NAME must be at most {_REGISTRY_NAME_LENGTH} "
                            f"characters, got {len(name)}")
    return name


def _registries(value: str | None) -> tuple[str, ...]:
    urls = tuple(dict.fromkeys((value or "").split()))
    for url in urls:
        try:
            parts = urlsplit(url)
        except ValueError:
            parts = None
        if parts is None or parts.scheme != "https" or not parts.hostname:
            raise SettingsError(f"{PREFIX}REGISTRIES holds https URLs separated by spaces; "
                                f"{url[:100]!r} is not one")
    return urls


def _integer(name: str, value: str | None, *, default: int, low: int, high: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name} must be an integer, got {value!r}") from None
    if not low <= number <= high:
        raise SettingsError(f"{PREFIX}{name} must be between {low} and {high}, got {number}")
    return number
