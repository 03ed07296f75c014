"""Development-only tools (Graph simulator, Azurite launcher, local host). Excluded from deployment."""
