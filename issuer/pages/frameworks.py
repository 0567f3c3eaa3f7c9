"""Public pages of skills frameworks, competences, job roles and the EU element
vocabularies: HTML for browsers, JSON-LD for machines (content negotiation on Accept), at
stable URLs that microbadge alignments name as `targetUrl`.

    /frameworks                                        every framework version
    /frameworks/<slug>                                 its latest version (redirect)
    /frameworks/<slug>/<version>                       a version: levels, competences, roles
    /frameworks/<slug>/<version>/competences/<code>    a competence
    /frameworks/<slug>/<version>/job-roles/<code>      a job role
    /vocabularies/<scheme>                             an EU element vocabulary

The JSON-LD uses schema.org terms (DefinedTermSet, DefinedTerm, Occupation) and, for
learning outcomes and ESCO skills, the European Learning Model's; its context is inline, so
reading it needs no fetch.
"""

from __future__ import annotations

from typing import Any, Final

from flask import Blueprint, Response, redirect

from badges.micro_credential import VOCABULARIES, eqf_uri
from issuer.frameworks.models import FrameworkRecord
from issuer.frameworks.services import (
    competence_url,
    find_framework,
    framework_url,
    job_role_url,
    latest_framework,
    list_frameworks,
)
from issuer.platform import urls
from issuer.web.context import db_session, issuer_context
from issuer.web.problems import ApiProblem
from issuer.web.responses import JSON_LD, json_response, page_response
from verifier.web import wants_html

__all__ = ["framework_pages"]

framework_pages = Blueprint("frameworks", __name__, template_folder="templates")

_ELM: Final = "http://data.europa.eu/snb/model/elm/"
CONTEXT: Final = {
    "@vocab": "https://schema.org/",
    "inDefinedTermSet": {"@type": "@id"},
    "url": {"@type": "@id"},
    "sameAs": {"@type": "@id"},
    "educationalLevel": {"@type": "@id"},
    "occupationalCategory": {"@type": "@id"},
    "learningOutcome": {"@id": _ELM + "learningOutcome"},
    "relatedESCOSkill": {"@id": _ELM + "relatedESCOSkill", "@type": "@id"},
    "competence": {"@type": "@id"},
}


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _json_ld(document: dict[str, Any]) -> Response:
    return json_response({"@context": CONTEXT, **_without_nulls(document)}, media_type=JSON_LD,
                         negotiated=True)


def _html(template: str, **values: Any) -> Response:
    return page_response(template, conditional=True, **values)


def _framework(slug: str, version: str) -> FrameworkRecord:
    record = find_framework(db_session(), slug, version)
    if record is None:
        raise ApiProblem("not_found", f"no version {version!r} of a framework {slug!r}")
    return record


@framework_pages.get("/frameworks")
def index() -> Response:
    """Every framework version this service knows."""
    base = issuer_context().base_url
    records = list_frameworks(db_session())
    if wants_html():
        return _html("frameworks.html", title="Skills frameworks", frameworks=[
            {"name": record.name, "version": record.version,
             "url": framework_url(base, record), "competences": len(record.competences),
             "job_roles": len(record.job_roles)} for record in records])
    return _json_ld({"@id": urls.frameworks_url(base), "@type": "ItemList",
                     "itemListElement": [framework_url(base, record) for record in records]})


@framework_pages.get("/frameworks/<slug>")
def latest(slug: str) -> Response:
    """The latest version of a framework (a redirect: versioned URLs are the stable ones)."""
    record = latest_framework(db_session(), slug)
    if record is None:
        raise ApiProblem("not_found", f"no framework {slug!r}")
    return redirect(framework_url(issuer_context().base_url, record), 302)  # type: ignore[return-value]


