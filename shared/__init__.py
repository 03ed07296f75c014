"""TenantAtlas Drift: the domain (`core`, pure), its adapters (`graph`, `storage`), the flows and the API."""
