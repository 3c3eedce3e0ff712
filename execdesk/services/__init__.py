"""Use cases shared by the UI and the CLI. Each runs in one transaction with its audit and outbox rows."""
