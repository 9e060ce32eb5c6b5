"""Choosing on the one-screen booking page (static/js/booking.js) the way an agent does, without
racing its script: each choice of type, place or agenda fetches the page part again and swaps it
in (the area is `aria-busy` meanwhile); a slot clicked while a swap lands could be lost."""

from playwright.sync_api import expect


def choose(page, *, kind: str, place: str, agenda: str) -> None:
    area = page.locator("[data-booking-area]")
    for label, value in (
        ("1. Type de rendez-vous", kind),
        ("2. Lieu", place),
        ("3. Agenda", agenda),
    ):
        page.get_by_label(label).select_option(label=value)
        expect(area).not_to_have_attribute("aria-busy", "true")


def pick_slot(page, slot) -> None:
    page.locator(f"label[for=creneau-{slot.pk}]").click()
    expect(page.locator(f"#creneau-{slot.pk}")).to_be_checked()
