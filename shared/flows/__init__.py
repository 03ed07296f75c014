"""The imperative shell, one flow per trigger job: scan, drift, triage. Reads through adapters, decides in core."""
