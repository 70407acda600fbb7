"""Settings read from the environment and an optional TOML file.

Precedence: explicit arguments (CLI flags) > environment (PDP_*) > TOML file > defaults.
The TOML file is ``$PDP_CONFIG`` or ``<user config dir>/pdp-tui/config.toml``.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "pdp-tui"


def default_database_url() -> str:
    """An embedded SQLite file in the user's data directory."""
    path = Path(user_data_dir(APP_NAME)) / "pdp.sqlite3"
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class Settings:
    # Where the plans live: sqlite:///path or postgresql://user@host:port/db
    database_url: str = ""
    # Minutes without a key press before the session locks.
    idle_lock_minutes: float = 10.0
    # Failed logins in a row that lock an account, and for how long.
    max_failed_logins: int = 5
    lockout_minutes: float = 15.0
    # Time zone in which dates are shown to users (stored in UTC).
    timezone: str = "Europe/Rome"
    # Contract-number pattern (a regular expression on the upper-cased value).
    contract_number_pattern: str = r"[A-Z0-9](?:[A-Z0-9-]{0,18}[A-Z0-9])?"
    # Apply pending migrations when the app starts.
    auto_migrate: bool = True
    # The terms printed on the adhesion form: a UTF-8 text file ("" = the default shipped
    # with the package, pdp_tui/forms/condizioni.txt).
    form_terms_path: str = ""

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or default_database_url()

    @property
    def zone(self) -> dt.tzinfo:
        """The users' time zone (UTC if the name is unknown here)."""
        return _zone(self.timezone)

    def local_midnight_utc(self, day: dt.date) -> dt.datetime:
        """The stored (naive UTC) instant at which ``day`` starts in the users' time zone."""
        start = dt.datetime.combine(day, dt.time(), tzinfo=self.zone)
        return start.astimezone(dt.UTC).replace(tzinfo=None)


@cache
def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


_ENV = {
    "database_url": "PDP_DATABASE_URL",
    "idle_lock_minutes": "PDP_IDLE_LOCK_MINUTES",
    "max_failed_logins": "PDP_MAX_FAILED_LOGINS",
    "lockout_minutes": "PDP_LOCKOUT_MINUTES",
    "timezone": "PDP_TIMEZONE",
    "contract_number_pattern": "PDP_CONTRACT_NUMBER_PATTERN",
    "auto_migrate": "PDP_AUTO_MIGRATE",
    "form_terms_path": "PDP_FORM_TERMS",
}


class ConfigError(ValueError):
    """A setting has a value that cannot be used."""


def _coerce(name: str, kind: type, raw: object) -> object:
    try:
        if kind is bool and isinstance(raw, str):
            if raw.strip().lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.strip().lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        return kind(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid value for {name}: {raw!r}") from exc


def config_file_path(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("PDP_CONFIG") or Path(user_config_dir(APP_NAME)) / "config.toml")


def load_settings(env: dict[str, str] | None = None, **overrides: object) -> Settings:
    env = dict(os.environ) if env is None else env
    values: dict[str, object] = {}
    path = config_file_path(env)
    if path.is_file():
        with path.open("rb") as fh:
            values.update(tomllib.load(fh))
    for name, var in _ENV.items():
        if env.get(var):
            values[name] = env[var]
    values.update({k: v for k, v in overrides.items() if v is not None})
    types = {f.name: type(f.default) for f in fields(Settings)}
    unknown = set(values) - set(types)
    if unknown:
        raise ConfigError(f"unknown settings: {', '.join(sorted(unknown))}")
    settings = Settings(**{k: _coerce(k, types[k], v) for k, v in values.items()})
    if settings.idle_lock_minutes < 0 or settings.lockout_minutes < 0:
        raise ConfigError("minutes cannot be negative")
    return settings


_current: Settings | None = None


def current() -> Settings:
    """The settings in force (loaded from env/TOML on first use)."""
    global _current
    if _current is None:
        _current = load_settings()
    return _current


def use(settings: Settings) -> Settings:
    """Make ``settings`` the ones in force (CLI start-up, tests)."""
    global _current
    _current = settings
    return settings
