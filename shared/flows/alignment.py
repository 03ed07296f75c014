"""The alignment flow (DESIGN §14): freeze templates, assign them, and measure each assigned tenant's
latest completed run against them, storing the result per tenant (the shell).

Recomputation is triggered by a completed scan (the scan glue enqueues an alignment message), by a
new template version (the template route enqueues one per assigned tenant) and by an assignment
(computed at once). Every recomputation rebuilds the tenant's whole alignment from what is stored
now, under the alignment entity's ETag, so concurrent triggers never leave an older answer behind.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from shared.core.alignment import (
    ObjectRef,
    TemplateAlignment,
    align,
    freeze_template,
    policy_types,
    template_objects,
    waiting_for_run,
)
from shared.core.clock import now_iso
from shared.core.messages import parse_alignment_message
from shared.core.snapshot import scan_snapshot, snapshot_path
from shared.errors import ConcurrentUpdateError, ConflictError, NotFoundError, ValidationError
from shared.storage.assignments import Assignment
from shared.storage.stores import Stores
from shared.storage.templates import TemplateRecord

log = logging.getLogger(__name__)

MAX_ATTEMPTS: Final = 5


@dataclass(frozen=True)
class TemplateRequest:
    """A validated `PUT /api/templates/{templateId}` body."""

    display_name: str
    source_tenant_id: str
    run_id: str | None
    objects: list[ObjectRef] | None
    variables: dict[str, str]
    compare_assignments: bool


@dataclass(frozen=True)
class AlignmentOutcome:
    """What one recomputation did."""

    tenant_id: str
    run_id: str | None
    results: list[TemplateAlignment]


def _source_run(stores: Stores, request: TemplateRequest) -> str:
    if stores.tenants.get(request.source_tenant_id) is None:
        raise NotFoundError(f"source tenant {request.source_tenant_id} not found")
    if request.run_id is None:
        latest = stores.runs.latest_completed(request.source_tenant_id)
        if latest is None:
            raise ConflictError("the source tenant has no completed run yet", "no_completed_run")
        return latest.run_id
    run = stores.runs.get(request.source_tenant_id, request.run_id)
    if run is None:
        raise NotFoundError(f"run {request.run_id} not found for tenant {request.source_tenant_id}")
    if run.status != "completed":
        raise ConflictError(
            f"run {request.run_id} is {run.status}; a template needs a completed run", "run_not_completed"
        )
    return run.run_id


def save_template(stores: Stores, template_id: str, request: TemplateRequest) -> tuple[TemplateRecord, bool]:
    """Create a template (version 1) or a new version of it from the source tenant's run; returns the
    record and whether it was created. Nothing is stored unless every check passes."""
    run_id = _source_run(stores, request)
    data = stores.snapshots.read(snapshot_path(request.source_tenant_id, run_id))
    if data is None:
        raise ConflictError(f"the snapshot of run {run_id} is missing", "snapshot_missing")
    wanted = {(o["policyType"], o["id"]) for o in request.objects} if request.objects is not None else None
    snapshot, _ = scan_snapshot(data, None if wanted is None else lambda t, item: (t, item["id"]) in wanted)
    for attempt in range(MAX_ATTEMPTS):
        existing = stores.templates.get(template_id)
        now = now_iso()
        document = freeze_template(
            template_id=template_id,
            version=existing.version + 1 if existing else 1,
            display_name=request.display_name,
            snapshot=snapshot,
            objects=request.objects,
            variables=request.variables,
            compare_assignments=request.compare_assignments,
            created_at=now,
        )
        try:
            record = stores.templates.save(
                document,
                template_objects(document),
                str(existing.fields["createdAt"]) if existing else now,
                now,
                existing.etag if existing else None,
            )
            return record, existing is None
        except ConcurrentUpdateError:
            log.info("template %s changed meanwhile (attempt %d); saving as the next version", template_id, attempt + 1)
    raise ConflictError(f"template {template_id} kept changing; try again", "concurrent_update")


def _template_documents(stores: Stores, assignments: list[Assignment]) -> list[tuple[Assignment, dict[str, Any]]]:
    out = []
    for assignment in assignments:
        record = stores.templates.get(assignment.template_id)
        document = stores.templates.document(record.blob_name) if record else None
        if document is not None:  # a template deleted meanwhile takes its assignment with it
            out.append((assignment, document))
    return out


def _measure(stores: Stores, tenant_id: str) -> tuple[str | None, list[TemplateAlignment]]:
    pairs = _template_documents(stores, stores.assignments.for_tenant(tenant_id))
    if not pairs:
        return None, []
    run = stores.runs.latest_completed(tenant_id)
    data = stores.snapshots.read(snapshot_path(tenant_id, run.run_id)) if run else None
    if run is None or data is None:
        return None, [waiting_for_run(document) for _, document in pairs]
    needed = {t for _, document in pairs for t in policy_types(document)}
    # Whole items only for the types the templates hold; the rest of the snapshot stays stubs.
    snapshot, _ = scan_snapshot(data, lambda policy_type, _item: policy_type in needed)
    return run.run_id, [align(document, snapshot, _values(assignment, document)) for assignment, document in pairs]


def _values(assignment: Assignment, document: Mapping[str, Any]) -> dict[str, str]:
    """The tenant's variable values; the source tenant's own are the template's (unless it overrides them)."""
    if assignment.tenant_id == document.get("sourceTenantId"):
        return {**(document.get("variables") or {}), **assignment.variables}
    return dict(assignment.variables)


