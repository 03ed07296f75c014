"""One exception hierarchy with stable error codes; the HTTP layer maps codes to statuses."""

from __future__ import annotations


class DriftError(Exception):
    """Base of every error the app raises on purpose; `code` is stable and safe to show."""

    code = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SettingsError(DriftError):
    """A missing or invalid app setting, named."""

    code = "configuration_error"

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"App setting {setting} {problem}")
        self.setting = setting


class ValidationError(DriftError):
    """Bad input from a caller."""

    code = "bad_request"

    def __init__(self, message: str, code: str = "bad_request") -> None:
        super().__init__(message)
        self.code = code


class PayloadTooLargeError(ValidationError):
    """A request body over the limit (413)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "payload_too_large")


class UnsupportedMediaTypeError(ValidationError):
    """A body that is not JSON (415)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "unsupported_media_type")


class NotFoundError(DriftError):
    """Unknown, or not visible to the caller (the two answer alike)."""

    code = "not_found"


class ConflictError(DriftError):
    """The request conflicts with the current state."""

    code = "conflict"

    def __init__(self, message: str, code: str = "conflict") -> None:
        super().__init__(message)
        self.code = code


class PreconditionFailedError(DriftError):
    """An If-Match / ETag precondition did not hold."""

    code = "precondition_failed"


class AuthenticationError(DriftError):
    """No acceptable identity."""

    code = "unauthenticated"


class ForbiddenError(DriftError):
    """Identity present, role missing."""

    code = "forbidden"


class OriginNotAllowedError(ForbiddenError):
    """A browser request from an origin that is neither the app's own nor an allowed one (403)."""

    code = "origin_not_allowed"


class ScanBusyError(DriftError):
    """Another scan of the same tenant and scope holds the lock; the message is retried later."""

    code = "scan_busy"


class GraphError(DriftError):
    """A Graph read failed; `code` is one of the stable scan error codes of DESIGN §4."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class SnapshotError(DriftError):
    """A snapshot blob could not be read or did not match the schema."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class ComparisonError(DriftError):
    """Two snapshots that must not be compared (other tenant, other scope)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class ConcurrentUpdateError(DriftError):
    """Someone else changed what we were about to write (ETag mismatch)."""

    code = "concurrent_update"


class StorageLimitError(DriftError):
    """A value that Table Storage cannot hold, even chunked."""

    code = "storage_limit"


class SecretUnreadableError(DriftError):
    """A stored secret cannot be opened with the current key (SECRET_HASH_KEY changed or the data was altered)."""

    code = "signing_secret_unreadable"
