"""Who changed it (DESIGN §12): matching audit events to findings. Pure. Filled by the attribution work."""
