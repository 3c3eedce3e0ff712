"""Read access to the node catalogue (resources/rules/nodes.toml) for services and forms."""

from __future__ import annotations

from execdesk.resources import load_toml


def node_catalogue() -> dict[str, dict]:
    """code → {name, …} for every node of the active catalogue."""
    return load_toml("rules", "nodes.toml")["nodes"]


def node_name(code: str) -> str:
    return node_catalogue()[code]["name"]
