"""Reference provincial enforcement command platform (执行指挥中心) for ExecDesk sync.

A separate package: it is NOT shipped in the desktop installer. Tests, demos and other implementers run
against it. Protocol: docs/sync-protocol.md and docs/sync-openapi.json.
"""

PROTOCOL_VERSION = 1
MIN_PROTOCOL_VERSION = 1
