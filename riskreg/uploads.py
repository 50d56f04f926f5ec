"""Checks for uploaded files by their content, not their name or the browser's content type.

Form fields call these from `clean_<field>()`; each returns the upload, renamed to an extension
that matches what it really is, or raises ValidationError with a message for the user.
"""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_EXTENSIONS = {"PNG": "png", "JPEG": "jpg"}
LOGO_MAX_BYTES = 1024 * 1024
PDF_MAX_BYTES = 10 * 1024 * 1024


def _check_size(upload: UploadedFile, max_bytes: int) -> None:
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )


def _renamed(upload: UploadedFile, stem: str, extension: str) -> UploadedFile:
    # The stored name comes from what the content is, so a PNG uploaded as "logo.html" is served as .png.
    upload.name = f"{stem}-{uuid.uuid4().hex[:8]}.{extension}"
    upload.seek(0)
    return upload


def checked_image(
    upload: UploadedFile,
    *,
    formats: tuple[str, ...] = ("PNG", "JPEG"),
    max_bytes: int = LOGO_MAX_BYTES,
    min_side: int = 16,
    max_side: int = 4000,
    stem: str = "image",
) -> UploadedFile:
    _check_size(upload, max_bytes)
    upload.seek(0)
    data = upload.read()
    allowed = " or ".join(formats)
    try:
        # Only the header is parsed here, so a decompression bomb is rejected by its declared size
        # before any pixel is decoded.
        with Image.open(io.BytesIO(data)) as image:
            image_format, (width, height) = image.format, image.size
            if image_format not in formats:
                raise ValidationError(f"Upload a {allowed} image; this file is {image_format}.", code="format")
            if not (min_side <= width <= max_side and min_side <= height <= max_side):
                raise ValidationError(
                    f"The image is {width}×{height} pixels; each side must be between {min_side} and {max_side}.",
                    code="dimensions",
                )
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(f"This file is not a valid {allowed} image.", code="invalid") from None
    return _renamed(upload, stem, IMAGE_EXTENSIONS.get(image_format, image_format.lower()))


def checked_pdf(upload: UploadedFile, *, max_bytes: int = PDF_MAX_BYTES, stem: str = "document") -> UploadedFile:
    """A PDF by its content: the %PDF- signature and a document pypdf can read."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    _check_size(upload, max_bytes)
    upload.seek(0)
    data = upload.read()
    # The PDF specification lets the header start within the first 1024 bytes.
    if b"%PDF-" not in data[:1024]:
        raise ValidationError(_("Upload a PDF document; this file is not a PDF."), code="format")
    try:
        pages = len(PdfReader(io.BytesIO(data)).pages)
    # PyPdfError includes the limits pypdf enforces (a page tree nested past 100 levels, a stream
    # inflating past 75 MB); RecursionError is what a deeper structure costs a parser without one.
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise ValidationError(_("This PDF is damaged and cannot be read."), code="invalid") from None
    if pages == 0:
        raise ValidationError(_("This PDF has no pages."), code="invalid")
    return _renamed(upload, stem, "pdf")
