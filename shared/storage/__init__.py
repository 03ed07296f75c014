"""Storage adapter (I/O): one store per table, the snapshot container, and `stores` wiring them up."""
