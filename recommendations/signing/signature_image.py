"""Checks on the drawn signature a signer submits: a real, reasonably sized PNG with ink on it,
re-encoded before it is stored so that only the picture is kept (no trailing bytes, no chunks
of text or colour profiles smuggled in with it)."""

import base64
import binascii
import io
import math
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

MAX_BYTES = 200 * 1024
MIN_SIZE = (100, 40)
MAX_SIZE = (2400, 1200)
MIN_INK_PIXELS = 40
DATA_URL_PREFIX = "data:image/png;base64,"


def decode_signature(data_url: str) -> bytes:
    """Return the bytes of a `data:image/png;base64,...` value, or raise ValidationError. The
    signing service checks them (`clean_signature_png`)."""
    if not data_url:
        raise ValidationError(
            _("Draw your signature in the box, or choose “Use my typed name as my signature”."), code="missing"
        )
    if not data_url.startswith(DATA_URL_PREFIX):
        raise ValidationError(_("The signature must be a PNG image drawn in the box."), code="not_png")
    encoded = data_url[len(DATA_URL_PREFIX) :]
    if len(encoded) > MAX_BYTES * 4 // 3 + 4:
        raise ValidationError(_("The signature image is too large (over 200 KB). Please clear it and sign again."))
    try:
        png = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(
            _("The signature could not be read. Please clear it and sign again."), code="bad_base64"
        ) from None
    if len(png) > MAX_BYTES:
        raise ValidationError(_("The signature image is too large (over 200 KB). Please clear it and sign again."))
    return png


def clean_signature_png(png: bytes) -> bytes:
    """The drawn signature re-encoded as a fresh PNG of the same pixels, once it is checked to be
    a PNG of sane dimensions with ink on it; ValidationError otherwise. What is stored and hashed."""
    if len(png) > MAX_BYTES:
        raise ValidationError(_("The signature image is too large (over 200 KB). Please clear it and sign again."))
    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.format != "PNG":
                raise ValidationError(_("The signature must be a PNG image."), code="not_png")
            width, height = image.size
            if not (MIN_SIZE[0] <= width <= MAX_SIZE[0] and MIN_SIZE[1] <= height <= MAX_SIZE[1]):
                raise ValidationError(
                    _("The signature image has impossible dimensions. Please sign again."), code="size"
                )
            image.load()
            ink = ink_pixels(image)
            pixels = image.copy()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("The signature must be a PNG image."), code="not_png") from None
    if ink < MIN_INK_PIXELS:
        raise ValidationError(_("The signature box is empty. Please draw your signature."), code="blank")
    buffer = io.BytesIO()
    # Only the pixels: the source's text chunks, colour profile and anything after IEND stay behind.
    pixels.info = {}
    # The fastest zlib level: this runs in every signing, and a signature is a few kilobytes either way.
    pixels.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def ink_pixels(image: Image.Image) -> int:
    """Pixels that are visibly drawn: opaque enough and darker than the paper."""
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A")
    grey = rgba.convert("L")
    opaque = alpha.point(lambda value: 255 if value > 64 else 0)
    dark = grey.point(lambda value: 255 if value < 160 else 0)
    both = Image.composite(dark, Image.new("L", rgba.size, 0), opaque)
    return both.histogram()[255]


# --- A typed signature, adopted instead of drawing ---------------------------------------------

SCRIPT_FONT = Path(__file__).resolve().parents[2] / "static" / "fonts" / "DancingScript-Regular.otf"
FALLBACK_FONT = Path(__file__).resolve().parents[2] / "riskreg" / "fonts" / "DejaVuSans.ttf"
TYPED_HEIGHT = 150
TYPED_FONT_SIZE = 72
TYPED_INK = (11, 31, 68, 255)
TYPED_MARGIN = 20


@lru_cache(maxsize=1)
def _fonts() -> tuple[ImageFont.FreeTypeFont, ImageFont.FreeTypeFont, bytes]:
    script = ImageFont.truetype(str(SCRIPT_FONT), TYPED_FONT_SIZE)
    fallback = ImageFont.truetype(str(FALLBACK_FONT), round(TYPED_FONT_SIZE * 0.8))
    # What the script font draws for a character it lacks, to tell such characters apart.
    missing = bytes(script.getmask("\U000f0000"))
    return script, fallback, missing


def _font_for(character: str) -> ImageFont.FreeTypeFont:
    """The script font, or the plain one for a letter it lacks (Ł, Ș, Cyrillic…): a name is
    always drawn whole."""
    script, fallback, missing = _fonts()
    if character.isspace():
        return script
    mask = script.getmask(character)
    return fallback if mask.getbbox() is None or bytes(mask) == missing else script


def render_typed_signature(name: str) -> bytes:
    """The signer's typed name drawn in a handwriting font as a PNG: the signature of someone who
    adopts their typed name rather than drawing (keyboard and screen-reader users)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Type your full name to sign with it."), code="typed_name")
    runs = [(character, _font_for(character)) for character in name]
    width = TYPED_MARGIN * 2 + math.ceil(sum(font.getlength(character) for character, font in runs))
    width = min(max(width, MIN_SIZE[0]), MAX_SIZE[0])
    image = Image.new("RGBA", (width, TYPED_HEIGHT), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    x = float(TYPED_MARGIN)
    baseline = TYPED_HEIGHT * 0.68
    for character, font in runs:
        draw.text((x, baseline), character, font=font, fill=TYPED_INK, anchor="ls")
        x += font.getlength(character)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
