"""The app's own PostgreSQL role: only what the app does (``pdp-tui db grant-app ROLE``).

The owner of the tables (who runs ``pdp-tui migrate``) can change anything; the app runs
as another role that may not delete or truncate anything, may only add to the history and
the audit log, and may change of a plan only what a correction, a void or the signed-form
mark changes: never the activation code, the contract number, the store, who registered
it or when. Every run revokes what the role has on the schema's tables and sequences and
grants the list below again, in one transaction: running it twice changes nothing, and
after an upgrade it adds what new tables need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from peewee import Database

from pdp_tui.db import MIGRATIONS_TABLE

# Table -> privileges. "UPDATE (a, b)" is an UPDATE of those columns only.
APP_GRANTS: dict[str, tuple[str, ...]] = {
    "store": ("SELECT", "INSERT", "UPDATE (name, active, print_queue)"),
    "user": (
        "SELECT",
        "INSERT",
        "UPDATE (full_name, role, store_id, password_hash, must_change_password, active, "
        "failed_logins, locked_until, last_login_at, session_epoch)",
    ),
    "covering": ("SELECT", "INSERT", "UPDATE (active)"),
    "protection": ("SELECT", "UPDATE (validity_months)"),
    "plan": (
        "SELECT",
        "INSERT",
        # Corrections (name, covering, protection), voids (status), the signed-form mark.
        "UPDATE (first_name, last_name, name_key, first_last_key, covering_id, protection_id, "
        "status, updated_at, form_signed_at, form_signed_by_id)",
    ),
    "plan_change": ("SELECT", "INSERT"),
    "audit_event": ("SELECT", "INSERT"),
    "audit_chain": ("SELECT", "UPDATE (last_id, last_hash)"),
    # Service requests (0008): the counter is bumped by an upsert; a request's status,
    # outcome and dates change; its steps are insert-only.
    "service_request_counter": ("SELECT", "INSERT", "UPDATE (last)"),
    "service_request": (
        "SELECT",
        "INSERT",
        "UPDATE (status, outcome, updated_at, closed_at)",
    ),
    "service_request_step": ("SELECT", "INSERT"),
    MIGRATIONS_TABLE: ("SELECT",),  # the app checks the schema's version at start
}
# A table this version does not know (a newer migration's): what the app may need, still
# without DELETE or TRUNCATE. The command names such tables.
UNKNOWN_TABLE_GRANTS = ("SELECT", "INSERT", "UPDATE")

ROLE_PATTERN = r"[a-z_][a-z0-9_]{0,62}"


class GrantError(Exception):
    """The role cannot be set up (Italian, for the operator)."""


@dataclass(frozen=True)
class GrantResult:
    role: str
    schema: str
    created: bool
    tables: list[str]
    unknown_tables: list[str]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_app(db: Database, role: str) -> GrantResult:
    """Create ``role`` (LOGIN, no password) if missing and set its grants on the schema."""
    if not re.fullmatch(ROLE_PATTERN, role):
        raise GrantError(
            f"nome del ruolo non valido: {role!r} (lettere minuscole, cifre e _, al massimo 63)."
        )
    with db.connection_context(), db.atomic():
        row = db.execute_sql(
            "SELECT n.nspname, pg_get_userbyid(c.relowner) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass('plan')"
        ).fetchone()
        if row is None:
            raise GrantError("lo schema non c'è ancora: esegui prima «pdp-tui migrate».")
        schema, owner = row
        if role == owner:
            raise GrantError(
                f"il ruolo {role} possiede le tabelle (esegue le migrazioni): l'app deve "
                "usare un ruolo diverso."
            )
        found = db.execute_sql(
            "SELECT rolsuper FROM pg_roles WHERE rolname = %s", (role,)
        ).fetchone()
        if found and found[0]:
            raise GrantError(
                f"il ruolo {role} è un superutente: nessun permesso lo limita. "
                "Usa un ruolo ordinario."
            )
        created = found is None
        quoted, in_schema = _quote(role), _quote(schema)
        if created:
            try:
                with db.atomic():
                    db.execute_sql(f"CREATE ROLE {quoted} LOGIN")
            except Exception as exc:  # noqa: BLE001 - the driver's error, explained below
                raise GrantError(
                    f"il ruolo {role} non esiste e {owner} non può crearlo ({_first_line(exc)}): "
                    f"crealo come superutente (CREATE ROLE {role} LOGIN) e ripeti il comando."
                ) from None
            if schema != "public":
                db.execute_sql(f"ALTER ROLE {quoted} SET search_path = {in_schema}")
        tables = [
            name
            for (name,) in db.execute_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename",
                (schema,),
            )
        ]
        db.execute_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {in_schema} FROM {quoted}")
        db.execute_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {in_schema} FROM {quoted}")
        db.execute_sql(f"GRANT USAGE ON SCHEMA {in_schema} TO {quoted}")
        unknown = []
        for table in tables:
            privileges = APP_GRANTS.get(table)
            if privileges is None:
                unknown.append(table)
                privileges = UNKNOWN_TABLE_GRANTS
            db.execute_sql(
                f"GRANT {', '.join(privileges)} ON TABLE {in_schema}.{_quote(table)} TO {quoted}"
            )
        # nextval for the ids of new rows.
        db.execute_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {in_schema} TO {quoted}")
    return GrantResult(role, schema, created, tables, unknown)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip() or type(exc).__name__).splitlines()[0]
