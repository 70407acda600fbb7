"""Errors raised by services, with messages in Italian ready for the user."""

from __future__ import annotations

from pdp_tui.domain import Actor


class ServiceError(Exception):
    """A rule refused the request. ``str(exc)`` is a message for the user."""


class ValidationError(ServiceError):
    """One or more fields are invalid. ``errors`` maps field name -> Italian message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


class DuplicateContract(ValidationError):
    """The contract number is taken; ``errors`` holds its message and any other field's."""

    def __init__(self, contract_number: str, errors: dict[str, str] | None = None):
        self.contract_number = contract_number
        super().__init__(
            errors or {"contract_number": f"Il contratto {contract_number} è già registrato."}
        )


class PermissionDenied(ServiceError):
    def __init__(self, message: str = "Operazione non consentita per il tuo ruolo."):
        super().__init__(message)


class SessionEnded(ServiceError):
    """The account behind a session changed (disabled, role or store, password reset): the
    session is over and its user must log in again. ``actor`` is the session's own actor."""

    def __init__(self, message: str, actor: Actor | None = None) -> None:
        self.actor = actor
        super().__init__(message)


class NotFound(ServiceError):
    def __init__(self, message: str = "Elemento non trovato."):
        super().__init__(message)


class AuthenticationFailed(ServiceError):
    """Wrong username or password, locked or disabled account: one message for all."""

    def __init__(self) -> None:
        super().__init__(
            "Accesso non riuscito: nome utente o password non validi, oppure account bloccato."
        )


class DatabaseUnavailable(ServiceError):
    def __init__(self, message: str = "Database non raggiungibile. Riprova tra poco."):
        super().__init__(message)


class DiskFull(DatabaseUnavailable):
    """The database refused a write for lack of disk space; the write was rolled back."""

    def __init__(self) -> None:
        super().__init__(
            "Disco del database pieno: l'operazione non è stata salvata, i dati già salvati "
            "sono intatti. Avvisa l'assistenza perché liberi spazio, poi riprova."
        )
