"""Reading a framework file: the input it describes (levels, competences, job roles) and
every problem found in it, each with its place (a CSV row and field, or a JSON pointer).

A file is checked whole before anything is written: every bad row or field is reported and
a file with any error imports nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from badges.jsonld_safety import FORBIDDEN_CHARACTER
from issuer.platform.errors import InvalidInputError

__all__ = [
    "CODE",
    "CODE_HINT",
    "DEFAULT_LEVELS",
    "LIST_SEPARATOR",
    "MAX_ITEMS",
    "CompetenceInput",
    "Fields",
    "FrameworkInput",
    "JobRoleInput",
    "LevelInput",
    "Report",
    "Requirement",
    "finish_input",
    "read_competence",
    "read_framework_fields",
    "read_job_role",
]

_SLUG: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
_VERSION: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
CODE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_ALIGNMENT_TYPE: Final = re.compile(r"ext:[A-Za-z][A-Za-z0-9]{0,95}")
_ESCO_SKILL: Final = re.compile(
    r"http://data\.europa\.eu/esco/skill/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
    r"[0-9a-f]{12}")
_ESCO_OCCUPATION: Final = re.compile(
    r"http://data\.europa\.eu/esco/occupation/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
    r"[0-9a-f]{4}-[0-9a-f]{12}")
_HTTP_URL: Final = re.compile(r"https?://[^\s<>\"]{1,1990}")
LIST_SEPARATOR: Final = " | "
MAX_ITEMS: Final = 5000


@dataclass(frozen=True, slots=True)
class LevelInput:
    code: str
    label: str
    summary: str | None = None


DEFAULT_LEVELS: Final = (
    LevelInput("awareness", "Awareness", "Understands the background of the knowledge or "
               "skill and its implications, enough to see how it is applied."),
    LevelInput("practitioner", "Practitioner", "Can apply the knowledge or skill, choose "
               "tools and techniques, and share it with others."),
    LevelInput("expert", "Expert", "Can develop procedures, give a qualified opinion, guide "
               "or lead others; a recognised specialist."),
)


@dataclass(frozen=True, slots=True)
class CompetenceInput:
    code: str
    name: str
    description: str | None = None
    learning_outcomes: tuple[str, ...] = ()
    esco_skills: tuple[str, ...] = ()
    eqf_level: int | None = None


@dataclass(frozen=True, slots=True)
class Requirement:
    competence: str
    level: str


@dataclass(frozen=True, slots=True)
class JobRoleInput:
    code: str
    name: str
    description: str | None = None
    esco_occupations: tuple[str, ...] = ()
    requirements: tuple[Requirement, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class FrameworkInput:
    slug: str
    version: str
    name: str
    description: str | None = None
    publisher: str | None = None
    source_url: str | None = None
    alignment_type: str = "ext:FrameworkCompetence"
    levels: tuple[LevelInput, ...] = DEFAULT_LEVELS
    competences: tuple[CompetenceInput, ...] = ()
    job_roles: tuple[JobRoleInput, ...] = ()


@dataclass
class Report:
    """Errors found so far, each with where it is (CSV row and field, or JSON pointer)."""

    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, where: Mapping[str, Any], detail: str) -> None:
        self.errors.append({**where, "detail": detail})

    def raise_if_any(self, what: str) -> None:
        if self.errors:
            if all("row" in error for error in self.errors):  # a CSV file: in file order
                self.errors.sort(key=lambda error: (error["row"] is None, error["row"] or 0))
            count = len(self.errors)
            raise InvalidInputError(
                f"the {what} has {count} error{'s' if count > 1 else ''}; nothing was "
                "imported", errors=self.errors)


# --- reading values, with a place to report each problem ------------------------------------

class Fields:
    """The values of one item (a JSON object or a CSV row) and where to report problems."""

    def __init__(self, report: Report, values: Mapping[str, Any],
                 where: Mapping[str, Any], *, csv_row: bool) -> None:
        self.report = report
        self.values = values
        self.where = dict(where)
        self.csv_row = csv_row
        self.ok = True

    def _at(self, name: str) -> dict[str, Any]:
        if self.csv_row:
            return {**self.where, "field": name}
        return {"pointer": f"{self.where['pointer']}/{name}"}

    def fail(self, name: str, detail: str) -> None:
        self.ok = False
        self.report.add(self._at(name), detail)

    def text(self, name: str, *, required: bool = False, limit: int = 200,
             pattern: re.Pattern[str] | None = None, hint: str = "") -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, "is required")
            return None
        if not isinstance(value, str):
            self.fail(name, "must be a string")
            return None
        value = value.strip() if self.csv_row else value
        if len(value) > limit:
            self.fail(name, f"has at most {limit} characters")
            return None
        if FORBIDDEN_CHARACTER.search(value):
            self.fail(name, "contains a control character or a lone surrogate")
            return None
        if pattern is not None and not pattern.fullmatch(value):
            self.fail(name, f"is not valid{': ' + hint if hint else ''}")
            return None
        return value

    def texts(self, name: str, *, separator: str | None, pattern: re.Pattern[str] | None = None,
              hint: str = "", limit: int = 2000) -> tuple[str, ...]:
        value = self.values.get(name)
        if value is None or value == "" or value == []:
            return ()
        if self.csv_row and isinstance(value, str):
            items: list[Any] = [item.strip() for item in
                                (value.split(separator) if separator else value.split())
                                if item.strip()]
        elif isinstance(value, list):
            items = value
        else:
            self.fail(name, "must be a list of strings")
            return ()
        result = []
        for item in items:
            if not isinstance(item, str) or not item or len(item) > limit:
                self.fail(name, f"each item is a string of 1 to {limit} characters")
                return ()
            if FORBIDDEN_CHARACTER.search(item):
                self.fail(name, "contains a control character or a lone surrogate")
                return ()
            if separator is not None and separator in item:
                self.fail(name, f"an item cannot contain {separator!r} (the CSV form "
                          "separates items with it)")
                return ()
            if pattern is not None and not pattern.fullmatch(item):
                self.fail(name, f"{item[:80]!r} is not valid: {hint}")
                return ()
            result.append(item)
        if len(set(result)) != len(result):
            self.fail(name, "lists an item twice")
            return ()
        return tuple(result)

    def eqf(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if self.csv_row and isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 8:
            self.fail(name, "must be an EQF level, an integer from 1 to 8")
            return None
        return value


_ESCO_SKILL_HINT: Final = "an ESCO skill URI http://data.europa.eu/esco/skill/<uuid>"
_ESCO_OCCUPATION_HINT: Final = "an ESCO occupation URI http://data.europa.eu/esco/occupation/<uuid>"
CODE_HINT: Final = "letters, digits, '.', '_' and '-', at most 100"


def read_competence(item: Fields, names: dict[str, str]) -> CompetenceInput | None:
    code = item.text("code", required=True, limit=100, pattern=CODE, hint=CODE_HINT)
    name = item.text("name", required=True)
    description = item.text(names["description"], limit=10000)
    outcomes = item.texts(names["learning_outcomes"], separator=LIST_SEPARATOR.strip())
    esco = item.texts(names["esco_skills"], separator=None, pattern=_ESCO_SKILL,
                      hint=_ESCO_SKILL_HINT)
    eqf = item.eqf(names["eqf_level"])
    if not item.ok or code is None or name is None:
        return None
    return CompetenceInput(code, name, description, outcomes, esco, eqf)


def read_job_role(item: Fields, names: dict[str, str],
              requirements: tuple[Requirement, ...]) -> JobRoleInput | None:
    code = item.text("code", required=True, limit=100, pattern=CODE, hint=CODE_HINT)
    name = item.text("name", required=True)
    description = item.text(names["description"], limit=10000)
    esco = item.texts(names["esco_occupations"], separator=None, pattern=_ESCO_OCCUPATION,
                      hint=_ESCO_OCCUPATION_HINT)
    if not item.ok or code is None or name is None:
        return None
    return JobRoleInput(code, name, description, esco, requirements)


def check_references(report: Report, levels: tuple[LevelInput, ...],
                     competences: list[CompetenceInput], roles: list[JobRoleInput],
                     places: Mapping[tuple[str, int], dict[str, Any]],
                     named: Mapping[str, set[str]]) -> None:
    """Codes are unique per kind; requirements name a competence and a level of the file.

    Runs even when some items were rejected, so that one answer lists every error: a
    requirement naming the code of a rejected item (`named`: every code the file names, by
    kind) is not reported again, the item's own error says what is wrong."""
    codes: tuple[tuple[str, list[str]], ...] = (
        ("level", [item.code for item in levels]),
        ("competence", [item.code for item in competences]),
        ("job_role", [item.code for item in roles]))
    for kind, items in codes:
        seen: set[str] = set()
        for index, code in enumerate(items):
            if code in seen and (kind, index) in places:
                report.add(places[(kind, index)], f"the code {code!r} is used twice")
            seen.add(code)
    known_competences = {item.code for item in competences} | named.get("competence", set())
    level_codes = {item.code for item in levels}
    known_levels = level_codes | named.get("level", set())
    for index, role in enumerate(roles):
        for requirement in role.requirements:
            if requirement.competence not in known_competences:
                report.add(places[("requirements", index)],
                           f"requires {requirement.competence!r}, which is not a competence "
                           "of this framework")
            if requirement.level not in known_levels:
                report.add(places[("requirements", index)],
                           f"requires level {requirement.level!r}, not one of "
                           f"{', '.join(sorted(level_codes))}")


