"""The JSON API against its own OpenAPI document (/api/v1/openapi.json), property-based with
schemathesis over the hand-worked county of `web_county`.

Every operation is run with a bearer token from POST /api/v1/token, once as a supervisor
(esihenkilo_a, who sees the overdue list of unit A) and once as a director (johtaja, who is
refused it); the token route itself gets generated credentials. Each operation goes through
schemathesis' coverage phase (boundary and missing values, wrong types, unexpected methods) and
its fuzzing phase (generated valid and invalid requests), and every response through its
standard checks: never a server error; the status code, content type, headers and body as
documented; valid requests accepted and invalid ones refused; no operation answering without a
token or with a wrong one.

The run is bounded and reproducible: a fixed seed, derandomised generation, no example
database and `MAX_EXAMPLES` generated requests per operation and phase.
"""

from __future__ import annotations

import zlib

import pytest
import schemathesis
import web_county
from fastapi.testclient import TestClient
from web_county import bearer

from tilannekuva.config import Settings
from tilannekuva.forecasting.series import SERIES
from tilannekuva.indicators.registry import REGISTRY
from tilannekuva.web.app import create_app

pytestmark = pytest.mark.slow

USERS = ("esihenkilo_a", "johtaja")
MAX_EXAMPLES = 30
SEED = 20250331

CONFIG = {
    "seed": SEED,
    # Generation speed depends on the machine; a slow CI runner must not fail the run.
    "suppress-health-check": ["too_slow"],
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    "checks": {
        # A well-formed request the figures cannot answer (a period that ends before it
        # starts, a breakdown the indicator lacks) gets the documented 400.
        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404"]},
    },
    "operations": [{
        # A scenario has rules JSON Schema cannot state (class names that differ, [initial]
        # naming exactly the scenario's classes, periods that end after they start): the
        # scenario model refuses a generated body that breaks them with a 422 naming the
        # field, as it refuses such a file.
        "include-path": "/api/v1/scenarios/run",
        "checks": {"positive_data_acceptance": {
            "expected-statuses": ["2xx", "400", "401", "403", "404", "422"]}},
    }, {
        # A dimension of the series is a string JSON Schema cannot tie to the series in the
        # path: a generated one the series lacks is refused with a 422 naming `by`.
        "include-path-regex": "^/api/v1/forecasts/",
        "checks": {"positive_data_acceptance": {
            "expected-statuses": ["2xx", "400", "401", "403", "404", "422"]}},
    }],
}

#: Values of the hand-worked county, so that generated requests also reach its figures.
KNOWN_VALUES = {"unit": ["A", "B"], "municipality": ["272", "217"], "age_band": ["18–22"]}


def _steer(generated: str, known: list[str], context: str = "") -> str:
    """One of the known values, or the generated one itself; chosen by a checksum of the
    generated value and its context, so the same request is made on every run."""
    text = f"{context}\n{generated}".encode("utf-8", "surrogatepass")
    pick = zlib.crc32(text) % (len(known) + 1)
    return known[pick] if pick < len(known) else generated


def map_case(context, case):
    """Points most valid generated requests at things the county has: a real indicator or
    forecast series (else every one is a 404), its dimensions in `by`, units, municipalities
    and age bands in the filters. Invalid requests are left as generated."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return case
    if isinstance(case.body, dict) and isinstance(case.body.get("runs"), int):
        case.body["runs"] = min(case.body["runs"], 50)  # a scenario's figures, not its speed
    path = case.path_parameters or {}
    if isinstance(path.get("indicator_id"), str):
        path["indicator_id"] = _steer(path["indicator_id"], list(REGISTRY),
                                      repr(sorted((case.query or {}).items())))
    if isinstance(path.get("series"), str):
        path["series"] = _steer(path["series"], list(SERIES),
                                repr(sorted((case.query or {}).items())))
    indicator = REGISTRY.get(path.get("indicator_id"))
    series = SERIES.get(path.get("series"))
    dimensions = indicator.dimensions if indicator else series.dimensions if series else ()
    known = dict(KNOWN_VALUES, by=list(dimensions))
    for name, values in (case.query or {}).items():
        if name in known and isinstance(values, list):
            case.query[name] = [_steer(v, known[name], name) if isinstance(v, str) else v
                                for v in values]
    return case


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = web_county.build(tmp_path_factory.mktemp("web-api") / "county.duckdb")
    return create_app(db, Settings(database=db, min_cell_size=5, pseudonym_key=None))


@pytest.fixture(scope="module", params=USERS)
def api_schema(request, app):
    """The API's document, loaded from the app; every request carries the user's token."""
    config = dict(CONFIG, headers=bearer(app, request.param))
    loaded = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app,
                                            config=schemathesis.Config.from_dict(config))
    loaded.hook(map_case)
    return loaded


@pytest.fixture
def node_id_for_schemathesis(request):
    """schemathesis 4.32 names each operation's subtest of a fixture-loaded schema by rewriting
    the test item's `_nodeid`, which pytest 9 no longer has (it keeps a `NodeId` in `_id`)."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@pytest.mark.usefixtures("node_id_for_schemathesis")
def test_every_operation_keeps_its_documented_contract(case):
    case.call_and_validate()


def test_the_document_declares_the_token_and_the_errors(app):
    document = TestClient(app).get("/api/v1/openapi.json").json()
    scheme = document["components"]["securitySchemes"]["OAuth2PasswordBearer"]
    assert scheme["flows"]["password"]["tokenUrl"] == "/api/v1/token"
    operations = {f"{method.upper()} {path}": operation
                  for path, methods in document["paths"].items()
                  for method, operation in methods.items()}
    situation = {label for label in operations if "/api/v1/situation/" in label}
    assert len(operations) == 9 + 2 + 2 + 2 + 15 and len(situation) == 15
    for label, operation in operations.items():
        if label == "POST /api/v1/token":
            assert "security" not in operation
        else:
            assert operation["security"] == [{"OAuth2PasswordBearer": []}], label
        assert "401" in operation["responses"] and "422" in operation["responses"], label
    assert {"400", "404"} <= set(operations["GET /api/v1/indicators/{indicator_id}/values"]
                                 ["responses"])
    assert "403" in operations["GET /api/v1/overdue"]["responses"]
    for label in ("GET /api/v1/queueing", "POST /api/v1/scenarios/run"):
        assert "400" in operations[label]["responses"], label
    for label in ("GET /api/v1/forecasts/{series}", "GET /api/v1/forecasts/{series}/backtest"):
        assert {"400", "404"} <= set(operations[label]["responses"]), label
    for label in ("GET /api/v1/risk/model", "GET /api/v1/risk/persons"):  # 404: switched off
        assert {"403", "404"} <= set(operations[label]["responses"]), label
    for label in situation:  # the situation centre: roles, unknown ids, and for writes 409
        wanted = {"403", "404"} | ({"409"} if label.startswith("POST") else set())
        assert wanted <= set(operations[label]["responses"]), label
