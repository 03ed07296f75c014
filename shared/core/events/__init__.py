"""Drift events and subscriptions (DESIGN §13): event model, routing, signing, retry. Pure. Filled by the events work."""
