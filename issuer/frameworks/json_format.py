"""The JSON form of a framework version: reading it (every problem with its JSON pointer)
and writing it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from issuer.frameworks.models import FrameworkRecord
from issuer.frameworks.reading import (
    CODE,
    CODE_HINT,
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

__all__ = ["export_json", "framework_input_from_json", "present"]

_JSON_NAMES: Final = {"slug": "slug", "description": "description",
                      "learning_outcomes": "learningOutcomes", "esco_skills": "escoSkills",
                      "esco_occupations": "escoOccupations", "eqf_level": "eqfLevel",
                      "alignment_type": "alignmentType", "source_url": "sourceUrl"}
def framework_input_from_json(document: Any) -> FrameworkInput:
    """A framework from its JSON form (as `export_json` writes it). Raises
    InvalidInputError listing every problem (`errors`, each with a JSON pointer)."""
    report = Report()
    if not isinstance(document, dict):
        raise InvalidInputError("a framework is a JSON object", pointer="")
    head = Fields(report, document, {"pointer": ""}, csv_row=False)
    meta = read_framework_fields(head, _JSON_NAMES)
    places: dict[tuple[str, int], dict[str, Any]] = {}
    named: dict[str, set[str]] = {"level": set(), "competence": set(), "job_role": set()}

    def items(name: str, kind: str) -> list[tuple[int, Fields]]:
        value = document.get(name, [])
        if not isinstance(value, list) or len(value) > MAX_ITEMS:
            report.add({"pointer": f"/{name}"}, f"must be an array of at most {MAX_ITEMS}")
            return []
        found = []
        for index, entry in enumerate(value):
            if not isinstance(entry, dict):
                report.add({"pointer": f"/{name}/{index}"}, "must be an object")
                continue
            if isinstance(entry.get("code"), str):
                named[kind].add(entry["code"])
            found.append((index, Fields(report, entry, {"pointer": f"/{name}/{index}"},
                                         csv_row=False)))
        return found

    levels: list[LevelInput] = []
    for index, item in items("levels", "level"):
        places[("level", len(levels))] = {"pointer": f"/levels/{index}/code"}
        code = item.text("code", required=True, limit=32, pattern=CODE, hint=CODE_HINT)
        label = item.text("label", required=True)
        summary = item.text("summary", limit=2000)
        if code is not None and label is not None:
            levels.append(LevelInput(code, label, summary))
    competences: list[CompetenceInput] = []
    for index, item in items("competences", "competence"):
        places[("competence", len(competences))] = {"pointer": f"/competences/{index}/code"}
        competence = read_competence(item, _JSON_NAMES)
        if competence is not None:
            competences.append(competence)
    roles: list[JobRoleInput] = []
    for index, item in items("jobRoles", "job_role"):
        requirements = _json_requirements(report, item.values.get("requirements", []),
                                          f"/jobRoles/{index}/requirements")
        role = read_job_role(item, _JSON_NAMES, requirements)
        if role is not None:
            places[("job_role", len(roles))] = {"pointer": f"/jobRoles/{index}/code"}
            places[("requirements", len(roles))] = {"pointer": f"/jobRoles/{index}/requirements"}
            roles.append(role)
    return finish_input(report, meta, levels, competences, roles, places, "framework",
                        named)


def _json_requirements(report: Report, value: Any, pointer: str) -> tuple[Requirement, ...]:
    if not isinstance(value, list):
        report.add({"pointer": pointer}, "must be an array of {competence, level}")
        return ()
    found = []
    for index, item in enumerate(value):
        if (not isinstance(item, dict) or set(item) != {"competence", "level"}
                or not all(isinstance(item[key], str) for key in item)):
            report.add({"pointer": f"{pointer}/{index}"},
                       "must be an object with the strings competence and level")
            continue
        found.append(Requirement(item["competence"], item["level"]))
    return tuple(found)


def present(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, [], "")}


def export_json(record: FrameworkRecord) -> dict[str, Any]:
    """The JSON form of a framework version (what `framework_input_from_json` reads)."""
    return present({
        "slug": record.slug, "version": record.version, "name": record.name,
        "description": record.description, "publisher": record.publisher,
        "sourceUrl": record.source_url, "alignmentType": record.alignment_type,
        "levels": [present(level) for level in record.levels],
        "competences": [present({
            "code": item.code, "name": item.name, "description": item.description,
            "learningOutcomes": item.learning_outcomes, "escoSkills": item.esco_skills,
            "eqfLevel": item.eqf_level}) for item in record.competences],
        "jobRoles": [present({
            "code": item.code, "name": item.name, "description": item.description,
            "escoOccupations": item.esco_occupations, "requirements": item.requirements})
            for item in record.job_roles],
    })
