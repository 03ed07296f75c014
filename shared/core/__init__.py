"""The pure core: decisions over plain data (ids, contracts, normalisation, snapshots, drift, access).

Pure: no Azure SDK, no Graph SDK, no HTTP client, no sockets, no environment. The shell (flows) reads
through the adapters, calls these functions and writes what they return.
"""
