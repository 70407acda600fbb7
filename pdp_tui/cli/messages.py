"""Every sentence the shell commands print, in Italian, in one place.

Format strings take keyword arguments: ``STORE_CREATED.format(code="MI01", name="...")``.
Errors are written after "pdp-tui: " (see output.print_error), so they start in lower case.
The help text of an argument stays beside its ``add_argument`` call.
"""

from __future__ import annotations

# --- errors -------------------------------------------------------------------------

USAGE_HINT = "{message} (vedi {prog} --help)"
INTERRUPTED = "interrotto."
DEMO_FLAG_WITH_COMMAND = "--demo vale solo per aprire l'applicazione, non con un comando."
# Settings and database URLs: config.MESSAGES and db.MESSAGES (the app shows them too).
DATABASE_UNREACHABLE = "database non raggiungibile o non utilizzabile: {error}"
DATABASE_ERROR = "errore del database: {error}"
DISK_FULL = (
    "disco del database pieno: l'operazione non è stata salvata, i dati già salvati sono "
    "intatti. Libera spazio sul server del database e riprova ({error})."
)
STDIN_ENDED = "standard input terminato prima del previsto."
SYSTEM_ERROR = "errore di sistema: {error}{where}"
SCHEMA_TOO_NEW = (
    "il database è stato aggiornato da una versione più recente di pdp-tui "
    "({migrations}): aggiorna il programma."
)
SCHEMA_NOT_MIGRATED = (
    "lo schema del database non è aggiornato: esegui «pdp-tui migrate» "
    "(PDP_AUTO_MIGRATE è disattivato)."
)
NO_PASSWORD_ON_STDIN = "nessuna password ricevuta sullo standard input."
PASSWORDS_DIFFER = "le due password non coincidono."
NO_TERMINAL_FOR_PASSWORD = (
    "nessun terminale a cui chiedere la password: usa --password-stdin e scrivi la password "
    "sullo standard input."
)
BAD_DAY = "data non valida: {text!r} (gg/mm/aaaa oppure aaaa-mm-gg)"
BAD_NUMBER = "numero non valido: {text!r}"
SERVE_SETTINGS_FROM_SESSIONS = (
    "--db non vale per serve: ogni sessione legge database e impostazioni da ciò che le "
    "passa pdp-tui-ssh (PDP_CONFIG), come pdp-tui avviato da sshd."
)
NUMBER_OUT_OF_RANGE = "da 0 a {maximum} (non {text})"

# --- prompts and progress -----------------------------------------------------------

NEW_PASSWORD = "Nuova password: "
REPEAT_PASSWORD = "Ripeti la password: "
PREPARING_DEMO = "Preparo il database demo ({url})…"
PHASES = {"plans": "Piani", "indexes": "Indici"}
PHASE_PROGRESS = "{phase}: {done}/{total}"

# --- results ------------------------------------------------------------------------

DATABASE = "Database: {url}"
MIGRATIONS_APPLIED = "Migrazioni applicate: {migrations}"
NO_MIGRATIONS = "Nessuna migrazione da applicare: lo schema è aggiornato."
UNKNOWN_MIGRATIONS = "Attenzione: migrazioni sconosciute a questa versione: {migrations}"

STORE_CREATED = "Negozio {code} «{name}» creato."
STORE_RENAMED = "Negozio {code} rinominato «{name}»."
STORE_CLOSED = (
    "Negozio {code} chiuso: i suoi addetti non possono più accedere; i Piani restano "
    "consultabili dall'assistenza."
)
STORE_REOPENED = "Negozio {code} riaperto: i suoi addetti possono di nuovo accedere."
NO_STORES = "Nessun negozio."
STORE_HEADERS = ("codice", "nome", "stato", "stampante")
STORE_OPEN = "aperto"
STORE_CLOSED_STATE = "chiuso"
STORE_NO_PRINTER = "—"
STORE_PRINTER_SET = (
    "Negozio {code}: il modulo di adesione (F9) si stampa sulla coda CUPS «{queue}»."
)
STORE_PRINTER_CLEARED = (
    "Negozio {code}: nessuna stampante; F9 salva il modulo di adesione in un file."
)
STORE_PRINTER_SHOWN = "Negozio {code}: coda di stampa «{queue}»."
STORE_PRINTER_NONE = "Negozio {code}: nessuna stampante impostata."
STORE_PRINTER_BOTH = "indica la coda di stampa oppure --clear, non entrambe"

FORM_WRITTEN = "Modulo di adesione del contratto {number} scritto in {path} ({size} byte)."
FORM_WRITTEN_STDOUT = (
    "Modulo di adesione del contratto {number} scritto sullo standard output ({size} byte)."
)
FORM_TO_TERMINAL = "il modulo è un PDF: non lo scrivo sul terminale (usa -o FILE o una redirezione)"

PROTECTION_HEADERS = ("codice", "tipo di protezione", "validità (mesi)", "in vendita")
VALIDITY_SET = (
    "Validità di «{label}»: {months} mesi per i Piani registrati da ora; "
    "i Piani già registrati non cambiano."
)

