"""Sync with the provincial platform (DESIGN.md §5, docs/sync-protocol.md). No Qt here.

``execdesk.sync.client.run_sync`` runs one round; ``execdesk.services.sync`` is the façade for the UI.
"""
