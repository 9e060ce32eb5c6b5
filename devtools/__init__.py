"""Development-only tools: never imported by the production packages, not in the image."""
