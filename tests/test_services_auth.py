"""Logins, lockout, password hashing and changes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from argon2 import PasswordHasher, Type

from pdp_tui import config
from pdp_tui.domain import SYSTEM, Role, utcnow
from pdp_tui.models import AuditEvent, User
from pdp_tui.services import accounts, auth
from pdp_tui.services.audit import Kind
from pdp_tui.services.errors import AuthenticationFailed, SessionEnded, ValidationError

# Bound at import, before the fast_hasher fixture patches auth.hasher for each test.
PRODUCTION_HASHER = auth.hasher


def events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.kind == kind).order_by(AuditEvent.id))


def reason(event: AuditEvent) -> str:
    return json.loads(event.detail)["reason"]


def failed_login(username: str, password: str, now: dt.datetime | None = None) -> str:
    with pytest.raises(AuthenticationFailed) as info:
        auth.authenticate(username, password, now=now)
    return str(info.value)


def test_good_login_returns_the_actor(seed):
    actor = auth.authenticate("vendite.mi", seed.password)
    assert actor.username == "vendite.mi"
    assert actor.role is Role.STAFF
    assert (actor.store_id, actor.store_code) == seed.mi
    assert actor.store_name == "Milano Centro"
    assert actor.full_name == "Giulia Bianchi"
    assert actor.must_change_password is False
    assert auth.authenticate("  Vendite.MI ", seed.password) == actor
    support = auth.authenticate("assistenza", seed.password)
    assert support.role is Role.SUPPORT and support.store_id is None
    assert User.get(User.username == "vendite.mi").last_login_at is not None


def test_wrong_password_and_unknown_user_fail_alike(seed):
    wrong = failed_login("vendite.mi", "password-sbagliata")
    unknown = failed_login("nessuno", seed.password)
    empty = failed_login("", seed.password)
    assert wrong == unknown == empty
    assert "nome utente o password" in wrong


def test_unknown_user_costs_a_verification_against_the_dummy_hash(seed, monkeypatch):
    calls: list[str] = []
    real_verify = auth._verify

    def spy(password_hash: str, password: str) -> bool:
        calls.append(password_hash)
        return real_verify(password_hash, password)

    monkeypatch.setattr(auth, "_verify", spy)
    failed_login("nessuno", "qualunque-password")
    assert calls == [auth._dummy_hash()]
    assert calls[0].startswith("$argon2id$")

    calls.clear()
    failed_login("vendite.mi", "password-sbagliata")
    assert calls == [User.get(User.username == "vendite.mi").password_hash]


def test_every_attempt_is_audited(seed):
    before_ok, before_failed = len(events(Kind.LOGIN_OK)), len(events(Kind.LOGIN_FAILED))
    auth.authenticate("vendite.rm", seed.password)
    failed_login("vendite.rm", "password-sbagliata")
    failed_login("Sconosciuto", "password-sbagliata")

    ok = events(Kind.LOGIN_OK)[before_ok:]
    assert [(e.username, e.user_id, e.store_id) for e in ok] == [
        ("vendite.rm", seed.staff_rm.id, seed.rm[0])
    ]
    failed = events(Kind.LOGIN_FAILED)[before_failed:]
    assert [(e.username, reason(e)) for e in failed] == [
        ("vendite.rm", "password"),
        ("sconosciuto", "unknown"),
    ]


def test_five_failures_lock_the_account_for_fifteen_minutes(seed):
    t0 = utcnow()
    for i in range(4):
        failed_login("vendite.mi", "password-sbagliata", now=t0 + dt.timedelta(seconds=i))
    # Four failures: still open.
    auth.authenticate("vendite.mi", seed.password, now=t0 + dt.timedelta(seconds=5))
    for i in range(5):
        failed_login("vendite.mi", "password-sbagliata", now=t0 + dt.timedelta(seconds=10 + i))
    locked_at = t0 + dt.timedelta(seconds=14)
    user = User.get(User.username == "vendite.mi")
    assert user.locked_until == locked_at + dt.timedelta(minutes=15)

    # Locked: even the right password is refused, with the same message.
    message = failed_login("vendite.mi", seed.password, now=locked_at + dt.timedelta(minutes=1))
    assert message == failed_login("nessuno", seed.password)
    failed_login("vendite.mi", seed.password, now=locked_at + dt.timedelta(minutes=14, seconds=59))
    assert reason(events(Kind.LOGIN_FAILED)[-1]) == "locked"

    # The lock expires by itself.
    actor = auth.authenticate(
        "vendite.mi", seed.password, now=locked_at + dt.timedelta(minutes=15, seconds=1)
    )
    assert actor.username == "vendite.mi"
    user = User.get(User.username == "vendite.mi")
    assert user.failed_logins == 0 and user.locked_until is None
    # Other accounts were never affected.
    auth.authenticate("vendite.rm", seed.password, now=locked_at)


def test_lockout_settings_are_configurable(seed):
    config.use(config.load_settings(env={}, max_failed_logins=2, lockout_minutes=1))
    t0 = utcnow()
    failed_login("assistenza", "password-sbagliata", now=t0)
    auth.authenticate("assistenza", seed.password, now=t0)
    failed_login("assistenza", "password-sbagliata", now=t0)
    failed_login("assistenza", "password-sbagliata", now=t0)
    failed_login("assistenza", seed.password, now=t0 + dt.timedelta(seconds=59))
    auth.authenticate("assistenza", seed.password, now=t0 + dt.timedelta(seconds=61))


def test_lockout_settings_from_the_environment(seed):
    config.use(
        config.load_settings(env={"PDP_MAX_FAILED_LOGINS": "1", "PDP_LOCKOUT_MINUTES": "30"})
    )
    t0 = utcnow()
    failed_login("admin", "password-sbagliata", now=t0)
    failed_login("admin", seed.password, now=t0 + dt.timedelta(minutes=29))
    auth.authenticate("admin", seed.password, now=t0 + dt.timedelta(minutes=31))


def test_disabled_account_is_refused(seed):
    accounts.set_active(seed.admin, "vendite.mi", False)
    message = failed_login("vendite.mi", seed.password)
    assert message == failed_login("nessuno", seed.password)
    assert reason(events(Kind.LOGIN_FAILED)[-2]) == "disabled"
    with pytest.raises(SessionEnded):
        auth.verify_password(seed.staff_mi, seed.password)
    # A disabled account does not count failures towards a lock either.
    assert User.get(User.username == "vendite.mi").failed_logins == 0
    accounts.set_active(seed.admin, "vendite.mi", True)
    assert auth.authenticate("vendite.mi", seed.password).username == "vendite.mi"


def test_hash_is_argon2id_and_salted(seed):
    one = auth.hash_password("stessa-password")
    two = auth.hash_password("stessa-password")
    assert one.startswith("$argon2id$") and one != two
    stored = User.get(User.username == "vendite.mi").password_hash
    assert seed.password not in stored


def test_rehash_on_login_when_parameters_change(seed, monkeypatch):
    old = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    User.update(password_hash=old.hash(seed.password)).where(
        User.username == "vendite.mi"
    ).execute()
    new = PasswordHasher(time_cost=1, memory_cost=32, parallelism=1)
    monkeypatch.setattr(auth, "hasher", lambda: new)
    before = User.get(User.username == "vendite.mi").password_hash
    assert new.check_needs_rehash(before)

    auth.authenticate("vendite.mi", seed.password)
    after = User.get(User.username == "vendite.mi").password_hash
    assert after != before
    assert not new.check_needs_rehash(after)
    assert "m=32,t=1,p=1" in after
    assert new.verify(after, seed.password)

    # Logging in again keeps the now-current hash.
    auth.authenticate("vendite.mi", seed.password)
    assert User.get(User.username == "vendite.mi").password_hash == after


def test_no_rehash_after_a_failed_login(seed, monkeypatch):
    old = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    stored = old.hash(seed.password)
    User.update(password_hash=stored).where(User.username == "vendite.mi").execute()
    monkeypatch.setattr(auth, "hasher", lambda: PasswordHasher(time_cost=1, memory_cost=32))
    failed_login("vendite.mi", "password-sbagliata")
    assert User.get(User.username == "vendite.mi").password_hash == stored


def test_must_change_password_is_reported(seed):
    accounts.create_user(
        SYSTEM, "nuovo.mi", Role.STAFF, password="provvisoria-1", store_code="MI01"
    )
    actor = auth.authenticate("nuovo.mi", "provvisoria-1")
    assert actor.must_change_password is True
    changed = auth.change_password(actor, "provvisoria-1", "definitiva-22")
    assert changed.must_change_password is False
    assert auth.authenticate("nuovo.mi", "definitiva-22").must_change_password is False
    failed_login("nuovo.mi", "provvisoria-1")
    assert events(Kind.PASSWORD_CHANGED)[-1].target == "nuovo.mi"


@pytest.mark.parametrize(
    "current, new, field, message",
    [
        ("sbagliata-123", "nuova-password-1", "current_password", "attuale non è corretta"),
        (None, "corta", "new_password", "almeno 10"),
        (None, "VENDITE.MI", "new_password", "uguale al nome utente"),
        (None, "  vendite.mi ", "new_password", "uguale al nome utente"),
        (None, "password-di-prova", "new_password", "diversa"),
        (None, "x" * 201, "new_password", "troppo lunga"),
        (None, "nuova\x1bpassword", "new_password", "non ammessi"),
    ],
)
def test_change_password_policy(seed, current, new, field, message):
    with pytest.raises(ValidationError) as info:
        auth.change_password(seed.staff_mi, current or seed.password, new)
    assert list(info.value.errors) == [field]
    assert message in info.value.errors[field]
    # Nothing changed.
    assert auth.authenticate("vendite.mi", seed.password)


def test_verify_password_for_an_idle_session(seed):
    assert auth.verify_password(seed.support, seed.password)
    assert not auth.verify_password(seed.support, "password-sbagliata")


def test_production_hasher_is_argon2id_with_owasp_parameters():
    real = PRODUCTION_HASHER.__wrapped__()  # the undecorated factory, not the cached test one
    assert (real.type, real.time_cost, real.memory_cost, real.parallelism) == (
        Type.ID,
        5,
        7 * 1024,
        1,
    )
    assert real.hash("una password lunga").startswith("$argon2id$v=19$m=7168,t=5,p=1$")


def test_hashes_of_the_earlier_parameters_still_verify_and_are_upgraded():
    """19 MiB / 2 passes (OWASP's other profile, used until 2026-11-30) and the library's
    64 MiB default: a password set then still logs in, and is hashed anew."""
    real = PRODUCTION_HASHER.__wrapped__()
    for old in (
        PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1),
        PasswordHasher(),
    ):
        stored = old.hash("una password lunga")
        assert real.verify(stored, "una password lunga")
        assert real.check_needs_rehash(stored)


def test_every_refused_login_costs_the_same(seed, monkeypatch, statements):
    """One argon2 verification and no hashing, and the same statements, whoever is refused:
    an unknown user, a wrong password, a locked or a disabled account."""
    argon2: list[str] = []

    class Counting(PasswordHasher):
        def hash(self, *args, **kwargs):
            argon2.append("hash")
            return super().hash(*args, **kwargs)

        def verify(self, *args, **kwargs):
            argon2.append("verify")
            return super().verify(*args, **kwargs)

    counting = Counting(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(auth, "hasher", lambda: counting)
    auth._dummy_hash.cache_clear()
    auth.prepare()  # as the app's warm-up does
    accounts.set_active(seed.admin, "assistenza", False)
    config.use(config.load_settings(env={}, max_failed_logins=2))
    failed_login("vendite.rm", "password-sbagliata")
    failed_login("vendite.rm", "password-sbagliata")  # locks the account
    shapes = []
    for username, password in (
        ("nessuno", "password-sbagliata"),
        ("vendite.mi", "password-sbagliata"),
        ("vendite.rm", seed.password),  # locked
        ("assistenza", seed.password),  # disabled
    ):
        argon2.clear()
        statements.clear()
        failed_login(username, password)
        assert argon2 == ["verify"], username
        shapes.append([sql.split()[0] for sql in statements])
    assert all(shape == shapes[0] for shape in shapes), shapes
    # The failure counter and the audit chain's head; the event.
    assert shapes[0].count("UPDATE") == 2 and shapes[0].count("INSERT") == 1
