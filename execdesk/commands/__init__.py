"""CLI sub-commands: one module each, discovered by execdesk.cli (``register(subparsers)``)."""
