"""Small real images for upload tests (made with Pillow: they decode)."""

import io

from PIL import Image


def image_bytes(fmt: str, size=(8, 8), colour=(0, 0, 145)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
WEBP = image_bytes("WEBP")
