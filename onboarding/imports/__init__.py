"""Imports of a jurisdiction's data: read a file, analyse it (dry run), apply it in bulk.

``IMPORTERS`` names the importer of each ImportKind; ``jobs`` runs them for an ImportJob.
"""
