"""The report of an import: a CSV to download (line, status, column, message) and the same as text
for the command line."""

import csv
import io

HEADER = ["ligne", "statut", "colonne", "message"]
COUNT_LABELS = (
    ("create", "À créer", "Créées"),
    ("update", "À mettre à jour", "Mises à jour"),
    ("unchanged", "Inchangées", "Inchangées"),
    ("skip", "Ignorées", "Ignorées"),
    ("reject", "Rejetées", "Rejetées"),
)


def _and_others(count: int) -> str:
    return f"et {count} autre." if count == 1 else f"et {count} autres."


def report_csv(lines: list[list]) -> str:
    """UTF-8 with BOM and ``;``: what a French spreadsheet opens without asking."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(lines)
    return buffer.getvalue()


def count_lines(counts: dict, *, applied: bool) -> list[tuple[str, int]]:
    return [
        (applied_label if applied else planned_label, counts.get(key, 0))
        for key, planned_label, applied_label in COUNT_LABELS
    ]


def report_text(preview: dict, *, applied: bool, max_errors: int | None = None) -> str:
    out = []
    if preview.get("file_error"):
        out.append(f"Fichier refusé : {preview['file_error']}")
        return "\n".join(out)
    out.append(f"Lignes lues : {preview.get('total_rows', 0)}")
    for label, count in count_lines(preview.get("counts", {}), applied=applied):
        out.append(f"{label} : {count}")
    errors = preview.get("errors", [])
    if errors:
        out.append("")
        out.append("Lignes rejetées :")
        for line, column, message in errors[:max_errors]:
            out.append(f"  ligne {line}, colonne « {column} » : {message}")
        if max_errors is not None and len(errors) > max_errors:
            out.append(f"  … {_and_others(len(errors) - max_errors)}")
    skipped = preview.get("skipped", [])
    if skipped:
        out.append("")
        out.append("Lignes ignorées :")
        for line, reason in skipped[:max_errors]:
            out.append(f"  ligne {line} : {reason}")
        if max_errors is not None and len(skipped) > max_errors:
            out.append(f"  … {_and_others(len(skipped) - max_errors)}")
    return "\n".join(out)
