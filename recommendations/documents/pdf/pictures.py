"""Pictures on the page: the practice's logo, the drawn signature and the verification QR code."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache, partial

import qrcode
from PIL import Image as PILImage
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable


def flatten_png(png: bytes, *, trim: bool, box_mm: tuple[float, float]) -> PILImage.Image:
    """Decode a PNG, flatten transparency onto white paper and cap it at print resolution.

    An opaque image embeds without a soft mask, which halves what the PDF has to compress,
    and pixels beyond 300 dpi at the printed size only cost compression time.
    `trim` crops the blank margin a signature pad leaves around the strokes so the
    signature fills its box.
    """
    with PILImage.open(io.BytesIO(png)) as source:
        image = source.convert("RGBA")
    if trim:
        box = image.getchannel("A").getbbox()
        if box is not None:
            margin = 4
            image = image.crop(
                (
                    max(box[0] - margin, 0),
                    max(box[1] - margin, 0),
                    min(box[2] + margin, image.width),
                    min(box[3] + margin, image.height),
                )
            )
    image.thumbnail((round(box_mm[0] / 25.4 * 300), round(box_mm[1] / 25.4 * 300)))
    paper = PILImage.new("RGB", image.size, "white")
    paper.paste(image, mask=image.getchannel("A"))
    return paper


class Picture(Flowable):
    """An image scaled to fit a box of `box_mm` (width, height), keeping its proportions."""

    def __init__(self, image: PILImage.Image, *, box_mm: tuple[float, float]) -> None:
        super().__init__()
        self._reader = ImageReader(image)
        width, height = image.size
        scale = min(box_mm[0] * mm / width, box_mm[1] * mm / height)
        self.width, self.height = width * scale, height * scale

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.drawImage(self._reader, 0, 0, self.width, self.height)


LOGO_BOX_MM = (55, 18)
SIGNATURE_BOX_MM = (58, 24)

# Every document of a practice carries the same logo: decode it once.
flatten_logo = lru_cache(maxsize=4)(partial(flatten_png, trim=False, box_mm=LOGO_BOX_MM))


class QrCode(Flowable):
    """QR code drawn as one filled path (reportlab's widget makes a node per module run)."""

    _QUIET_ZONE = 4

    def __init__(self, value: str, size: float) -> None:
        super().__init__()
        # A fixed mask skips scoring all eight masks, which costs more than the rest of the
        # page; any mask is valid, and at this size and error-correction level the code
        # scans reliably either way.
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, mask_pattern=0, border=0)
        code.add_data(value)
        # Without a version given, make() finds the smallest one either way; fit=True would
        # search a second time.
        code.make(fit=False)
        self._modules: list[list[bool | None]] = code.modules
        self.width = self.height = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        count = len(self._modules)
        rects: list[str] = []
        for row_index, row in enumerate(self._modules):
            y = count - row_index - 1
            start: int | None = None
            for column, dark in enumerate(row):
                if dark and start is None:
                    start = column
                elif not dark and start is not None:
                    rects.append(f"{start} {y} {column - start} 1 re")
                    start = None
            if start is not None:
                rects.append(f"{start} {y} {count - start} 1 re")
        self.canv.saveState()
        box = self.width / (count + 2 * self._QUIET_ZONE)
        self.canv.translate(self._QUIET_ZONE * box, self._QUIET_ZONE * box)
        self.canv.scale(box, box)
        self.canv.setFillColor(colors.black)
        # Whole-module coordinates written directly: a few hundred rectangles through
        # reportlab's path object cost a noticeable share of the render in number formatting.
        self.canv.drawPath(_RawPath(" ".join(rects)), stroke=0, fill=1)
        self.canv.restoreState()


@dataclass(frozen=True)
class _RawPath:
    """Pre-built PDF path operators, for `Canvas.drawPath`."""

    code: str

    def getCode(self) -> str:
        return self.code
