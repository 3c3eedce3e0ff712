"""Reference provincial enforcement command platform (执行指挥中心) for ExecDesk sync.

A separate package: it is NOT shipped in the desktop installer. Tests, demos and other implementers run
against it. Protocol: docs/sync-protocol.md and docs/sync-openapi.json.
"""

# v2 (issue 13): stable identities (court codes, person refs) instead of local row ids; v1 clients get 426.
PROTOCOL_VERSION = 2
MIN_PROTOCOL_VERSION = 2
