"""Graph access: one client on msgraph-sdk's request adapter, with our retry and budget middleware."""

from shared.graph.client import GraphClient, GraphResponse, build_graph_client
from shared.graph.ratelimit import OperationBudget

__all__ = ["GraphClient", "GraphResponse", "OperationBudget", "build_graph_client"]
