"""Skills frameworks: import and export (JSON, CSV, API), the validation report, versions,
ownership, and the public pages (HTML and JSON-LD at the same URL)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from issuer.frameworks.csv_format import export_csv, framework_input_from_csv
from issuer.frameworks.json_format import export_json, framework_input_from_json
from issuer.frameworks.models import CompetenceRecord, FrameworkRecord
from issuer.frameworks.services import import_framework
from issuer.platform.errors import InvalidInputError
from issuer.seed import DEMO_FRAMEWORK
from tests.issuer.api_setup import Tenant, assert_problem, create_tenant, operator_token
from tests.issuer.support import context_of, json_of

SAMPLE: dict[str, Any] = json.loads(DEMO_FRAMEWORK.read_text(encoding="utf-8"))
ROOT = "/frameworks/asa-skills/2026.1"

BAD_CSV = (
    "type,code,name,description,version,learning_outcomes,esco,eqf_level,requirements\r\n"
    "framework,asa-bad,A framework,,1,,,,\r\n"                                     # line 2
    "competence,KC-1,Teamwork,,,Agrees goals | Shares,,4,\r\n"                    # line 3: fine
    "competence,KC-2,,,,,http://example.org/skill,9,\r\n"                          # line 4
    "competence,KC-1,Teamwork again,,,,,,\r\n"                                     # line 5
    "job_role,JR-1,Technician,,,,,,KC-1@practitioner KC-9@expert KC-1@guru\r\n"    # line 6
    "widget,W-1,What,,,,,,\r\n"                                                    # line 7
    "competence,bad code!,Name,,,,,abc,\r\n"                                       # line 8
)
BAD_CSV_ERRORS = [
    {"row": 4, "field": "name", "detail": "is required"},
    {"row": 4, "field": "esco", "detail": "'http://example.org/skill' is not valid: an ESCO "
     "skill URI http://data.europa.eu/esco/skill/<uuid>"},
    {"row": 4, "field": "eqf_level", "detail": "must be an EQF level, an integer from 1 to 8"},
    {"row": 5, "field": "code", "detail": "the code 'KC-1' is used twice"},
    {"row": 6, "field": "requirements", "detail": "requires 'KC-9', which is not a "
     "competence of this framework"},
    {"row": 6, "field": "requirements", "detail": "requires level 'guru', not one of "
     "awareness, expert, practitioner"},
    {"row": 7, "field": "type", "detail": "must be framework, level, competence or job_role"},
    {"row": 8, "field": "code", "detail": "is not valid: letters, digits, '.', '_' and '-', "
     "at most 100"},
    {"row": 8, "field": "eqf_level", "detail": "must be an EQF level, an integer from 1 to 8"},
]


def _import(client: FlaskClient, tenant: Tenant, body: Any, *, csv: bool = False) -> Any:
    if csv:
        return client.post("/api/v1/frameworks", data=body, headers={
            **tenant.headers, "Content-Type": "text/csv"})
    return client.post("/api/v1/frameworks", headers=tenant.headers, json=body)


def _count(app: Flask, table: type[Any]) -> int:
    with context_of(app).sessions() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_the_sample_imports_and_exports_back_identically(client: FlaskClient,
                                                         tenant: Tenant) -> None:
    response = _import(client, tenant, SAMPLE)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert json_of(response) == {
        "slug": "asa-skills", "version": "2026.1", "name": SAMPLE["name"],
        "url": f"https://badges.test{ROOT}", "competences": 8, "jobRoles": 5}
    exported = client.get("/api/v1/frameworks/asa-skills/2026.1", headers=tenant.headers)
    assert json_of(exported) == SAMPLE
    as_csv = client.get("/api/v1/frameworks/asa-skills/2026.1?format=csv",
                        headers=tenant.headers)
    assert as_csv.mimetype == "text/csv"
    # The CSV form carries the same framework: re-read, it is the JSON form again.
    data = framework_input_from_csv(as_csv.get_data(as_text=True))
    assert data.slug == "asa-skills"
    assert len(data.competences) == 8
    assert data.job_roles[1].requirements[0].competence == "PASS-KC-COMPLEX-PROBLEM-SOLVING"
    again = _import(client, tenant, as_csv.get_data(), csv=True)
    assert again.status_code == 200  # the same version, the same content: nothing new


def test_a_csv_with_errors_reports_each_by_row_and_field_and_imports_nothing(
        app: Flask, client: FlaskClient, tenant: Tenant) -> None:
    before = (_count(app, FrameworkRecord), _count(app, CompetenceRecord))
    body = assert_problem(_import(client, tenant, BAD_CSV.encode(), csv=True), 422,
                          "invalid_input")
    assert body["errors"] == BAD_CSV_ERRORS
    assert body["detail"] == "the CSV file has 9 errors; nothing was imported"
    assert (_count(app, FrameworkRecord), _count(app, CompetenceRecord)) == before


def test_a_file_with_only_reference_errors_reports_each(client: FlaskClient,
                                                       tenant: Tenant) -> None:
    text = "\r\n".join(BAD_CSV.split("\r\n")[:3] + BAD_CSV.split("\r\n")[4:6]) + "\r\n"
    body = assert_problem(_import(client, tenant, text.encode(), csv=True), 422,
                          "invalid_input")
    assert body["errors"] == [
        {"row": 4, "field": "code", "detail": "the code 'KC-1' is used twice"},
        {"row": 5, "field": "requirements", "detail": "requires 'KC-9', which is not a "
         "competence of this framework"},
        {"row": 5, "field": "requirements", "detail": "requires level 'guru', not one of "
         "awareness, expert, practitioner"},
    ]


def test_errors_in_two_rows_are_reported_together_in_file_order() -> None:
    # Issue 21: a field error in one row and a reference error in another came one per
    # answer; the second appeared only once the first was fixed.
    text = ("type,code,name,version,eqf_level,requirements\r\n"
            "framework,asa-two,Two,1,,\r\n"
            "job_role,JR-1,Technician,,,KC-9@practitioner\r\n"
            "competence,KC-1,Teamwork,,9,\r\n")
    with pytest.raises(InvalidInputError) as raised:
        framework_input_from_csv(text)
    assert raised.value.errors == [
        {"row": 3, "field": "requirements", "detail": "requires 'KC-9', which is not a "
         "competence of this framework"},
        {"row": 4, "field": "eqf_level", "detail": "must be an EQF level, an integer from 1 "
         "to 8"},
    ]


def test_a_requirement_on_a_rejected_item_is_not_reported_twice() -> None:
    # KC-1's row and the level's row are wrong; the requirement naming them is not.
    csv_text = ("type,code,name,version,eqf_level,requirements\r\n"
                "framework,asa-two,Two,1,,\r\n"
                "level,basic,,,,\r\n"
                "competence,KC-1,Teamwork,,9,\r\n"
                "job_role,JR-1,Technician,,,KC-1@basic\r\n")
    with pytest.raises(InvalidInputError) as raised:
        framework_input_from_csv(csv_text)
    assert raised.value.errors == [
        {"row": 3, "field": "name", "detail": "is required"},
        {"row": 4, "field": "eqf_level", "detail": "must be an EQF level, an integer from 1 "
         "to 8"},
    ]
    document = copy.deepcopy(SAMPLE)
    document["competences"][0]["eqfLevel"] = 9
    document["jobRoles"][0]["requirements"].append(
        {"competence": document["competences"][0]["code"], "level": "guru"})
    with pytest.raises(InvalidInputError) as raised:
        framework_input_from_json(document)
    assert raised.value.errors == [
        {"pointer": "/competences/0/eqfLevel",
         "detail": "must be an EQF level, an integer from 1 to 8"},
        {"pointer": "/jobRoles/0/requirements", "detail": "requires level 'guru', not one "
         "of awareness, expert, practitioner"},
    ]


def test_a_json_file_with_errors_names_each_pointer(client: FlaskClient,
                                                    tenant: Tenant) -> None:
    bad = copy.deepcopy(SAMPLE)
    bad["version"] = "2026 2"
    bad["competences"][2]["escoSkills"] = "not a list"
    bad["competences"][3]["eqfLevel"] = True
    bad["jobRoles"][0]["requirements"] = [{"competence": "PASS-KC-LEADERSHIP"}]
    body = assert_problem(_import(client, tenant, bad), 422, "invalid_input")
    assert body["errors"] == [
        {"pointer": "/version", "detail": "is not valid: letters, digits, '.', '_' and '-', "
         "at most 32"},
        {"pointer": "/competences/2/escoSkills", "detail": "must be a list of strings"},
        {"pointer": "/competences/3/eqfLevel",
         "detail": "must be an EQF level, an integer from 1 to 8"},
        {"pointer": "/jobRoles/0/requirements/0",
         "detail": "must be an object with the strings competence and level"},
    ]


def test_versions_are_immutable_and_old_ones_keep_resolving(client: FlaskClient,
                                                            tenant: Tenant) -> None:
    assert _import(client, tenant, SAMPLE).status_code == 201
    changed = copy.deepcopy(SAMPLE)
    changed["competences"][0]["name"] = "Analytical thinking"
    assert_problem(_import(client, tenant, changed), 409, "conflict")
    changed["version"] = "2027.1"
    assert _import(client, tenant, changed).status_code == 201
    old = client.get(f"{ROOT}/competences/PASS-KC-ANALYTICAL-INNOVATION")
    assert json_of(old)["name"] == "Analytical thinking and innovation"
    new = client.get("/frameworks/asa-skills/2027.1/competences/PASS-KC-ANALYTICAL-INNOVATION")
    assert json_of(new)["name"] == "Analytical thinking"
    latest = client.get("/frameworks/asa-skills")
    assert latest.status_code == 302
    assert latest.headers["Location"] == "https://badges.test/frameworks/asa-skills/2027.1"


def test_another_provider_cannot_publish_a_version_of_a_framework_it_does_not_own(
        app: Flask, client: FlaskClient, tenant: Tenant) -> None:
    assert _import(client, tenant, SAMPLE).status_code == 201
    other = create_tenant(client, operator_token(app, client), "beta")
    changed = {**SAMPLE, "version": "2099.1"}
    assert_problem(_import(client, other, changed), 403, "forbidden")
    assert client.get("/frameworks/asa-skills/2099.1").status_code == 404


def test_pages_answer_html_to_browsers_and_json_ld_to_machines(client: FlaskClient,
                                                               tenant: Tenant) -> None:
    assert _import(client, tenant, SAMPLE).status_code == 201
    html = client.get(f"{ROOT}/competences/PASS-KC-TEAMWORK",
                      headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.mimetype == "text/html"
    page = html.get_data(as_text=True)
    assert "<h1>Teamwork</h1>" in page
    assert "Agrees goals and roles in a cross-functional team." in page
    assert "http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d" in page
    machine = client.get(f"{ROOT}/competences/PASS-KC-TEAMWORK",
                         headers={"Accept": "application/ld+json"})
    assert machine.mimetype == "application/ld+json"
    document = json_of(machine)
    assert document["@id"] == f"https://badges.test{ROOT}/competences/PASS-KC-TEAMWORK"
    assert document["@type"] == "DefinedTerm"
    assert document["inDefinedTermSet"] == f"https://badges.test{ROOT}"
    assert document["relatedESCOSkill"] == [
        "http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d"]
    assert machine.headers["Vary"] == "Accept"
    role = json_of(client.get(f"{ROOT}/job-roles/DRIVES-JR-SENSOR-FUSION-EXPERT"))
    assert role["skills"][0] == {
        "@type": "DefinedTerm", "name": "Complex problem solving", "level": "Expert",
        "competence": f"https://badges.test{ROOT}/competences/PASS-KC-COMPLEX-PROBLEM-SOLVING"}
    framework = json_of(client.get(ROOT))
    assert len(framework["hasDefinedTerm"]) == 8
    index = client.get("/frameworks", headers={"Accept": "text/html"})
    assert SAMPLE["name"] in index.get_data(as_text=True)
    for path in (f"{ROOT}/competences/NOPE", f"{ROOT}/job-roles/NOPE",
                 "/frameworks/asa-skills/0.0", "/frameworks/nope", "/vocabularies/nope"):
        assert_problem(client.get(path), 404, "not_found")


def test_vocabulary_pages_list_their_terms_as_anchors(client: FlaskClient) -> None:
    page = client.get("/vocabularies/participation", headers={"Accept": "text/html"})
    assert '<tr id="onsite">' in page.get_data(as_text=True)
    document = json_of(client.get("/vocabularies/participation"))
    terms = {term["termCode"]: term for term in document["hasDefinedTerm"]}
    assert terms["online"]["sameAs"] == (
        "http://data.europa.eu/snb/learning-assessment/920fbb3cbe")
    assert terms["onsite"]["@id"] == "https://badges.test/vocabularies/participation#onsite"


def test_provider_text_is_escaped_on_every_page(client: FlaskClient, tenant: Tenant) -> None:
    hostile = copy.deepcopy(SAMPLE)
    hostile["name"] = '<script>alert("x")</script> & "quotes"'
    hostile["competences"][0]["description"] = "<img src=x onerror=alert(1)>"
    hostile["jobRoles"][0]["name"] = "<b>bold</b>"
    assert _import(client, tenant, hostile).status_code == 201
    for path in ("/frameworks", ROOT, f"{ROOT}/competences/PASS-KC-ANALYTICAL-INNOVATION",
                 f"{ROOT}/job-roles/DRIVES-JR-AI-TECHNICIAN"):
        page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert "<script>alert" not in page, path
        assert "<img src=x" not in page, path
        assert "<b>bold</b>" not in page, path
    page = client.get(ROOT, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;" in page


def test_export_functions_are_inverse_of_import(app: Flask, client: FlaskClient,
                                                tenant: Tenant) -> None:
    assert _import(client, tenant, SAMPLE).status_code == 201
    with context_of(app).sessions() as session:
        record = session.scalars(select(FrameworkRecord)).one()
        assert export_json(record) == SAMPLE
        text = export_csv(record)
    assert text.splitlines()[0] == ("type,code,name,description,version,publisher,source_url,"
                                    "alignment_type,learning_outcomes,esco,eqf_level,"
                                    "requirements")
    assert "job_role,DRIVES-JR-AI-TECHNICIAN,Artificial intelligence technician,,,,,,,,," \
           "PASS-KC-ANALYTICAL-INNOVATION@practitioner PASS-KC-ACTIVE-LEARNING@practitioner" \
           in text


@pytest.mark.parametrize(("text", "error"), [
    ('type,code,name\r\nframework,"asa-x,Unterminated\r\n',
     {"row": 2, "field": "type", "detail": "the CSV cannot be read here: unexpected end of "
      "data"}),
    ("type,code,name,version\r\nframework,asa-x,Bell\x07,1\r\n",
     {"row": 2, "field": "name", "detail": "contains a control character or a lone "
      "surrogate"}),
    ("type,code,name,version\r\nframework,asa-x,X,1\r\ncompetence,C," + "x" * 140_000
     + "\r\n", {"row": 3, "field": "type", "detail": "the CSV cannot be read here: field "
                 "larger than field limit (131072)"}),
])
def test_unreadable_csv_is_a_report_not_a_crash(text: str, error: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError) as raised:
        framework_input_from_csv(text)
    assert error in (raised.value.errors or [])


def test_a_pipe_in_a_learning_outcome_is_refused(client: FlaskClient, tenant: Tenant) -> None:
    bad = copy.deepcopy(SAMPLE)
    bad["competences"][0]["learningOutcomes"] = ["Reads A | B"]
    body = assert_problem(_import(client, tenant, bad), 422, "invalid_input")
    assert body["errors"] == [{"pointer": "/competences/0/learningOutcomes", "detail":
                               "an item cannot contain '|' (the CSV form separates items "
                               "with it)"}]


def test_the_operator_may_add_versions_without_locking_the_publisher_out(
        app: Flask, client: FlaskClient, tenant: Tenant) -> None:
    assert _import(client, tenant, SAMPLE).status_code == 201
    with context_of(app).sessions() as session:
        import_framework(session, framework_input_from_json({**SAMPLE, "version": "op.1"}),
                         owner=None, clock=context_of(app).clock)
        session.commit()
    assert _import(client, tenant, {**SAMPLE, "version": "2026.2"}).status_code == 201
