"""The portal's HTTP API (DESIGN §6): request checks, caller identity, handlers, OpenAPI. No trigger types."""
