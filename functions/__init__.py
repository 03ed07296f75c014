"""Trigger glue: one blueprint per concern; each function reads its input and calls into shared/."""
