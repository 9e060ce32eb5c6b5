"""iCalendar files (an agenda exported from another tool) → entries of the appointments import.

Each VEVENT becomes one entry, numbered by the line of its ``BEGIN:VEVENT`` in the file. Times:
``DTSTART;TZID=...`` is a wall time of that zone (checked for daylight-saving gaps and folds),
``...Z`` is UTC, a floating time is the jurisdiction's local time. The person comes from the
description ("Dossier APPI 2012...", "Né(e) le 09/10/1977") and the end of the summary
("Convocation de suivi SPIP - MERCIER Aïcha"); the type from CATEGORIES, else the summary.
"""

import datetime as dt
import re
import zoneinfo

from .reading import ReadError

ICS_MARK = b"BEGIN:VCALENDAR"
APPI_IN_TEXT = re.compile(r"(?:APPI|dossier)\D{0,20}?(\d{8}(?:\d{4})?[A-Za-z]?)\b", re.IGNORECASE)
BIRTH_IN_TEXT = re.compile(
    r"(?:n[ée]+\s*(?:\(e\))?\s*le|naissance\s*:?)\s*(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
NAME_IN_TEXT = re.compile(r"^(?:nom|personne)\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)


def is_ics(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(ICS_MARK)


def split_name(raw: str) -> tuple[str, str]:
    """ "BEN SAÏD Jean-François" → ("BEN SAÏD", "Jean-François"): the upper-case words first."""
    words = raw.split()
    last = []
    for word in words:
        letters = [c for c in word if c.isalpha()]
        if letters and all(c.isupper() for c in letters):
            last.append(word)
        else:
            break
    if not last or len(last) == len(words):
        # No case to go by: the last word is the first name.
        return " ".join(words[:-1]) or raw, words[-1] if len(words) > 1 else ""
    return " ".join(last), " ".join(words[len(last) :])


def _text(component, name: str) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).strip()


def _categories(component) -> list[str]:
    value = component.get("CATEGORIES")
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    names = []
    for item in values:
        cats = getattr(item, "cats", None)
        names += [str(c).strip() for c in cats] if cats is not None else [str(item).strip()]
    return [name for name in names if name]


def _mail(value) -> str:
    raw = str(value or "").strip()
    return raw[7:].strip().lower() if raw.lower().startswith("mailto:") else raw.lower()


def _wall_time(prop) -> tuple[dt.datetime | None, str]:
    """(naive wall time or aware UTC datetime, zone name or "" or "UTC")."""
    raw = prop.to_ical().decode() if hasattr(prop, "to_ical") else str(prop)
    tzid = prop.params.get("TZID", "") if hasattr(prop, "params") else ""
    match = re.fullmatch(r"(\d{8})T(\d{4})(\d{2})?(Z?)", raw.strip())
    if not match:
        return None, ""
    day, hour_minute, seconds, utc = match.groups()
    moment = dt.datetime.strptime(day + hour_minute + (seconds or "00"), "%Y%m%d%H%M%S")
    if utc:
        return moment.replace(tzinfo=dt.UTC), "UTC"
    return moment, str(tzid)


def read_events(data: bytes, default_zone: zoneinfo.ZoneInfo) -> list[dict]:
    """One dict per VEVENT; ReadError when the file is not a readable calendar."""
    from icalendar import Calendar

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        raise ReadError(
            f"Le fichier iCalendar est illisible ({error}). Exportez à nouveau l'agenda au "
            "format .ics, puis importez-le."
        ) from error
    raw_lines = text.splitlines()
    starts = [i + 1 for i, line in enumerate(raw_lines) if line.strip().upper() == "BEGIN:VEVENT"]
    events = []
    for index, component in enumerate(calendar.walk("VEVENT")):
        line = starts[index] if index < len(starts) else index + 1
        event = {"line": line, "uid": _text(component, "UID")}
        start = component.get("DTSTART")
        event["start_error"] = ""
        event["wall"], event["zone"] = None, None
        if start is None:
            event["start_error"] = "L'événement n'a pas de date de début (DTSTART)."
        elif isinstance(start.dt, dt.date) and not isinstance(start.dt, dt.datetime):
            event["start_error"] = (
                "Événement sur la journée entière : indiquez l'heure du rendez-vous."
            )
        else:
            wall, zone_name = _wall_time(start)
            if wall is None:
                event["start_error"] = f"Date de début illisible : « {start.to_ical().decode()} »."
            elif zone_name == "UTC":
                event["wall"], event["zone"] = wall, dt.UTC
            elif not zone_name:
                event["wall"], event["zone"] = wall, default_zone
            else:
                try:
                    event["wall"], event["zone"] = wall, zoneinfo.ZoneInfo(zone_name)
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    tzinfo = getattr(start.dt, "tzinfo", None)
                    if tzinfo is None:
                        event["start_error"] = f"Fuseau horaire inconnu : « {zone_name} »."
                    else:  # a Windows zone name, resolved by icalendar
                        event["wall"], event["zone"] = wall, tzinfo
        end = component.get("DTEND")
        event["duration"] = None
        if event["wall"] is not None and end is not None and isinstance(end.dt, dt.datetime):
            try:
                event["duration"] = round((end.dt - start.dt).total_seconds() / 60)
            except TypeError:
                event["duration"] = None
        elif component.get("DURATION") is not None:
            event["duration"] = round(component.get("DURATION").dt.total_seconds() / 60)
        summary = _text(component, "SUMMARY")
        description = _text(component, "DESCRIPTION")
        categories = _categories(component)
        type_name, _, who = summary.partition(" - ")
        event["type_names"] = [*categories, type_name.strip(), summary]
        found = NAME_IN_TEXT.search(description)
        who = found.group(1).strip() if found else who.strip()
        event["last_name"], event["first_names"] = split_name(who) if who else ("", "")
        appi = APPI_IN_TEXT.search(description) or APPI_IN_TEXT.search(summary)
        event["appi_number"] = appi.group(1) if appi else ""
        birth = BIRTH_IN_TEXT.search(description)
        event["birth_date"] = birth.group(1) if birth else ""
        location = _text(component, "LOCATION")
        event["place_names"] = [location, location.split(",")[0].strip()] if location else []
        event["place_raw"] = location
        attendees = component.get("ATTENDEE")
        attendees = attendees if isinstance(attendees, list) else [attendees] if attendees else []
        agents = [_mail(component.get("ORGANIZER"))] if component.get("ORGANIZER") else []
        agents += [_mail(a) for a in attendees]
        event["agent_emails"] = [a for a in agents if a]
        event["status"] = _text(component, "STATUS").upper()
        events.append(event)
    return events
