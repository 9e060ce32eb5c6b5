"""Views of the scheduling app (thin: forms validate, services act)."""
