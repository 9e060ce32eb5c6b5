"""Opening a jurisdiction: its creation (schema cloned from the template), branding, test SMS,
review of the SMS texts, go-live checklist."""
