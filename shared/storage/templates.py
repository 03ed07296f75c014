"""Templates (DESIGN §14): one record per template in Table Storage, each version's frozen content
in its own create-only blob `templates/{templateId}/v{version}-{suffix}.json.gz` (old versions kept)."""

from __future__ import annotations

import gzip
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableEntity
from azure.storage.blob import ContentSettings

from shared.core.canonical import canonical_bytes
from shared.settings import TEMPLATE_CONTAINER
from shared.storage.blobs import container_client
from shared.storage.clients import StorageClients
from shared.storage.tables import dump_json, load_json, pack_chunks, table_client, unpack_chunks, write_if_unchanged

_PARTITION = "template"
_OBJECTS = "objectsGz"
_SCALARS = ("displayName", "version", "sourceTenantId", "runId", "compareAssignments", "blobName", "createdAt",
            "updatedAt", "objectCount")  # fmt: skip


@dataclass(frozen=True)
class TemplateRecord:
    """A template's current version as listed: scalars, variables, its objects, and the record's ETag."""

    template_id: str
    fields: dict[str, Any]
    variables: dict[str, str]
    objects: list[dict[str, Any]]
    etag: str

    @property
    def version(self) -> int:
        return int(self.fields["version"])

    @property
    def blob_name(self) -> str:
        return str(self.fields["blobName"])

    def to_json(self) -> dict[str, Any]:
        """The template as the API shows it."""
        return {
            "templateId": self.template_id,
            **{k: self.fields.get(k) for k in _SCALARS if k != "blobName"},
            "variables": self.variables,
            "objects": self.objects,
        }


def _record(entity: TableEntity) -> TemplateRecord:
    return TemplateRecord(
        template_id=entity["RowKey"],
        fields={k: entity.get(k) for k in _SCALARS},
        variables=load_json(entity.get("variables"), {}),
        objects=unpack_chunks(entity, _OBJECTS, []),
        etag=str(entity.metadata["etag"]),
    )


class TemplateStore:
    """Template records (table `templates`) and their versions' content (container `templates`)."""

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "templates")
        self._container = container_client(clients, TEMPLATE_CONTAINER)

    def get(self, template_id: str) -> TemplateRecord | None:
        try:
            return _record(self._table.get_entity(_PARTITION, template_id))
        except ResourceNotFoundError:
            return None

    def all(self) -> list[TemplateRecord]:
        entities = self._table.query_entities("PartitionKey eq @p", parameters={"p": _PARTITION})
        return sorted((_record(e) for e in entities), key=lambda r: r.template_id)

    def document(self, blob_name: str) -> dict[str, Any] | None:
        """One version's frozen content."""
        try:
            data = self._container.download_blob(blob_name).readall()
        except ResourceNotFoundError:
            return None
        return dict(json.loads(gzip.decompress(data)))

    def save(
        self,
        document: dict[str, Any],
        objects: Sequence[Mapping[str, Any]],
        created_at: str,
        updated_at: str,
        etag: str | None,
    ) -> TemplateRecord:
        """Write a new version: its content blob (create-only, never overwritten), then the record,
        created (etag None) or replaced only if unchanged since read (else ConcurrentUpdateError)."""
        template_id = str(document["templateId"])
        blob_name = f"{template_id}/v{int(document['version']):06d}-{secrets.token_hex(4)}.json.gz"
        self._container.upload_blob(
            blob_name,
            gzip.compress(canonical_bytes(document), mtime=0),
            overwrite=False,
            content_settings=ContentSettings(content_type="application/gzip"),
        )
        entity: dict[str, Any] = {
            "PartitionKey": _PARTITION,
            "RowKey": template_id,
            "displayName": document["displayName"],
            "version": int(document["version"]),
            "sourceTenantId": document["sourceTenantId"],
            "runId": document["runId"],
            "compareAssignments": bool(document["compareAssignments"]),
            "variables": dump_json(document["variables"]),
            "blobName": blob_name,
            "createdAt": created_at,
            "updatedAt": updated_at,
            "objectCount": len(objects),
            **pack_chunks(_OBJECTS, objects),
        }
        # Should another writer win, this version's blob stays unreferenced (names never collide).
        write_if_unchanged(self._table, entity, etag, f"template {template_id}")
        record = self.get(template_id)
        assert record is not None
        return record

    def delete(self, template_id: str) -> bool:
        """Delete the record and every version's content; True when there was a record."""
        existed = self.get(template_id) is not None
        self._table.delete_entity(_PARTITION, template_id)
        for blob in self._container.list_blobs(name_starts_with=f"{template_id}/"):
            try:
                self._container.delete_blob(blob.name)
            except ResourceNotFoundError:
                pass
        return existed

    def version_names(self, template_id: str) -> list[str]:
        """Blob names of every stored version of a template, oldest first."""
        return sorted(b.name for b in self._container.list_blobs(name_starts_with=f"{template_id}/"))
