"""Site photos of a ticket (巡查照片, 处置前, 处置后): the one check of an upload and where it is stored.
Patrol reports and replies both attach photos here; they are served only by the ticket's photo endpoint."""

from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from common.errors import ApplicationError
from dispatch.models import Ticket, TicketPhoto

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 9
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass(frozen=True)
class PhotoUpload:
    kind: str  # TicketPhoto.Kind
    file: object  # an uploaded file


def photos_check(files, *, field: str, required: bool = False, label: str = "照片") -> list:
    """The uploaded files as a list, each a JPG/PNG/WEBP image of at most 5 MB, at most nine.
    Raises ApplicationError naming `field`."""
    files = [f for f in (files or []) if f]
    if required and not files:
        raise ApplicationError(f"请上传{label}", code="required", extra={"field": field})
    if len(files) > MAX_PHOTOS:
        raise ApplicationError(f"{label}最多{MAX_PHOTOS}张", code="too_many", extra={"field": field})
    for f in files:
        if f.size > MAX_PHOTO_BYTES:
            raise ApplicationError(f"{label}不能超过5MB", code="too_large", extra={"field": field})
        try:
            f.seek(0)
            fmt = Image.open(f).format
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise ApplicationError(f"{label}不是有效的图片", code="invalid_image", extra={"field": field}) from exc
        finally:
            f.seek(0)
        if fmt not in PHOTO_FORMATS:
            raise ApplicationError("只支持 JPG、PNG 或 WEBP 图片", code="invalid_image", extra={"field": field})
    return files


def photos_attach(*, ticket: Ticket, by, photos: list[PhotoUpload]) -> list[TicketPhoto]:
    """Store the photos of a ticket (inside the caller's transaction; checked by `photos_check`)."""
    getattr(ticket, "_prefetched_objects_cache", {}).pop("photos", None)  # a fresh ticket's "none yet"
    rows = []
    for p in photos:
        row = TicketPhoto(ticket=ticket, kind=p.kind, uploaded_by=by if getattr(by, "pk", None) else None)
        row.image.save(getattr(p.file, "name", "photo.jpg") or "photo.jpg", p.file, save=False)
        row.save()
        rows.append(row)
    return rows