@framework_pages.get("/frameworks/<slug>/<version>")
def framework(slug: str, version: str) -> Response:
    """A framework version: its levels, competences and job roles."""
    base = issuer_context().base_url
    record = _framework(slug, version)
    url = framework_url(base, record)
    if wants_html():
        versions = [{"version": item.version, "url": framework_url(base, item)}
                    for item in list_frameworks(db_session()) if item.slug == slug]
        return _html("framework.html", title=record.name, framework=record, url=url,
                     versions=versions,
                     competences=[{"code": item.code, "name": item.name,
                                   "eqf_level": item.eqf_level,
                                   "url": competence_url(base, record, item.code)}
                                  for item in record.competences],
                     job_roles=[{"code": item.code, "name": item.name,
                                 "url": job_role_url(base, record, item.code)}
                                for item in record.job_roles])
    return _json_ld({
        "@id": url, "@type": "DefinedTermSet", "name": record.name,
        "description": record.description, "version": record.version,
        "publisher": record.publisher, "url": record.source_url,
        "hasDefinedTerm": [competence_url(base, record, item.code)
                           for item in record.competences],
        "hasPart": [job_role_url(base, record, item.code) for item in record.job_roles],
        "levels": [{"@type": "DefinedTerm", "termCode": level["code"], "name": level["label"],
                    "description": level.get("summary")} for level in record.levels],
    })


@framework_pages.get("/frameworks/<slug>/<version>/competences/<code>")
def competence(slug: str, version: str, code: str) -> Response:
    """A competence: name, description, learning outcomes, ESCO skills, EQF level."""
    base = issuer_context().base_url
    record = _framework(slug, version)
    item = next((entry for entry in record.competences if entry.code == code), None)
    if item is None:
        raise ApiProblem("not_found", f"no competence {code!r} in {slug!r} {version!r}")
    url = competence_url(base, record, code)
    eqf = eqf_uri(item.eqf_level) if item.eqf_level else None
    if wants_html():
        return _html("competence.html", title=item.name, competence=item, framework=record,
                     framework_url=framework_url(base, record), url=url, eqf_url=eqf)
    return _json_ld({
        "@id": url, "@type": "DefinedTerm", "termCode": item.code, "name": item.name,
        "description": item.description,
        "inDefinedTermSet": framework_url(base, record),
        "learningOutcome": item.learning_outcomes, "relatedESCOSkill": item.esco_skills,
        **({"educationalLevel": eqf} if eqf else {}),
    })


@framework_pages.get("/frameworks/<slug>/<version>/job-roles/<code>")
def job_role(slug: str, version: str, code: str) -> Response:
    """A job role: the competences it requires and at which level."""
    base = issuer_context().base_url
    record = _framework(slug, version)
    role = next((entry for entry in record.job_roles if entry.code == code), None)
    if role is None:
        raise ApiProblem("not_found", f"no job role {code!r} in {slug!r} {version!r}")
    root = framework_url(base, record)
    url = job_role_url(base, record, code)
    names = {item.code: item.name for item in record.competences}
    labels = {level["code"]: level["label"] for level in record.levels}
    requirements = [{"competence": competence_url(base, record, item["competence"]),
                     "name": names.get(item["competence"], item["competence"]),
                     "level": labels.get(item["level"], item["level"])}
                    for item in role.requirements]
    if wants_html():
        return _html("job_role.html", title=role.name, role=role, framework=record,
                     framework_url=root, url=url,
                     requirements=[{**item, "url": item["competence"]} for item in requirements])
    return _json_ld({
        "@id": url, "@type": "Occupation", "name": role.name, "description": role.description,
        "identifier": role.code, "isPartOf": root,
        "occupationalCategory": role.esco_occupations,
        "skills": [{"@type": "DefinedTerm", "competence": item["competence"],
                    "name": item["name"], "level": item["level"]} for item in requirements],
    })


@framework_pages.get("/vocabularies/<scheme>")
def vocabulary(scheme: str) -> Response:
    """An EU element vocabulary; its terms are `#<code>` anchors of this page."""
    found = VOCABULARIES.get(scheme)
    if found is None:
        raise ApiProblem("not_found", f"no vocabulary {scheme!r}")
    base = issuer_context().base_url
    if wants_html():
        return _html("vocabulary.html", title=found.title, vocabulary=found)
    url = urls.vocabulary_url(base, scheme)
    return _json_ld({
        "@id": url, "@type": "DefinedTermSet", "name": found.title,
        "hasDefinedTerm": [{"@id": f"{url}#{term.code}", "@type": "DefinedTerm",
                            "termCode": term.code, "name": term.label,
                            **({"sameAs": term.europass} if term.europass else {})}
                           for term in found.terms],
    })
