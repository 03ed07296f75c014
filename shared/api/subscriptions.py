"""Subscription routes (DESIGN §13, role Drift.Admin): create or replace, list, read, delete, send a
test event, and the deliveries log. The signing secret is answered once, when a subscription is
created; a URL that breaks the rules is a 400 `invalid_url` before anything is stored or sent."""

from __future__ import annotations

from typing import Final

from shared.api.guard import StoresFactory, enter, enter_with_query
from shared.api.request import ApiRequest, ApiResponse
from shared.api.validate import Integer, json_body
from shared.core.access import ROLE_ADMIN
from shared.core.events import parse_subscription
from shared.core.ids import require_subscription_id
from shared.errors import NotFoundError
from shared.flows.events import send_test_event
from shared.webhooks import resolve_target

DEFAULT_DELIVERIES: Final = 50
MAX_DELIVERIES: Final = 200
SUBSCRIPTION_NOT_FOUND: Final = "subscription not found"


def _route_id(request: ApiRequest) -> str:
    return require_subscription_id(request.route.get("subscriptionId"))


def put_subscription(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """PUT /api/subscriptions/{subscriptionId}: 201 with `signingSecret` on create, 200 on replace."""
    caller = enter(request, ROLE_ADMIN)
    subscription_id = _route_id(request)
    spec = parse_subscription(json_body(request))
    resolve_target(spec.url)  # the URL rules, where it resolves now; delivery checks again each time
    subscription, secret = open_stores().subscriptions.put(subscription_id, spec, caller.name)
    body = subscription.to_json()
    if secret is None:
        return ApiResponse(body, 200)
    return ApiResponse({**body, "signingSecret": secret}, 201)


def get_subscriptions(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """GET /api/subscriptions: every subscription, by id (never a secret)."""
    enter(request, ROLE_ADMIN)
    return ApiResponse({"subscriptions": [s.to_json() for s in open_stores().subscriptions.list()]})


def get_subscription(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """GET /api/subscriptions/{subscriptionId} (never the secret)."""
    enter(request, ROLE_ADMIN)
    subscription = open_stores().subscriptions.get(_route_id(request))
    if subscription is None:
        raise NotFoundError(SUBSCRIPTION_NOT_FOUND)
    return ApiResponse(subscription.to_json())


def delete_subscription(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """DELETE /api/subscriptions/{subscriptionId}: 204; its deliveries log goes with it."""
    enter(request, ROLE_ADMIN)
    subscription_id = _route_id(request)
    stores = open_stores()
    if not stores.subscriptions.delete(subscription_id):
        raise NotFoundError(SUBSCRIPTION_NOT_FOUND)
    stores.deliveries.delete_all(subscription_id)
    return ApiResponse(None, 204)


def post_test(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """POST /api/subscriptions/{subscriptionId}/test: enqueue a `drift.subscription.test` event; 202."""
    caller = enter(request, ROLE_ADMIN)
    subscription_id = _route_id(request)
    event = send_test_event(open_stores(), subscription_id, caller.name)
    return ApiResponse(
        {"subscriptionId": subscription_id, "eventId": event["id"], "type": event["type"], "status": "queued"}, 202
    )


def get_deliveries(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """GET /api/subscriptions/{subscriptionId}/deliveries?top=N: recent deliveries, newest first."""
    _, params = enter_with_query(request, ROLE_ADMIN, {"top": Integer(1, MAX_DELIVERIES, DEFAULT_DELIVERIES)})
    subscription_id = _route_id(request)
    limit = int(params["top"])
    stores = open_stores()
    if stores.subscriptions.get(subscription_id) is None:
        raise NotFoundError(SUBSCRIPTION_NOT_FOUND)
    records = stores.deliveries.recent(subscription_id, limit)
    return ApiResponse({"subscriptionId": subscription_id, "deliveries": [r.to_json() for r in records]})
