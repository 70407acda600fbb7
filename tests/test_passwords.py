"""Passwords: common and guessable ones refused (NIST SP 800-63B), temporary passwords, and
"Cambia password" under the same lockout as the login."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from pdp_tui import config
from pdp_tui.domain import SYSTEM, Role, utcnow
from pdp_tui.models import AuditEvent, User
from pdp_tui.services import accounts, auth, password_strength, search
from pdp_tui.services.audit import Kind
from pdp_tui.services.errors import AuthenticationFailed, SessionEnded, ValidationError

GUESSABLE = {
    "password12": "tra le password più usate",
    "1234567890": "tra le password più usate",
    "aaaaaaaaaa": "ripete gli stessi caratteri",
    "qwertyuiop": "tra le password più usate",
    "19901231ab": "contiene una data o un anno",
    "abcdefghijkl": "sequenza",
}


def refusal(call) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.errors


# --- the policy ---------------------------------------------------------------------------


@pytest.mark.parametrize("password", list(GUESSABLE))
def test_common_and_guessable_passwords_are_refused_saying_why(seed, password):
    create = lambda: accounts.create_user(SYSTEM, "nuovo.mi", Role.SUPPORT, password=password)  # noqa: E731
    reset = lambda: accounts.reset_password(seed.admin, "vendite.mi", password)  # noqa: E731
    change = lambda: auth.change_password(seed.staff_mi, seed.password, password)  # noqa: E731
    for errors, field in (
        (refusal(create), "password"),
        (refusal(reset), "password"),
        (refusal(change), "new_password"),
    ):
        assert list(errors) == [field]
        message = errors[field]
        assert message.startswith("Password troppo facile da indovinare: ")
        assert GUESSABLE[password] in message
        assert password_strength.ADVICE in message
    assert not User.select().where(User.username == "nuovo.mi").exists()
    assert auth.authenticate("vendite.mi", seed.password)


def test_the_accounts_own_names_do_not_make_a_password(seed):
    errors = refusal(
        lambda: accounts.create_user(
            SYSTEM, "mario.rossi", Role.SUPPORT, password="mario.rossi2024", full_name="Mario Rossi"
        )
    )
    assert "contiene il nome utente o il nome della persona" in errors["password"]
    # The full name counts too, at a change of one's own password.
    for password in ("Bianchi-Giulia1", "giulia.bianchi.2026", "VENDITE-mi-2026"):
        errors = refusal(lambda p=password: auth.change_password(seed.staff_mi, seed.password, p))
        assert password_strength.PERSONAL in errors["new_password"], password


@pytest.mark.parametrize(
    "password", ["tavolo-rosso-2026", "cavallo batteria graffetta", "k7pm-3xqa-9trw"]
)
def test_strong_passwords_are_taken(seed, password):
    accounts.create_user(SYSTEM, "nuovo.mi", Role.STAFF, password=password, store_code="MI01")
    assert auth.authenticate("nuovo.mi", password).must_change_password


def test_only_the_first_72_characters_are_estimated():
    assert password_strength.weakness("a" * 150)
    assert password_strength.weakness("tavolo-rosso-2026" + "a" * 150) is None


# --- temporary passwords ------------------------------------------------------------------


def test_temporary_passwords_are_random_readable_and_pass_the_policy(seed):
    drawn = {accounts.generate_temporary_password() for _ in range(50)}
    assert len(drawn) == 50
    for password in drawn:
        assert re.fullmatch(
            r"[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}", password
        )
        auth.check_password_policy("vendite.mi", password)
    password = drawn.pop()
    accounts.reset_password(SYSTEM, "vendite.mi", password)
    assert auth.authenticate("vendite.mi", password).must_change_password


# --- "Cambia password" and the lockout ------------------------------------------------------


def change_failures(username: str) -> list[tuple[str, object]]:
    query = AuditEvent.select().where(
        (AuditEvent.kind == Kind.PASSWORD_CHANGE_FAILED) & (AuditEvent.target == username)
    )
    return [(e.username, json.loads(e.detail)["reason"]) for e in query.order_by(AuditEvent.id)]


def test_wrong_current_passwords_are_audited_count_and_lock(seed):
    staff = seed.staff_mi
    for attempt in range(1, 5):
        errors = refusal(lambda: auth.change_password(staff, "sbagliata-123", "tavolo-rosso-2026"))
        assert errors == {"current_password": "La password attuale non è corretta."}
        assert User.get_by_id(staff.id).failed_logins == attempt
    assert change_failures("vendite.mi") == [("vendite.mi", "password")] * 4

    # The fifth locks the account and ends the session.
    with pytest.raises(SessionEnded) as info:
        auth.change_password(staff, "sbagliata-123", "tavolo-rosso-2026")
    assert str(info.value) == (
        "Troppi tentativi con una password sbagliata: account bloccato per 15 minuti. "
        "La sessione è terminata."
    )
    assert User.get_by_id(staff.id).locked_until > utcnow() + dt.timedelta(minutes=14)
    with pytest.raises(SessionEnded):
        search.search_plans(staff)
    with pytest.raises(AuthenticationFailed):
        auth.authenticate("vendite.mi", seed.password)
    assert len(change_failures("vendite.mi")) == 5


def test_login_failures_and_change_failures_share_one_counter(seed):
    config.use(config.load_settings(env={}, max_failed_logins=3))
    with pytest.raises(AuthenticationFailed):
        auth.authenticate("assistenza", "sbagliata-123")
    refusal(lambda: auth.change_password(seed.support, "sbagliata-123", "tavolo-rosso-2026"))
    with pytest.raises(SessionEnded):
        auth.change_password(seed.support, "sbagliata-123", "tavolo-rosso-2026")


def test_a_locked_account_cannot_change_its_password(seed):
    # Someone failed to log in as vendite.mi elsewhere until the account locked.
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            auth.authenticate("vendite.mi", "sbagliata-123")
    errors = refusal(
        lambda: auth.change_password(seed.staff_mi, seed.password, "tavolo-rosso-2026")
    )
    assert re.fullmatch(
        r"Troppi tentativi con una password sbagliata: account bloccato per 1[45] minuti\.",
        errors["current_password"],
    )
    assert change_failures("vendite.mi") == [("vendite.mi", "locked")]
    # Neither the password nor the counter changed; the session itself goes on.
    assert User.get_by_id(seed.staff_mi.id).failed_logins == 0
    assert search.search_plans(seed.staff_mi).rows == []


def test_a_good_change_clears_the_failures(seed):
    refusal(lambda: auth.change_password(seed.staff_mi, "sbagliata-123", "tavolo-rosso-2026"))
    actor = auth.change_password(seed.staff_mi, seed.password, "tavolo-rosso-2026")
    assert User.get_by_id(actor.id).failed_logins == 0
    assert actor.session_epoch == seed.staff_mi.session_epoch  # the session goes on
    assert search.search_plans(actor).rows == []