COVERING_CREATED = "Rivestimento {code} «{label}» aggiunto: è tra le scelte del Nuovo Piano."
COVERING_RETIRED = (
    "Rivestimento {code} «{label}» ritirato dalla vendita: i Piani registrati non cambiano."
)
NO_COVERINGS = "Nessun rivestimento."
COVERING_HEADERS = ("codice", "etichetta", "in vendita")
YES = "sì"
NO = "no"

ACCOUNT_CREATED = (
    "Account {username} creato ({role}{where}): la password va cambiata al primo accesso."
)
ACCOUNT_STORE = ", negozio {store}"
TEMPORARY_PASSWORD = (
    "Password temporanea di {username}: {password}\n"
    "Consegnala all'utente: non verrà mostrata di nuovo e va cambiata al primo accesso."
)
PASSWORD_SET = "Password di {username} impostata: va cambiata al primo accesso. Account sbloccato."
ACCOUNT_DISABLED = "Account {username} disattivato."
ACCOUNT_ENABLED = "Account {username} riattivato."
ACCOUNT_UNLOCKED = "Account {username} sbloccato."
ACCOUNT_UPDATED = "Account {username}: {role}{where}{name}."
ACCOUNT_NAME = ", nome «{name}»"
NOTHING_TO_CHANGE = "indica almeno una modifica: --role, --store o --name."
NO_ACCOUNTS = "Nessun account."
ACCOUNT_HEADERS = ("utente", "ruolo", "negozio", "stato", "cambio password", "nome")
ACCOUNT_STATE_DISABLED = "disattivato"
ACCOUNT_STATE_LOCKED = "bloccato"
ACCOUNT_STATE_ACTIVE = "attivo"
PASSWORD_CHANGE_REQUIRED = "richiesto"
PASSWORD_CHANGE_NOT_REQUIRED = "no"
NONE = "-"

GRANT_ONLY_POSTGRES = (
    "grant-app vale solo per PostgreSQL: con SQLite i permessi sono quelli del file."
)
APP_ROLE_CREATED = (
    "Ruolo {role} creato (LOGIN, senza password) con i permessi dell'app sullo schema "
    "{schema} ({tables} tabelle)."
)
APP_ROLE_UPDATED = "Permessi del ruolo {role} sullo schema {schema} reimpostati ({tables} tabelle)."
APP_ROLE_UNKNOWN_TABLES = (
    "Attenzione: tabelle sconosciute a questa versione, con SELECT, INSERT e UPDATE: {tables}"
)
APP_ROLE_SET_PASSWORD = (
    "Imposta la password del ruolo come superutente o proprietario, ad esempio in psql: "
    "\\password {role}"
)
CHAIN_VERIFIED = (
    "Registro integro: {events} eventi e {plans} Piani corrispondono. "
    "Impronta dell'ultimo evento: {head}"
)

PLANS_EXPORTED = "Piani esportati: {count}{where}."
REQUESTS_EXPORTED = "Richieste di intervento esportate: {count}{where}."
EXPORTED_TO = " in {path}"

STORES_CREATED = "Negozi creati: {stores}"
DEMO_ACCOUNTS = "Account demo (accesso diretto, senza cambio password):"
DEMO_ACCOUNT_HEADERS = ("utente", "password", "ruolo", "negozio", "")
DEMO_PASSWORD_CHANGED = "(cambiata: non la conosco)"
DEMO_ACCOUNT_CREATED = "creato ora"
DEMO_ACCOUNT_EXISTED = "già presente"
PLANS_CREATED = "Piani creati: {count} ({first} … {last}) in {elapsed}"
NO_PLANS_CREATED = "Nessun Piano creato."

# --- argparse's own messages (Python 3.11's argparse.py; parser.py installs them) ---------
# Keys are argparse's English msgids, exactly; placeholders kept. tests/test_cli_parser.py
# checks that every message argparse can show an operator is here.

ARGPARSE = {
    "usage: ": "uso: ",
    "positional arguments": "argomenti",
    "options": "opzioni",
    "subcommands": "comandi",
    "show this help message and exit": "mostra questo aiuto ed esce",
    "%(prog)s: error: %(message)s\n": "%(prog)s: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "the following arguments are required: %s": "mancano argomenti obbligatori: %s",
    "one of the arguments %s is required": "serve uno di questi argomenti: %s",
    "unrecognized arguments: %s": "argomenti non riconosciuti: %s",
    "ambiguous option: %(option)s could match %(matches)s": (
        "opzione ambigua: %(option)s (può essere %(matches)s)"
    ),
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "scelta non valida: %(value)r (ammessi: %(choices)s)"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "comando sconosciuto: %(parser_name)r (ammessi: %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "valore non valido: %(value)r",
    "expected one argument": "manca il valore",
    "expected at most one argument": "al massimo un valore",
    "expected at least one argument": "manca il valore (almeno uno)",
    "not allowed with argument %s": "non si usa insieme a %s",
    "ignored explicit argument %r": "non prende valori (dato %r)",
    "can't open '%(filename)s': %(error)s": "impossibile aprire '%(filename)s': %(error)s",
}
# ngettext: the English singular -> the Italian (singular, plural).
ARGPARSE_PLURALS = {
    "expected %s argument": ("serve %s valore", "servono %s valori"),
}
