"""The adhesion form (modulo di adesione): what it shows, and the PDF drawn from it.

``content`` is plain data and the QR code's payload; ``render`` draws the page with fpdf2
and segno, which are imported only when a form is made: the app starts without them.
The default terms (``condizioni.txt``) ship with the package; operators point the
``form_terms_path`` setting at their own file.
"""

from pathlib import Path

DEFAULT_TERMS_PATH = Path(__file__).with_name("condizioni.txt")
