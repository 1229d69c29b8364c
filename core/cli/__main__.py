"""`python -m core.cli …` runs the command as the installed `stripe-sync-admin` does."""

from core.cli.main import main

raise SystemExit(main())
