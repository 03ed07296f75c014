"""HTTP: tenant registration, scan now, and the runs of a tenant."""

from __future__ import annotations

import azure.functions as func

from shared.http import handle, json_response, read_json_body
from shared.services import get_services
from shared.settings import SCAN_QUEUE
from shared.tenants import list_runs, register_tenant, request_scan

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.route(route="tenants/{tenantId}", methods=["PUT"], auth_level=func.AuthLevel.ANONYMOUS)
def put_tenant(req: func.HttpRequest) -> func.HttpResponse:
    """Register or update a tenant."""

    def run() -> func.HttpResponse:
        tenant, created = register_tenant(
            req.headers, req.route_params.get("tenantId"), lambda: read_json_body(req), get_services
        )
        return json_response(tenant, 201 if created else 200)

    return handle(run)


@bp.route(route="tenants/{tenantId}/scans", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@bp.queue_output(arg_name="scans", queue_name=SCAN_QUEUE, connection="AzureWebJobsStorage")
def post_scan(req: func.HttpRequest, scans: func.Out[str]) -> func.HttpResponse:
    """Enqueue a scan of one tenant now; 202 with the run id."""

    def run() -> func.HttpResponse:
        request = request_scan(req.headers, req.route_params.get("tenantId"), get_services)
        scans.set(request.to_message())
        return json_response({"runId": request.run_id, "tenantId": request.tenant_id, "status": "queued"}, 202)

    return handle(run)


@bp.route(route="tenants/{tenantId}/runs", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def get_runs(req: func.HttpRequest) -> func.HttpResponse:
    """Recent runs of a tenant, newest first."""

    def run() -> func.HttpResponse:
        return json_response(
            list_runs(req.headers, req.route_params.get("tenantId"), req.params.get("top"), get_services)
        )

    return handle(run)
