"""Skills frameworks: versions, competences, proficiency levels, job roles; import and
export as JSON and CSV with a validation report.

A file is checked whole before anything is written: every bad row or field is reported
(CSV: the line number and the column; JSON: a JSON pointer) and a file with any error
imports nothing. A framework version is immutable once imported; a new version is a new
set of rows, so alignments of badges issued under the old version keep resolving.

The CSV form is one table (UTF-8, a header row; see FIELDS): a row `framework` (code = the
slug, plus name, description, version, publisher, source_url, alignment_type), then rows
`level`, `competence` and `job_role`. Lists inside a cell: learning outcomes separated by
` | `, URIs and requirements by spaces, a requirement as `COMPETENCE-CODE@level`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from badges.jsonld_safety import FORBIDDEN_CHARACTER
from issuer.frameworks.models import CompetenceRecord, FrameworkRecord, JobRoleRecord
from issuer.platform import urls
from issuer.platform.clock import Clock
from issuer.platform.errors import ConflictError, ForbiddenError, InvalidInputError
from issuer.providers.models import ProviderRecord

__all__ = [
    "DEFAULT_LEVELS",
    "FIELDS",
    "CompetenceInput",
    "FrameworkInput",
    "JobRoleInput",
    "LevelInput",
    "Requirement",
    "competence_url",
    "export_csv",
    "export_json",
    "find_framework",
    "framework_input_from_csv",
    "framework_input_from_json",
    "framework_url",
    "import_framework",
    "job_role_url",
    "latest_framework",
    "level_ranks",
    "list_frameworks",
]

FIELDS: Final = ("type", "code", "name", "description", "version", "publisher", "source_url",
                 "alignment_type", "learning_outcomes", "esco", "eqf_level", "requirements")
_LIST_SEPARATOR: Final = " | "
_SLUG: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
_VERSION: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
_CODE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_ALIGNMENT_TYPE: Final = re.compile(r"ext:[A-Za-z][A-Za-z0-9]{0,95}")
_ESCO_SKILL: Final = re.compile(
    r"http://data\.europa\.eu/esco/skill/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
    r"[0-9a-f]{12}")
_ESCO_OCCUPATION: Final = re.compile(
    r"http://data\.europa\.eu/esco/occupation/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
    r"[0-9a-f]{4}-[0-9a-f]{12}")
_HTTP_URL: Final = re.compile(r"https?://[^\s<>\"]{1,1990}")
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
class _Report:
    """Errors found so far, each with where it is (CSV row and field, or JSON pointer)."""

    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, where: Mapping[str, Any], detail: str) -> None:
        self.errors.append({**where, "detail": detail})

    def raise_if_any(self, what: str) -> None:
        if self.errors:
            count = len(self.errors)
            raise InvalidInputError(
                f"the {what} has {count} error{'s' if count > 1 else ''}; nothing was "
                "imported", errors=self.errors)


# --- reading values, with a place to report each problem ------------------------------------

class _Fields:
    """The values of one item (a JSON object or a CSV row) and where to report problems."""

    def __init__(self, report: _Report, values: Mapping[str, Any],
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
_CODE_HINT: Final = "letters, digits, '.', '_' and '-', at most 100"


def _competence(item: _Fields, names: dict[str, str]) -> CompetenceInput | None:
    code = item.text("code", required=True, limit=100, pattern=_CODE, hint=_CODE_HINT)
    name = item.text("name", required=True)
    description = item.text(names["description"], limit=10000)
    outcomes = item.texts(names["learning_outcomes"], separator=_LIST_SEPARATOR.strip())
    esco = item.texts(names["esco_skills"], separator=None, pattern=_ESCO_SKILL,
                      hint=_ESCO_SKILL_HINT)
    eqf = item.eqf(names["eqf_level"])
    if not item.ok or code is None or name is None:
        return None
    return CompetenceInput(code, name, description, outcomes, esco, eqf)


def _job_role(item: _Fields, names: dict[str, str],
              requirements: tuple[Requirement, ...]) -> JobRoleInput | None:
    code = item.text("code", required=True, limit=100, pattern=_CODE, hint=_CODE_HINT)
    name = item.text("name", required=True)
    description = item.text(names["description"], limit=10000)
    esco = item.texts(names["esco_occupations"], separator=None, pattern=_ESCO_OCCUPATION,
                      hint=_ESCO_OCCUPATION_HINT)
    if not item.ok or code is None or name is None:
        return None
    return JobRoleInput(code, name, description, esco, requirements)


def _check_references(report: _Report, data: FrameworkInput,
                      places: Mapping[tuple[str, int], dict[str, Any]]) -> None:
    """Codes are unique per kind; requirements name a competence and a level of the file."""
    codes: tuple[tuple[str, list[str]], ...] = (
        ("level", [item.code for item in data.levels]),
        ("competence", [item.code for item in data.competences]),
        ("job_role", [item.code for item in data.job_roles]))
    for kind, items in codes:
        seen: set[str] = set()
        for index, code in enumerate(items):
            if code in seen and (kind, index) in places:
                report.add(places[(kind, index)], f"the code {code!r} is used twice")
            seen.add(code)
    competences = {item.code for item in data.competences}
    levels = {item.code for item in data.levels}
    for index, role in enumerate(data.job_roles):
        for requirement in role.requirements:
            if requirement.competence not in competences:
                report.add(places[("requirements", index)],
                           f"requires {requirement.competence!r}, which is not a competence "
                           "of this framework")
            if requirement.level not in levels:
                report.add(places[("requirements", index)],
                           f"requires level {requirement.level!r}, not one of "
                           f"{', '.join(sorted(levels))}")


def _framework(item: _Fields, names: dict[str, str]) -> dict[str, Any]:
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


_JSON_NAMES: Final = {"slug": "slug", "description": "description",
                      "learning_outcomes": "learningOutcomes", "esco_skills": "escoSkills",
                      "esco_occupations": "escoOccupations", "eqf_level": "eqfLevel",
                      "alignment_type": "alignmentType", "source_url": "sourceUrl"}
_CSV_NAMES: Final = {"slug": "code", "description": "description",
                     "learning_outcomes": "learning_outcomes", "esco_skills": "esco",
                     "esco_occupations": "esco", "eqf_level": "eqf_level",
                     "alignment_type": "alignment_type", "source_url": "source_url"}


def framework_input_from_json(document: Any) -> FrameworkInput:
    """A framework from its JSON form (as `export_json` writes it). Raises
    InvalidInputError listing every problem (`errors`, each with a JSON pointer)."""
    report = _Report()
    if not isinstance(document, dict):
        raise InvalidInputError("a framework is a JSON object", pointer="")
    head = _Fields(report, document, {"pointer": ""}, csv_row=False)
    meta = _framework(head, _JSON_NAMES)
    places: dict[tuple[str, int], dict[str, Any]] = {}

    def items(name: str) -> list[tuple[int, _Fields]]:
        value = document.get(name, [])
        if not isinstance(value, list) or len(value) > MAX_ITEMS:
            report.add({"pointer": f"/{name}"}, f"must be an array of at most {MAX_ITEMS}")
            return []
        found = []
        for index, entry in enumerate(value):
            if not isinstance(entry, dict):
                report.add({"pointer": f"/{name}/{index}"}, "must be an object")
                continue
            found.append((index, _Fields(report, entry, {"pointer": f"/{name}/{index}"},
                                         csv_row=False)))
        return found

    levels: list[LevelInput] = []
    for index, item in items("levels"):
        places[("level", len(levels))] = {"pointer": f"/levels/{index}/code"}
        code = item.text("code", required=True, limit=32, pattern=_CODE, hint=_CODE_HINT)
        label = item.text("label", required=True)
        summary = item.text("summary", limit=2000)
        if code is not None and label is not None:
            levels.append(LevelInput(code, label, summary))
    competences: list[CompetenceInput] = []
    for index, item in items("competences"):
        places[("competence", len(competences))] = {"pointer": f"/competences/{index}/code"}
        competence = _competence(item, _JSON_NAMES)
        if competence is not None:
            competences.append(competence)
    roles: list[JobRoleInput] = []
    for index, item in items("jobRoles"):
        requirements = _json_requirements(report, item.values.get("requirements", []),
                                          f"/jobRoles/{index}/requirements")
        role = _job_role(item, _JSON_NAMES, requirements)
        if role is not None:
            places[("job_role", len(roles))] = {"pointer": f"/jobRoles/{index}/code"}
            places[("requirements", len(roles))] = {"pointer": f"/jobRoles/{index}/requirements"}
            roles.append(role)
    return _finish(report, meta, levels, competences, roles, places, "framework")


def _json_requirements(report: _Report, value: Any, pointer: str) -> tuple[Requirement, ...]:
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


def _finish(report: _Report, meta: dict[str, Any], levels: list[LevelInput],
            competences: list[CompetenceInput], roles: list[JobRoleInput],
            places: dict[tuple[str, int], dict[str, Any]], what: str) -> FrameworkInput:
    if report.errors:
        report.raise_if_any(what)
    data = FrameworkInput(**meta, levels=tuple(levels) or DEFAULT_LEVELS,
                          competences=tuple(competences), job_roles=tuple(roles))
    _check_references(report, data, places)
    report.raise_if_any(what)
    return data


def framework_input_from_csv(text: str) -> FrameworkInput:
    """A framework from its CSV form (as `export_csv` writes it). Raises InvalidInputError
    listing every problem (`errors`, each with the CSV line `row` and the `field`)."""
    report = _Report()
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
        item = _Fields(report, row, {"row": line}, csv_row=True)
        kind = (row.get("type") or "").strip()
        if kind == "framework":
            if meta is not None:
                item.fail("type", "a second framework row")
                continue
            meta = _framework(item, _CSV_NAMES)
        elif kind == "level":
            code = item.text("code", required=True, limit=32, pattern=_CODE, hint=_CODE_HINT)
            label = item.text("name", required=True)
            summary = item.text("description", limit=2000)
            if code is not None and label is not None:
                places[("level", len(levels))] = {"row": line, "field": "code"}
                levels.append(LevelInput(code, label, summary))
        elif kind == "competence":
            competence = _competence(item, _CSV_NAMES)
            if competence is not None:
                places[("competence", len(competences))] = {"row": line, "field": "code"}
                competences.append(competence)
        elif kind == "job_role":
            requirements = _csv_requirements(item)
            role = _job_role(item, _CSV_NAMES, requirements)
            if role is not None:
                places[("job_role", len(roles))] = {"row": line, "field": "code"}
                places[("requirements", len(roles))] = {"row": line, "field": "requirements"}
                roles.append(role)
        else:
            item.fail("type", "must be framework, level, competence or job_role")
    if meta is None:
        report.add({"row": None, "field": "type"}, "the file has no framework row")
        meta = {}
    return _finish(report, meta, levels, competences, roles, places, "CSV file")


def _rows(reader: csv.DictReader[str], report: _Report) -> Iterable[dict[str, Any]]:
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


def _csv_requirements(item: _Fields) -> tuple[Requirement, ...]:
    found = []
    for token in item.texts("requirements", separator=None):
        competence, at, level = token.rpartition("@")
        if not at or not competence or not level:
            item.fail("requirements", f"{token!r} is not COMPETENCE-CODE@level")
            return ()
        found.append(Requirement(competence, level))
    return tuple(found)


# --- storing ---------------------------------------------------------------------------------

def _same(record: FrameworkRecord, data: FrameworkInput) -> bool:
    return export_json(record) == export_json(_records(data, record.owner_provider_id,
                                                       record.created_at))


def _records(data: FrameworkInput, owner: int | None, created_at: Any) -> FrameworkRecord:
    record = FrameworkRecord(
        slug=data.slug, version=data.version, name=data.name, description=data.description,
        publisher=data.publisher, source_url=data.source_url,
        alignment_type=data.alignment_type, owner_provider_id=owner, created_at=created_at,
        levels=[{"code": level.code, "label": level.label, "summary": level.summary}
                for level in data.levels])
    record.competences = [CompetenceRecord(
        code=item.code, name=item.name, description=item.description,
        learning_outcomes=list(item.learning_outcomes), esco_skills=list(item.esco_skills),
        eqf_level=item.eqf_level) for item in data.competences]
    record.job_roles = [JobRoleRecord(
        code=item.code, name=item.name, description=item.description,
        esco_occupations=list(item.esco_occupations),
        requirements=[{"competence": r.competence, "level": r.level}
                      for r in item.requirements]) for item in data.job_roles]
    return record


def import_framework(session: Session, data: FrameworkInput, *,
                     owner: ProviderRecord | None, clock: Clock) -> tuple[FrameworkRecord, bool]:
    """Store a new framework version (not committed). Returns (record, created): importing
    the same version again with the same content is a no-op (created False).

    Raises ConflictError (the version exists with other content), ForbiddenError (the
    slug belongs to another provider, or to the operator)."""
    first = session.scalar(select(FrameworkRecord).where(FrameworkRecord.slug == data.slug)
                           .order_by(FrameworkRecord.id).limit(1))
    # The slug belongs to whoever imported its first version; the operator (owner None,
    # the CLI) may add versions to any slug.
    if first is not None and owner is not None and first.owner_provider_id != owner.id:
        raise ForbiddenError(f"the framework {data.slug!r} belongs to another publisher")
    existing = find_framework(session, data.slug, data.version)
    if existing is not None:
        if _same(existing, data):
            return existing, False
        raise ConflictError(f"version {data.version!r} of {data.slug!r} exists with other "
                            "content; versions never change: import it as a new version")
    record = _records(data, owner.id if owner is not None else None, clock())
    session.add(record)
    try:
        session.flush()
    except IntegrityError:  # the same version imported at the same moment
        session.rollback()
        existing = find_framework(session, data.slug, data.version)
        if existing is not None and _same(existing, data):
            return existing, False
        raise ConflictError(f"version {data.version!r} of {data.slug!r} was imported at the "
                            "same time with other content") from None
    return record, True


def framework_url(base_url: str, framework: FrameworkRecord) -> str:
    """The public page of a framework version (`issuer.pages.frameworks`)."""
    return urls.framework_url(base_url, framework.slug, framework.version)


def competence_url(base_url: str, framework: FrameworkRecord, code: str) -> str:
    """The public page of a competence: what a microbadge's alignment names."""
    return urls.competence_url(base_url, framework.slug, framework.version, code)


