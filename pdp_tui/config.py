"""Settings read from the environment and an optional TOML file.

Precedence: explicit arguments (CLI flags) > environment (PDP_*) > TOML file > defaults.
The TOML file is ``$PDP_CONFIG`` or ``<user config dir>/pdp-tui/config.toml``.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
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
        """The users' time zone (``load_settings`` refuses a name unknown here)."""
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
        # Only a Settings built by hand gets here: load_settings refuses the name.
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


# What an operator reads when a setting cannot be used: one Italian line naming the file or
# variable and the setting, written after "pdp-tui: " (so in lower case).
MESSAGES = {
    "missing": "il file di configurazione {path} indicato da PDP_CONFIG non esiste: "
    "correggi PDP_CONFIG o crea il file.",
    "directory": "il file di configurazione {path} è una cartella: indica un file TOML.",
    "unreadable": "il file di configurazione {path} non si può leggere: {error}.",
    "not_utf8": "il file di configurazione {path} non è testo UTF-8 (byte {position}): "
    "salvalo con codifica UTF-8.",
    "not_toml": "il file di configurazione {path} non è TOML valido{where}: "
    'controlla il segno = e le virgolette (es. timezone = "Europe/Rome").',
    "toml_where": " (riga {line}, colonna {column})",
    "unknown": "impostazioni sconosciute{source}: {names}.",
    "bad_value": "impostazione {name}{source}: valore non valido {value!r} ({expected}).",
    "out_of_range": "impostazione {name}{source}: {value!r} fuori dall'intervallo ammesso "
    "({allowed}).",
    "bad_pattern": "impostazione contract_number_pattern{source}: espressione regolare non "
    "valida{where}.",
    "pattern_where": " (errore al carattere {position})",
    "bad_timezone": "impostazione timezone{source}: fuso orario sconosciuto {value!r} "
    "(es. Europe/Rome).",
    "source_file": " (file {path})",
    "source_env": " ({var})",
    "source_flag": "",
    "expected_number": "serve un numero",
    "expected_integer": "serve un numero intero",
    "expected_bool": "serve true o false",
    "expected_text": "serve un testo tra virgolette",
}

# Allowed ranges (inclusive), with how to say them.
_RANGES: dict[str, tuple[float, float, str]] = {
    "idle_lock_minutes": (0, 1440, "da 0 a 1440 minuti; 0 = mai"),
    "lockout_minutes": (1, 1440, "da 1 a 1440 minuti"),
    "max_failed_logins": (1, 100, "da 1 a 100"),
}


class ConfigError(ValueError):
    """A setting has a value that cannot be used. ``str(exc)`` is one Italian line."""


def _source(name: str, sources: dict[str, str]) -> str:
    kind, _, where = sources.get(name, "flag:").partition(":")
    if kind == "file":
        return MESSAGES["source_file"].format(path=where)
    if kind == "env":
        return MESSAGES["source_env"].format(var=where)
    return MESSAGES["source_flag"]


def _coerce(name: str, kind: type, raw: object, source: str) -> object:
    expected = {bool: "expected_bool", int: "expected_integer", float: "expected_number"}.get(
        kind, "expected_text"
    )
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str):
                if raw.strip().lower() in {"1", "true", "yes", "on", "sì", "si"}:
                    return True
                if raw.strip().lower() in {"0", "false", "no", "off"}:
                    return False
            raise ValueError(raw)
        if kind in (int, float) and isinstance(raw, bool):
            raise ValueError(raw)
        if kind is int and isinstance(raw, float) and not raw.is_integer():
            raise ValueError(raw)
        if kind is str and not isinstance(raw, str):
            raise ValueError(raw)
        value = kind(raw.strip() if isinstance(raw, str) and kind is not str else raw)
        if kind is float and not math.isfinite(value):
            raise ValueError(raw)
        return value
    except (TypeError, ValueError, OverflowError) as exc:
        raise ConfigError(
            MESSAGES["bad_value"].format(
                name=name, source=source, value=raw, expected=MESSAGES[expected]
            )
        ) from exc


