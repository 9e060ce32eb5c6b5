"""Schemathesis against a live server (issue 20, point 5), in `make test`: the jurisdiction API's
own schema (as served at /api/schema/) is loaded, and every operation it describes is called
with generated data, valid and invalid, as a system would call it: with an API key whose
service account is a local admin (the most powerful local role), a
bounded number of times with a fixed seed. No answer may be a 5xx, and every answer must match
the schema: its status documented, its content type, its body (the error format included) and
its headers. Operations that the schema links (a created resource read back) are also run as
sequences (schemathesis' state machine). Nothing here names an endpoint: a route added to
saas_platform/urls_api.py is fuzzed the moment it is mounted."""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tenants import api_keys
from tenants.constants import Role
from tests.e2e.conftest import live_url  # noqa: F401 - the live server fixture

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
EXAMPLES = {schemathesis.GenerationMode.POSITIVE: 8, schemathesis.GenerationMode.NEGATIVE: 5}
# A jurisdiction's API, as its local admin; the national read-only API, as anybody.
HOSTS = ["alpha.localhost", "localhost"]


@pytest.fixture(params=HOSTS)
def api(request, live_url, committed_db, settings):  # noqa: F811
    # The limits would turn the fuzzing into 429s after two minutes' worth of calls.
    settings.API_THROTTLE_RATES = dict.fromkeys(settings.API_THROTTLE_RATES, "100000/minute")
    session = requests.Session()
    session.headers["Host"] = request.param
    if request.param != "localhost":
        _, key = api_keys.create_key(
            committed_db["alpha"],
            name="Logiciel fuzzé",
            role=Role.LOCAL_ADMIN,
            expiry_date=None,
            created_by=None,
        )
        session.headers["Authorization"] = f"Api-Key {key}"
    base_url = live_url.format(host="127.0.0.1")
    response = session.get(base_url + "/api/schema/", params={"format": "json"}, timeout=30)
    assert response.status_code == 200, response.text[:300]
    schema = schemathesis.openapi.from_dict(response.json())
    try:
        yield schema, session, base_url
    finally:
        session.close()


def _fuzz(operation, mode, session, base_url) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(base_url=base_url, session=session, checks=CHECKS, timeout=30)

    run()


def _has_inputs(operation) -> bool:
    return bool(len(operation.path_parameters) or len(operation.query) or len(list(operation.body)))


def test_every_operation_answers_within_its_schema(api):
    schema, session, base_url = api
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in EXAMPLES:
            if mode == schemathesis.GenerationMode.NEGATIVE and not _has_inputs(operation):
                continue  # nothing to make invalid (no parameter, no body)
            try:
                _fuzz(operation, mode, session, base_url)
            except Exception as failure:  # every operation is run; all failures are reported
                failures.append(f"{operation.label} ({mode.value}): {failure}")
    assert operations >= 2, "the schema describes almost nothing"
    assert not failures, "\n\n".join(failures)


# The national API has no operation taking what another returns: sequences are the
# jurisdiction API's.
@pytest.mark.parametrize("api", ["alpha.localhost"], indirect=True)
def test_linked_operations_run_as_sequences(api):
    """Schemathesis infers the links between operations (an identifier a response returns and
    another operation takes: a booked appointment read back, cancelled...) and runs sequences."""
    schema, session, base_url = api
    machine = schema.as_state_machine()
    assert schema.operations_with_incoming_links(), "no linked operations to run in sequence"

    class Sequences(machine):
        def get_call_kwargs(self, case):
            return {"base_url": base_url, "session": session}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Sequences.run(
        settings=settings(
            max_examples=15,
            stateful_step_count=5,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