def job_role_url(base_url: str, framework: FrameworkRecord, code: str) -> str:
    """The public page of a job role."""
    return urls.job_role_url(base_url, framework.slug, framework.version, code)


def level_ranks(framework: FrameworkRecord) -> dict[str, int]:
    """Each level code of a framework version and its rank (0: the lowest, Awareness)."""
    return {level["code"]: rank for rank, level in enumerate(framework.levels)}


def find_framework(session: Session, slug: str, version: str) -> FrameworkRecord | None:
    """A framework version with its competences and job roles."""
    return session.scalar(
        select(FrameworkRecord).where(FrameworkRecord.slug == slug,
                                      FrameworkRecord.version == version)
        .options(selectinload(FrameworkRecord.competences),
                 selectinload(FrameworkRecord.job_roles)))


def latest_framework(session: Session, slug: str) -> FrameworkRecord | None:
    """The version of `slug` imported last."""
    return session.scalar(select(FrameworkRecord).where(FrameworkRecord.slug == slug)
                          .order_by(FrameworkRecord.id.desc()).limit(1))


def list_frameworks(session: Session) -> Sequence[FrameworkRecord]:
    """Every framework version, by slug, oldest version first."""
    return session.scalars(select(FrameworkRecord)
                           .order_by(FrameworkRecord.slug, FrameworkRecord.id)).all()


# --- export ----------------------------------------------------------------------------------

def _present(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, [], "")}


def export_json(record: FrameworkRecord) -> dict[str, Any]:
    """The JSON form of a framework version (what `framework_input_from_json` reads)."""
    return _present({
        "slug": record.slug, "version": record.version, "name": record.name,
        "description": record.description, "publisher": record.publisher,
        "sourceUrl": record.source_url, "alignmentType": record.alignment_type,
        "levels": [_present(level) for level in record.levels],
        "competences": [_present({
            "code": item.code, "name": item.name, "description": item.description,
            "learningOutcomes": item.learning_outcomes, "escoSkills": item.esco_skills,
            "eqfLevel": item.eqf_level}) for item in record.competences],
        "jobRoles": [_present({
            "code": item.code, "name": item.name, "description": item.description,
            "escoOccupations": item.esco_occupations, "requirements": item.requirements})
            for item in record.job_roles],
    })


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
               "learning_outcomes": _LIST_SEPARATOR.join(item.learning_outcomes),
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
