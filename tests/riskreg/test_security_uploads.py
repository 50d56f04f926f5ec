"""Uploads are judged by their content: the practice logo must really be a small PNG or JPEG."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from clients.forms import PracticeProfileForm
from clients.models import PracticeProfile
from riskreg.uploads import checked_image, checked_pdf


def image_bytes(fmt: str, size: tuple[int, int] = (120, 60), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (20, 90, 160)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(("fmt", "extension"), [("PNG", "png"), ("JPEG", "jpg")])
def test_a_png_or_jpeg_passes_and_is_named_after_its_real_type(fmt, extension):
    checked = checked_image(upload("logo.html", image_bytes(fmt)), stem="logo")
    assert checked.name.startswith("logo-")
    assert checked.name.endswith(f".{extension}")
    assert checked.read(4) == image_bytes(fmt)[:4]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.gif", image_bytes("GIF", mode="P"), "this file is GIF"),
        ("logo.png", image_bytes("BMP"), "this file is BMP"),
        ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "not a valid"),
        ("logo.png", b"<html><script>alert(1)</script></html>", "not a valid"),
        ("logo.png", image_bytes("PNG")[:60], "not a valid"),
        ("logo.png", image_bytes("PNG", size=(5000, 40)), "5000×40 pixels"),
        ("logo.png", image_bytes("PNG", size=(8, 8)), "8×8 pixels"),
    ],
)
def test_anything_else_is_refused_with_a_reason(name, content, message):
    with pytest.raises(ValidationError) as error:
        checked_image(upload(name, content))
    assert message in " ".join(error.value.messages)


def test_an_image_over_one_megabyte_is_refused_before_it_is_parsed():
    noisy = Image.frombytes("RGB", (1000, 1000), bytes(range(256)) * 11718 + bytes(192))
    buffer = io.BytesIO()
    noisy.save(buffer, format="PNG", compress_level=0)
    assert buffer.tell() > 1024 * 1024
    with pytest.raises(ValidationError) as error:
        checked_image(upload("big.png", buffer.getvalue()))
    assert "the limit is 1.0\xa0MB" in error.value.messages[0]


def test_a_pdf_is_checked_by_its_content():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert checked_pdf(upload("signed.exe", buffer.getvalue(), "application/pdf")).name.endswith(".pdf")
    for bad in [b"MZ\x90\x00 not a pdf", b"%PDF-1.7\n garbage without objects"]:
        with pytest.raises(ValidationError):
            checked_pdf(upload("signed.pdf", bad, "application/pdf"))


def profile_data() -> dict:
    profile = PracticeProfile.load()
    form = PracticeProfileForm(instance=profile)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name)
        if name == "logo" or value is None:
            continue
        formatted = field.widget.format_value(value) if hasattr(field.widget, "format_value") else value
        if isinstance(formatted, list):  # a select's format_value lists the chosen values
            formatted = formatted[0] if formatted else ""
        data[name] = "" if formatted is None else formatted
    data.update(legal_name="Northwind MSP", mailing_address="1 Main St", email="office@northwind.example")
    return data


@pytest.mark.django_db
def test_the_practice_profile_form_refuses_a_disguised_logo_and_accepts_a_real_one():
    html_as_png = upload("logo.png", b"<html><script>alert(1)</script></html>")
    form = PracticeProfileForm(profile_data(), {"logo": html_as_png}, instance=PracticeProfile.load())
    assert not form.is_valid()
    assert "logo" in form.errors

    gif = upload("logo.png", image_bytes("GIF", mode="P"), "image/gif")
    form = PracticeProfileForm(profile_data(), {"logo": gif}, instance=PracticeProfile.load())
    assert not form.is_valid()
    assert "PNG or JPEG" in form.errors["logo"][0]

    real = upload("logo.png", image_bytes("PNG"))
    form = PracticeProfileForm(profile_data(), {"logo": real}, instance=PracticeProfile.load())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["logo"].name.endswith(".png")


@pytest.mark.django_db
def test_an_admin_uploading_a_gif_logo_sees_why_and_nothing_is_saved(client, practice_admin):
    client.force_login(practice_admin)
    url = "/settings/practice/"
    data = {**profile_data(), "logo": upload("logo.png", image_bytes("GIF", mode="P"))}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Upload a PNG or JPEG image; this file is GIF." in response.content.decode()
    assert not PracticeProfile.load().logo
