"""Event subscriptions in Table Storage (DESIGN §13): one row each; the signing secret kept sealed.

The signing secret must be read back to sign every delivery, so it cannot be hashed like the
secret values of snapshots. It is sealed with AES-256-GCM under a key derived (HKDF-SHA256, its own
`info` label) from SECRET_HASH_KEY, the deployment's Key Vault secret, with the subscription id as
associated data: the table alone never reveals a secret, and a sealed value copied to another row
does not open. The secret is returned once, by `put` when it creates the row, and never logged.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.data.tables import UpdateMode
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shared import settings
from shared.core.clock import now_iso
from shared.core.events import (
    Subscription,
    SubscriptionSpec,
    filter_from_json,
    is_signing_secret,
    new_signing_secret,
)
from shared.errors import SecretUnreadableError, SettingsError
from shared.storage.clients import StorageClients
from shared.storage.tables import dump_json, load_json, table_client

_PARTITION: Final = "subscription"
_SEAL_VERSION: Final = "v1"
_SEAL_INFO: Final = b"tenantatlas-drift/webhook-signing-secret/v1"
_NONCE_BYTES: Final = 12


def _sealing_key(env: Mapping[str, str] | None = None) -> AESGCM:
    raw = settings.get("SECRET_HASH_KEY", env)
    if not raw:
        raise SettingsError(
            "SECRET_HASH_KEY", "must be set: webhook signing secrets are sealed with a key derived from it"
        )
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=_SEAL_INFO).derive(raw.encode("utf-8"))
    return AESGCM(key)


def seal_secret(secret: str, subscription_id: str, env: Mapping[str, str] | None = None) -> str:
    """`v1.` + base64(nonce ‖ AES-GCM ciphertext), bound to the subscription id."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _sealing_key(env).encrypt(nonce, secret.encode("utf-8"), subscription_id.encode("utf-8"))
    return f"{_SEAL_VERSION}.{base64.b64encode(nonce + sealed).decode('ascii')}"


def open_secret(token: str, subscription_id: str, env: Mapping[str, str] | None = None) -> str:
    """The secret sealed by `seal_secret` for this subscription; SecretUnreadableError otherwise."""
    version, _, payload = token.partition(".")
    try:
        if version != _SEAL_VERSION:
            raise ValueError(version)
        raw = base64.b64decode(payload, validate=True)
        plain = _sealing_key(env).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], subscription_id.encode("utf-8"))
        secret = plain.decode("utf-8")
        if not is_signing_secret(secret):
            raise ValueError("not a signing secret")
        return secret
    except (ValueError, InvalidTag):
        raise SecretUnreadableError(
            f"the signing secret of subscription {subscription_id} cannot be opened with the current SECRET_HASH_KEY; "
            "delete and re-create the subscription"
        ) from None


def _from_entity(entity: Mapping[str, Any]) -> Subscription:
    return Subscription(
        subscription_id=str(entity["RowKey"]),
        url=str(entity["url"]),
        format=entity["format"],
        filter=filter_from_json(load_json(entity.get("filter"), {})),
        enabled=bool(entity.get("enabled")),
        created_at=str(entity.get("createdAt", "")),
        updated_at=str(entity.get("updatedAt", "")),
    )


@dataclass(frozen=True)
class SealedSubscription:
    """A subscription read together with its sealed secret (one point read for a delivery)."""

    subscription: Subscription
    sealed_secret: str

    def signing_secret(self) -> str:
        """The `whsec_` secret, opened for signing (never log it); SecretUnreadableError if it cannot be."""
        return open_secret(self.sealed_secret, self.subscription.subscription_id)


class SubscriptionStore:
    """Create, replace, read, list and delete subscriptions; open a subscription's signing secret."""

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "subscriptions")

    def get(self, subscription_id: str) -> Subscription | None:
        try:
            return _from_entity(self._table.get_entity(_PARTITION, subscription_id))
        except ResourceNotFoundError:
            return None

    def list(self) -> list[Subscription]:
        """Every subscription, by id (the secret column is not read)."""
        entities = self._table.query_entities(
            "PartitionKey eq @p",
            parameters={"p": _PARTITION},
            select=["RowKey", "url", "format", "filter", "enabled", "createdAt", "updatedAt"],
        )
        return sorted((_from_entity(e) for e in entities), key=lambda s: s.subscription_id)

    def put(self, subscription_id: str, spec: SubscriptionSpec, by: str) -> tuple[Subscription, str | None]:
        """Create (with a new signing secret, returned once) or replace (the secret is kept; None)."""
        now = now_iso()
        fields: dict[str, Any] = {
            "PartitionKey": _PARTITION,
            "RowKey": subscription_id,
            "url": spec.url,
            "format": spec.format,
            "filter": dump_json(spec.filter.to_json()),
            "enabled": spec.enabled,
            "updatedAt": now,
            "updatedBy": by,
        }
        while True:
            existing = self.get(subscription_id)
            if existing is None:
                secret = new_signing_secret()
                entity = {**fields, "createdAt": now, "createdBy": by, "secret": seal_secret(secret, subscription_id)}
                try:
                    self._table.create_entity(entity)
                    return _from_entity(entity), secret
                except ResourceExistsError:
                    continue  # created meanwhile: replace it instead
            try:
                self._table.update_entity(fields, mode=UpdateMode.MERGE)
            except ResourceNotFoundError:
                continue  # deleted meanwhile: create it
            return _from_entity({**fields, "createdAt": existing.created_at}), None

    def delete(self, subscription_id: str) -> bool:
        """Remove a subscription; False when there was none."""
        if self.get(subscription_id) is None:
            return False
        try:
            self._table.delete_entity(_PARTITION, subscription_id)
        except ResourceNotFoundError:
            return False
        return True

    def with_secret(self, subscription_id: str) -> SealedSubscription | None:
        """The subscription and its sealed secret, for a delivery; None when there is none."""
        try:
            entity = self._table.get_entity(_PARTITION, subscription_id)
        except ResourceNotFoundError:
            return None
        return SealedSubscription(_from_entity(entity), str(entity.get("secret", "")))