def _check(settings: Settings, sources: dict[str, str]) -> None:
    """Range-check the values: a setting that would break a timer, a date or Genera is
    refused here, at start, naming it."""
    for name, (low, high, allowed) in _RANGES.items():
        value = getattr(settings, name)
        if not low <= value <= high:
            raise ConfigError(
                MESSAGES["out_of_range"].format(
                    name=name, source=_source(name, sources), value=value, allowed=allowed
                )
            )
    try:
        re.compile(settings.contract_number_pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        position = getattr(exc, "pos", None)
        where = "" if position is None else MESSAGES["pattern_where"].format(position=position + 1)
        raise ConfigError(
            MESSAGES["bad_pattern"].format(
                source=_source("contract_number_pattern", sources), where=where
            )
        ) from exc
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ConfigError(
            MESSAGES["bad_timezone"].format(
                source=_source("timezone", sources), value=settings.timezone
            )
        ) from exc


def config_file_path(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("PDP_CONFIG") or Path(user_config_dir(APP_NAME)) / "config.toml")


def read_config_file(path: Path, *, required: bool) -> dict[str, object]:
    """The settings in the TOML file at ``path`` ({} if it is missing and not ``required``)."""
    if path.is_dir():
        raise ConfigError(MESSAGES["directory"].format(path=path))
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        if not required:
            return {}
        raise ConfigError(MESSAGES["missing"].format(path=path)) from exc
    except OSError as exc:
        raise ConfigError(
            MESSAGES["unreadable"].format(path=path, error=os_error_text(exc))
        ) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(MESSAGES["not_utf8"].format(path=path, position=exc.start)) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+), column (\d+)", str(exc))
        where = MESSAGES["toml_where"].format(line=found[1], column=found[2]) if found else ""
        raise ConfigError(MESSAGES["not_toml"].format(path=path, where=where)) from exc


# errno -> Italian, for the system errors an operator can meet (files, folders, processes).
_OS_ERRORS = {
    "EACCES": "permesso negato",
    "EPERM": "operazione non permessa",
    "ENOENT": "il file o la cartella non esiste",
    "ENOTDIR": "una parte del percorso non è una cartella",
    "EISDIR": "è una cartella",
    "EROFS": "file system in sola lettura",
    "ENOSPC": "disco pieno",
    "EEXIST": "esiste già un file con quel nome",
    "ELOOP": "troppi collegamenti simbolici",
    "ENAMETOOLONG": "nome troppo lungo",
    "EIO": "errore di lettura o scrittura sul disco",
    "EAGAIN": "risorse del sistema esaurite per ora",
    "ENOMEM": "memoria esaurita",
    "EMFILE": "troppi file aperti dal processo",
    "ENFILE": "troppi file aperti nel sistema",
}


def os_error_text(exc: OSError) -> str:
    """What went wrong with a file, in Italian (the errno's name if it is not listed)."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return _OS_ERRORS.get(name, name or "errore di sistema")


def load_settings(env: dict[str, str] | None = None, **overrides: object) -> Settings:
    env = dict(os.environ) if env is None else env
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    path = config_file_path(env)
    for name, value in read_config_file(path, required=bool(env.get("PDP_CONFIG"))).items():
        values[name] = value
        sources[name] = f"file:{path}"
    for name, var in _ENV.items():
        if env.get(var):
            values[name] = env[var]
            sources[name] = f"env:{var}"
    for name, value in overrides.items():
        if value is not None:
            values[name] = value
            sources[name] = "flag:"
    types = {f.name: type(f.default) for f in fields(Settings)}
    unknown = set(values) - set(types)
    if unknown:
        files = sorted({sources[n] for n in unknown})
        source = MESSAGES["source_file"].format(path=path) if files == [f"file:{path}"] else ""
        raise ConfigError(
            MESSAGES["unknown"].format(source=source, names=", ".join(sorted(unknown)))
        )
    settings = Settings(
        **{k: _coerce(k, types[k], v, _source(k, sources)) for k, v in values.items()}
    )
    _check(settings, sources)
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
