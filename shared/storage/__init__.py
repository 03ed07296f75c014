"""Storage adapters: snapshot blobs, registry / runs / locks tables, the scan queue."""
