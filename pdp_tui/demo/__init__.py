"""Demo data, outside the rules layer: the demo stores and accounts (``seeding``), synthetic
plan rows (``synthetic``) and the fill that writes them through the bulk loader (``fill``,
with ``pdp_tui.db_bulk``). Used by ``pdp-tui demo``, ``pdp-tui --demo``, the tests and bench/.
"""

from pdp_tui.demo.fill import DEFAULT_CONTRACTS, FillResult, Progress, fill_demo, fill_plans
from pdp_tui.demo.seeding import (
    DemoAccountState,
    demo_accounts,
    ensure_demo_accounts,
    ensure_demo_stores,
    is_demo_ready,
)

__all__ = [
    "DEFAULT_CONTRACTS",
    "DemoAccountState",
    "FillResult",
    "Progress",
    "demo_accounts",
    "ensure_demo_accounts",
    "ensure_demo_stores",
    "fill_demo",
    "fill_plans",
    "is_demo_ready",
]
