"""Seed content of the national information site: pages, demo service pages and partners."""
