"""The CSV form of a framework version: one table (UTF-8, a header row; see FIELDS), a row
`framework` (code = the slug, plus name, description, version, publisher, source_url,
alignment_type), then rows `level`, `competence` and `job_role`. Lists inside a cell:
learning outcomes separated by ` | `, URIs and requirements by spaces, a requirement as
`COMPETENCE-CODE@level`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, Final

from issuer.frameworks.models import FrameworkRecord
from issuer.frameworks.reading import (
    CODE,
    CODE_HINT,
    LIST_SEPARATOR,
    MAX_ITEMS,
    CompetenceInput,
    Fields,
    FrameworkInput,
    JobRoleInput,
    LevelInput,
    Report,
    Requirement,
    finish_input,
    read_competence,
    read_framework_fields,
    read_job_role,
)
from issuer.platform.errors import InvalidInputError

__all__ = ["FIELDS", "export_csv", "framework_input_from_csv"]

FIELDS: Final = ("type", "code", "name", "description", "version", "publisher", "source_url",
                 "alignment_type", "learning_outcomes", "esco", "eqf_level", "requirements")
_CSV_NAMES: Final = {"slug": "code", "description": "description",
                     "learning_outcomes": "learning_outcomes", "esco_skills": "esco",
                     "esco_occupations": "esco", "eqf_level": "eqf_level",
                     "alignment_type": "alignment_type", "source_url": "source_url"}


def framework_input_from_csv(text: str) -> FrameworkInput:
    """A framework from its CSV form (as `export_csv` writes it). Raises InvalidInputError
    listing every problem (`errors`, each with the CSV line `row` and the `field`)."""
    report = Report()
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        raise InvalidInputError(f"the CSV header cannot be read: {error}", errors=[
            {"row": 1, "field": "header", "detail": str(error)}]) from None
    unknown = [name for name in header if name not in FIELDS]
    if "type" not in header or "code" not in header or unknown:
        detail = (f"unknown columns: {', '.join(unknown)}; " if unknown else "") + \
            f"the header row names columns of: {', '.join(FIELDS)} (type and code required)"
        raise InvalidInputError(f"the CSV header is not valid: {detail}",
                                errors=[{"row": 1, "field": "header", "detail": detail}])
    meta: dict[str, Any] | None = None
    levels: list[LevelInput] = []
    competences: list[CompetenceInput] = []
    roles: list[JobRoleInput] = []
    places: dict[tuple[str, int], dict[str, Any]] = {}
    named: dict[str, set[str]] = {"level": set(), "competence": set(), "job_role": set()}
    rows = 0
    for row in _rows(reader, report):
        line = reader.line_num
        rows += 1
        if rows > 3 * MAX_ITEMS:
            report.add({"row": line, "field": "type"}, f"at most {3 * MAX_ITEMS} rows")
            break
        if None in row:
            report.add({"row": line, "field": "type"}, "has more cells than the header")
            continue
        item = Fields(report, row, {"row": line}, csv_row=True)
        kind = (row.get("type") or "").strip()
        if kind in named and isinstance(row.get("code"), str):
            named[kind].add(row["code"].strip())
        if kind == "framework":
            if meta is not None:
                item.fail("type", "a second framework row")
                continue
            meta = read_framework_fields(item, _CSV_NAMES)
        elif kind == "level":
            code = item.text("code", required=True, limit=32, pattern=CODE, hint=CODE_HINT)
            label = item.text("name", required=True)
            summary = item.text("description", limit=2000)
            if code is not None and label is not None:
                places[("level", len(levels))] = {"row": line, "field": "code"}
                levels.append(LevelInput(code, label, summary))
        elif kind == "competence":
            competence = read_competence(item, _CSV_NAMES)
            if competence is not None:
                places[("competence", len(competences))] = {"row": line, "field": "code"}
                competences.append(competence)
        elif kind == "job_role":
            requirements = _csv_requirements(item)
            role = read_job_role(item, _CSV_NAMES, requirements)
            if role is not None:
                places[("job_role", len(roles))] = {"row": line, "field": "code"}
                places[("requirements", len(roles))] = {"row": line, "field": "requirements"}
                roles.append(role)
        else:
            item.fail("type", "must be framework, level, competence or job_role")
    if meta is None:
        report.add({"row": None, "field": "type"}, "the file has no framework row")
        meta = {}
    return finish_input(report, meta, levels, competences, roles, places, "CSV file",
                        named)


def _rows(reader: csv.DictReader[str], report: Report) -> Iterable[dict[str, Any]]:
    """The data rows; a row the csv module cannot read (an unterminated quote, a cell over
    its size limit) is reported, and ends the file."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # line_num counts the lines read before the bad row
            report.add({"row": reader.line_num + 1, "field": "type"},
                       f"the CSV cannot be read here: {error}")
            return
        yield row


def _csv_requirements(item: Fields) -> tuple[Requirement, ...]:
    found = []
    for token in item.texts("requirements", separator=None):
        competence, at, level = token.rpartition("@")
        if not at or not competence or not level:
            item.fail("requirements", f"{token!r} is not COMPETENCE-CODE@level")
            return ()
        found.append(Requirement(competence, level))
    return tuple(found)


def _csv_rows(record: FrameworkRecord) -> Iterable[dict[str, Any]]:
    yield {"type": "framework", "code": record.slug, "name": record.name,
           "description": record.description, "version": record.version,
           "publisher": record.publisher, "source_url": record.source_url,
           "alignment_type": record.alignment_type}
    for level in record.levels:
        yield {"type": "level", "code": level["code"], "name": level["label"],
               "description": level.get("summary")}
    for item in record.competences:
        yield {"type": "competence", "code": item.code, "name": item.name,
               "description": item.description,
               "learning_outcomes": LIST_SEPARATOR.join(item.learning_outcomes),
               "esco": " ".join(item.esco_skills), "eqf_level": item.eqf_level}
    for role in record.job_roles:
        yield {"type": "job_role", "code": role.code, "name": role.name,
               "description": role.description, "esco": " ".join(role.esco_occupations),
               "requirements": " ".join(f"{r['competence']}@{r['level']}"
                                        for r in role.requirements)}


def export_csv(record: FrameworkRecord) -> str:
    """The CSV form of a framework version (what `framework_input_from_csv` reads)."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in _csv_rows(record):
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return out.getvalue()