def refresh_alignment(stores: Stores, tenant_id: str) -> AlignmentOutcome:
    """Recompute and store a tenant's alignment with every template assigned to it."""
    for attempt in range(MAX_ATTEMPTS):
        current = stores.alignments.get(tenant_id)
        run_id, results = _measure(stores, tenant_id)
        if current is None and not results:
            return AlignmentOutcome(tenant_id, run_id, [])
        try:
            stores.alignments.put(tenant_id, [dict(r) for r in results], now_iso(), current.etag if current else None)
            return AlignmentOutcome(tenant_id, run_id, results)
        except ConcurrentUpdateError:
            log.info("alignment of tenant %s changed meanwhile (attempt %d); recomputing", tenant_id, attempt + 1)
    raise ConcurrentUpdateError(f"alignment of tenant {tenant_id} kept changing")


def drop_template(stores: Stores, tenant_id: str, template_id: str) -> None:
    """Remove one template's result from a tenant's stored alignment (unassigned or deleted)."""
    for _ in range(MAX_ATTEMPTS):
        current = stores.alignments.get(tenant_id)
        if current is None:
            return
        kept = [r for r in current.results if r.get("templateId") != template_id]
        if len(kept) == len(current.results):
            return
        try:
            stores.alignments.put(tenant_id, kept, now_iso(), current.etag)
            return
        except ConcurrentUpdateError:
            continue
    raise ConcurrentUpdateError(f"alignment of tenant {tenant_id} kept changing")


def assign_template(
    stores: Stores, tenant_id: str, template_id: str, variables: Mapping[str, str], by: str
) -> tuple[bool, TemplateAlignment]:
    """Assign a template to a tenant with its values for the template's variables, and measure the
    tenant at once; returns whether the assignment is new and the template's alignment."""
    record = stores.templates.get(template_id)
    if record is None:
        raise NotFoundError(f"template {template_id} not found")
    unknown = sorted(set(variables) - set(record.variables))
    if unknown:
        raise ValidationError(
            f"variable(s) {', '.join(unknown)} name nothing: template {template_id} has no such variable",
            "unknown_variable",
        )
    created = stores.assignments.put(tenant_id, template_id, dict(variables), now_iso(), by)
    outcome = refresh_alignment(stores, tenant_id)
    (result,) = [r for r in outcome.results if r["templateId"] == template_id]
    return created, result


def unassign_template(stores: Stores, tenant_id: str, template_id: str) -> None:
    """Unassign a template from a tenant, and forget the tenant's alignment with it."""
    if not stores.assignments.delete(tenant_id, template_id):
        raise NotFoundError(f"template {template_id} is not assigned to this tenant")
    drop_template(stores, tenant_id, template_id)


def delete_template(stores: Stores, template_id: str) -> None:
    """Delete a template, every version of it, its assignments and the alignments with it."""
    if stores.templates.get(template_id) is None:
        raise NotFoundError(f"template {template_id} not found")
    tenants = [a.tenant_id for a in stores.assignments.for_template(template_id)]
    for tenant_id in tenants:
        stores.assignments.delete(tenant_id, template_id)
    stores.templates.delete(template_id)
    for tenant_id in tenants:
        drop_template(stores, tenant_id, template_id)


def assigned_tenants(stores: Stores, template_id: str) -> list[str]:
    """The tenants a template is assigned to."""
    return [a.tenant_id for a in stores.assignments.for_template(template_id)]


def run_alignment_message(body: str, stores: Stores) -> AlignmentOutcome:
    """Entry for the queue trigger: parse, then recompute the tenant's alignment."""
    request = parse_alignment_message(body)
    outcome = refresh_alignment(stores, request.tenant_id)
    log.info(
        "align_tenant: tenant %s (%s): %d template(s) against run %s",
        request.tenant_id, request.reason, len(outcome.results), outcome.run_id,
    )  # fmt: skip
    return outcome