def read_framework_fields(item: Fields, names: dict[str, str]) -> dict[str, Any]:
    slug = item.text(names["slug"], required=True, limit=64, pattern=_SLUG,
                     hint="lower-case letters, digits and '-', at most 64")
    version = item.text("version", required=True, limit=32, pattern=_VERSION,
                        hint="letters, digits, '.', '_' and '-', at most 32")
    alignment_type = item.text(names["alignment_type"], limit=100, pattern=_ALIGNMENT_TYPE,
                               hint="an ext: term such as ext:PASSCompetence")
    return {"slug": slug, "version": version, "name": item.text("name", required=True),
            "description": item.text("description", limit=10000),
            "publisher": item.text("publisher"),
            "source_url": item.text(names["source_url"], limit=2000, pattern=_HTTP_URL,
                                    hint="an http(s) URL"),
            **({"alignment_type": alignment_type} if alignment_type else {})}


def finish_input(report: Report, meta: dict[str, Any], levels: list[LevelInput],
                 competences: list[CompetenceInput], roles: list[JobRoleInput],
                 places: dict[tuple[str, int], dict[str, Any]], what: str,
                 named: Mapping[str, set[str]]) -> FrameworkInput:
    """The framework, once the references are checked too; raises InvalidInputError with
    every error of the file (field errors and reference errors in one answer)."""
    level_items = tuple(levels) or (() if named.get("level") else DEFAULT_LEVELS)
    check_references(report, level_items, competences, roles, places, named)
    report.raise_if_any(what)
    return FrameworkInput(**meta, levels=level_items, competences=tuple(competences),
                          job_roles=tuple(roles))
