"""Helpers for the simulator tests: the shared secret and a small Graph client over httpx."""

from __future__ import annotations

from typing import Any

import httpx

from devtools.graphsim import GraphSimulator, make_token

SECRET = "graphsim-test-secret"


class GraphClient:
    """httpx with a tenant's bearer token; ``url`` may be absolute or ``/beta/...``."""

    def __init__(self, sim: GraphSimulator, tenant_id: str) -> None:
        self.sim = sim
        self.tenant_id = tenant_id
        self.http = httpx.Client(headers={"Authorization": f"Bearer {make_token(tenant_id, SECRET)}"}, timeout=10)

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.sim.base_url + path

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(self.url(path), **kwargs)

    def post(self, path: str, body: Any, **kwargs: Any) -> httpx.Response:
        return self.http.post(self.url(path), json=body, **kwargs)

    def get_all(self, path: str) -> list[dict[str, Any]]:
        """Follow @odata.nextLink verbatim until it is absent."""
        items: list[dict[str, Any]] = []
        url: str | None = self.url(path)
        while url:
            resp = self.http.get(url)
            assert resp.status_code == 200, resp.text
            page = resp.json()
            items.extend(page["value"])
            url = page.get("@odata.nextLink")
        return items

    def close(self) -> None:
        self.http.close()
