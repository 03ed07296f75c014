"""The outbound webhook adapter (DESIGN §13): the only code that sends HTTP to subscribers.

`resolve_target` checks a subscription URL where it resolves (used when a subscription is saved and
before every send); `send` / `post` make one attempt and report it. Rules, bodies, signatures and
retries are decided in `shared.core.events`; `shared.flows.events` puts them together.
"""

from shared.webhooks.sender import (
    MAX_RESPONSE_BYTES,
    TIMEOUT_SECONDS,
    Resolver,
    SendResult,
    Target,
    loopback_allowed,
    post,
    resolve_target,
    send,
    system_resolver,
)
from shared.webhooks.urls import parse_webhook_url

__all__ = [
    "MAX_RESPONSE_BYTES",
    "TIMEOUT_SECONDS",
    "Resolver",
    "SendResult",
    "Target",
    "loopback_allowed",
    "parse_webhook_url",
    "post",
    "resolve_target",
    "send",
    "system_resolver",
]
