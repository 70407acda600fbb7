"""Exit statuses, and the error a command raises to end with one line for the operator."""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1  # the request was refused, or the database is unusable
EXIT_USAGE = 2  # bad arguments: the command line has to change
EXIT_INTERRUPTED = 130  # Ctrl+C


class CliError(Exception):
    """A message for the operator (Italian, one line) and the exit status."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code
