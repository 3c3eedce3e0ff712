"""The protocol's OpenAPI document is current, and the platform survives schemathesis (no 5xx).

Regenerate the document with ``python -m provincial.openapi``.
"""

from __future__ import annotations

import json

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from sync_harness import *  # noqa: F403
from sync_harness import PASSWORD

from provincial.openapi import DEFAULT_PATH, generate

SCHEMA = schemathesis.openapi.from_dict(json.loads(DEFAULT_PATH.read_text(encoding="utf-8")))


def test_committed_openapi_document_is_current():
    assert DEFAULT_PATH.read_text(encoding="utf-8") == generate(), "运行 python -m provincial.openapi 更新文档"


def test_openapi_documents_every_v1_operation():
    paths = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))["paths"]
    assert {"/api/v1/auth/token", "/api/v1/changes", "/api/v1/feed", "/api/v1/digests", "/api/v1/hello",
            "/api/v1/cases/{case_id}/entities"} <= set(paths)
    assert all(p.startswith("/api/v1/") for p in paths)


@pytest.fixture(scope="session")
def fuzz_token(platform) -> str:
    return requests.post(platform.url + "api/v1/auth/token",
                         json={"account": "lixia", "password": PASSWORD}).json()["access_token"]


@SCHEMA.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_platform_never_answers_with_a_server_error(case, platform, fuzz_token):
    """Generated requests (valid and invalid) against the real platform: never a 5xx, always JSON."""
    response = case.call(base_url=platform.url.rstrip("/"), headers={"Authorization": f"Bearer {fuzz_token}"},
                         timeout=30)
    assert response.status_code < 500, response.text[:500]
    assert "json" in response.headers.get("content-type", [""])[0]
