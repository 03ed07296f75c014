"""Graph adapter (I/O): one client on msgraph-sdk's request adapter, our middleware, and the type readers."""
