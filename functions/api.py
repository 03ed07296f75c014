"""HTTP API for the portal (DESIGN §6): each route converts the request and calls one handler."""

from __future__ import annotations

import azure.functions as func

from functions._http import preflight, respond
from shared.api import baseline, findings, policy_types, subscriptions, templates, tenants
from shared.api.openapi import get_document
from shared.api.request import ApiRequest, ApiResponse
from shared.settings import ALIGNMENT_QUEUE, RELAY_QUEUE, SCAN_QUEUE
from shared.storage.stores import get_stores

bp = func.Blueprint()  # type: ignore[no-untyped-call]
ANON = func.AuthLevel.ANONYMOUS  # identity is enforced in the app (Easy Auth or JWT), not by function keys


@bp.route(route="tenants", methods=["GET"], auth_level=ANON)
def get_portfolio(req: func.HttpRequest) -> func.HttpResponse:
    """The caller's tenants with drift counts and last run."""
    return respond(req, lambda r: tenants.get_portfolio(r, get_stores))


@bp.route(route="tenants/{tenantId}", methods=["PUT"], auth_level=ANON)
def put_tenant(req: func.HttpRequest) -> func.HttpResponse:
    """Register or update a tenant."""
    return respond(req, lambda r: tenants.put_tenant(r, get_stores))


@bp.route(route="tenants/{tenantId}/scans", methods=["POST"], auth_level=ANON)
@bp.queue_output(arg_name="scans", queue_name=SCAN_QUEUE, connection="AzureWebJobsStorage")
def post_scan(req: func.HttpRequest, scans: func.Out[str]) -> func.HttpResponse:
    """Enqueue a scan of one tenant now; 202 with the run id."""

    def handler(r: ApiRequest) -> ApiResponse:
        response, message = tenants.post_scan(r, get_stores)
        scans.set(message.to_message())
        return response

    return respond(req, handler)


@bp.route(route="tenants/{tenantId}/runs", methods=["GET"], auth_level=ANON)
def get_runs(req: func.HttpRequest) -> func.HttpResponse:
    """Recent runs of a tenant, newest first."""
    return respond(req, lambda r: tenants.get_runs(r, get_stores))


@bp.route(route="tenants/{tenantId}/drift", methods=["GET"], auth_level=ANON)
def get_drift(req: func.HttpRequest) -> func.HttpResponse:
    """The tenant's drift summary (one point read)."""
    return respond(req, lambda r: findings.get_summary(r, get_stores))


@bp.route(route="tenants/{tenantId}/drift/findings", methods=["GET"], auth_level=ANON)
def get_findings(req: func.HttpRequest) -> func.HttpResponse:
    """Findings, filtered and paged."""
    return respond(req, lambda r: findings.get_findings(r, get_stores))


@bp.route(route="tenants/{tenantId}/drift/findings/{findingId}", methods=["GET"], auth_level=ANON)
def get_finding(req: func.HttpRequest) -> func.HttpResponse:
    """One finding with its changes, history and ETag."""
    return respond(req, lambda r: findings.get_finding(r, get_stores))


@bp.route(route="tenants/{tenantId}/drift/findings/{findingId}/acknowledge", methods=["POST"], auth_level=ANON)
@bp.queue_output(arg_name="relays", queue_name=RELAY_QUEUE, connection="AzureWebJobsStorage")
def acknowledge(req: func.HttpRequest, relays: func.Out[str]) -> func.HttpResponse:
    """Acknowledge a finding with an optional note; honours If-Match. The acknowledgement's drift
    event waits in the tenant's outbox: ask for its relay (also when a retried request finds the
    finding acknowledged already, in case the first ask was lost)."""

    def handler(r: ApiRequest) -> ApiResponse:
        response, message = findings.post_acknowledge(r, get_stores)
        relays.set(message.to_message())
        return response

    return respond(req, handler)


@bp.route(route="tenants/{tenantId}/drift/baseline", methods=["PUT"], auth_level=ANON)
def put_baseline(req: func.HttpRequest) -> func.HttpResponse:
    """Pin a completed run as the baseline."""
    return respond(req, lambda r: baseline.put_baseline(r, get_stores))


@bp.route(route="tenants/{tenantId}/drift/baseline", methods=["DELETE"], auth_level=ANON)
def delete_baseline(req: func.HttpRequest) -> func.HttpResponse:
    """Return to rolling baselines."""
    return respond(req, lambda r: baseline.delete_baseline(r, get_stores))


@bp.route(route="templates", methods=["GET"], auth_level=ANON)
def get_templates(req: func.HttpRequest) -> func.HttpResponse:
    """Every template with its current version."""
    return respond(req, lambda r: templates.get_templates(r, get_stores))


