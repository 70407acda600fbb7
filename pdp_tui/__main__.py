from pdp_tui.cli import main

raise SystemExit(main())
