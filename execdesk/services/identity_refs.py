"""Stable identities on the wire (protocol v2, issue 13): ``to_wire`` / ``from_wire`` and the person-ref helpers.

The implementation sits in ``execdesk.models.wire_identity`` so that the sync client, which may not import
services (tests/test_layers.py), uses the very same functions; every service imports them from here.
"""

from execdesk.models.wire_identity import (
    SCHEMA,
    RefError,
    column_value,
    from_wire,
    local_court,
    make_ref,
    person_columns,
    person_ref,
    split_ref,
    to_wire,
    user_for_ref,
)

__all__ = ["SCHEMA", "RefError", "column_value", "from_wire", "local_court", "make_ref", "person_columns", "person_ref",
           "split_ref", "to_wire", "user_for_ref"]