@bp.route(route="templates/{templateId}", methods=["PUT"], auth_level=ANON)
@bp.queue_output(arg_name="alignments", queue_name=ALIGNMENT_QUEUE, connection="AzureWebJobsStorage")
def put_template(req: func.HttpRequest, alignments: func.Out[list[str]]) -> func.HttpResponse:
    """Create a template or a new version of it; assigned tenants are measured against the new version."""

    def handler(r: ApiRequest) -> ApiResponse:
        response, messages = templates.put_template(r, get_stores)
        if messages:
            alignments.set(messages)
        return response

    return respond(req, handler)


@bp.route(route="templates/{templateId}", methods=["GET"], auth_level=ANON)
def get_template(req: func.HttpRequest) -> func.HttpResponse:
    """One template: version, source run, objects, variables."""
    return respond(req, lambda r: templates.get_template(r, get_stores))


@bp.route(route="templates/{templateId}", methods=["DELETE"], auth_level=ANON)
def delete_template(req: func.HttpRequest) -> func.HttpResponse:
    """Delete a template with its versions, assignments and alignments."""
    return respond(req, lambda r: templates.delete_template_route(r, get_stores))


@bp.route(route="tenants/{tenantId}/templates/{templateId}", methods=["PUT"], auth_level=ANON)
def put_assignment(req: func.HttpRequest) -> func.HttpResponse:
    """Assign a template to a tenant (with its variable values) and measure the tenant now."""
    return respond(req, lambda r: templates.put_assignment(r, get_stores))


@bp.route(route="tenants/{tenantId}/templates/{templateId}", methods=["DELETE"], auth_level=ANON)
def delete_assignment(req: func.HttpRequest) -> func.HttpResponse:
    """Unassign a template from a tenant."""
    return respond(req, lambda r: templates.delete_assignment(r, get_stores))


@bp.route(route="tenants/{tenantId}/alignment", methods=["GET"], auth_level=ANON)
def get_alignment(req: func.HttpRequest) -> func.HttpResponse:
    """The tenant's alignment with each assigned template (one point read)."""
    return respond(req, lambda r: templates.get_alignment(r, get_stores))


@bp.route(route="subscriptions", methods=["GET"], auth_level=ANON)
def get_subscriptions(req: func.HttpRequest) -> func.HttpResponse:
    """Every event subscription (never a signing secret)."""
    return respond(req, lambda r: subscriptions.get_subscriptions(r, get_stores))


@bp.route(route="subscriptions/{subscriptionId}", methods=["PUT"], auth_level=ANON)
def put_subscription(req: func.HttpRequest) -> func.HttpResponse:
    """Create (201, with the signing secret, shown only then) or replace (200) a subscription."""
    return respond(req, lambda r: subscriptions.put_subscription(r, get_stores))


@bp.route(route="subscriptions/{subscriptionId}", methods=["GET"], auth_level=ANON)
def get_subscription(req: func.HttpRequest) -> func.HttpResponse:
    """One subscription (never its signing secret)."""
    return respond(req, lambda r: subscriptions.get_subscription(r, get_stores))


@bp.route(route="subscriptions/{subscriptionId}", methods=["DELETE"], auth_level=ANON)
def delete_subscription(req: func.HttpRequest) -> func.HttpResponse:
    """Delete a subscription and its deliveries log; 204."""
    return respond(req, lambda r: subscriptions.delete_subscription(r, get_stores))


@bp.route(route="subscriptions/{subscriptionId}/test", methods=["POST"], auth_level=ANON)
def post_subscription_test(req: func.HttpRequest) -> func.HttpResponse:
    """Send a drift.subscription.test event to one subscription now; 202."""
    return respond(req, lambda r: subscriptions.post_test(r, get_stores))


@bp.route(route="subscriptions/{subscriptionId}/deliveries", methods=["GET"], auth_level=ANON)
def get_subscription_deliveries(req: func.HttpRequest) -> func.HttpResponse:
    """Recent deliveries of one subscription, newest first."""
    return respond(req, lambda r: subscriptions.get_deliveries(r, get_stores))


@bp.route(route="policy-types", methods=["GET"], auth_level=ANON)
def get_policy_types(req: func.HttpRequest) -> func.HttpResponse:
    """The supported policy types with their names for people and the Graph permission each needs."""
    return respond(req, policy_types.get_policy_types)


@bp.route(route="openapi.json", methods=["GET"], auth_level=ANON)
def get_openapi(req: func.HttpRequest) -> func.HttpResponse:
    """The OpenAPI 3 document of this API."""
    return respond(req, get_document)


# Every path, so a route added later is preflighted too (and `tenants` itself, which a
# `tenants/{*rest}` template does not match).
@bp.route(route="{*path}", methods=["OPTIONS"], auth_level=ANON)
def cors_preflight(req: func.HttpRequest) -> func.HttpResponse:
    """CORS preflight of any route for the allowed origins (CORS_ALLOWED_ORIGINS)."""
    return preflight(req)
