"""The app against its own OpenAPI document, with schemathesis (every documented operation).

Schemathesis generates valid and invalid parameters from ``/openapi.json`` and runs all its
default checks: no server error, documented status codes, content types, headers and response
schemas, and invalid input rejected with a 4xx. Examples are few and derandomized, so the
run is fast and the same every time. No operation is excluded.

One allowance: ``actor`` and ``partner`` take an actor's name, alias or former name as well as
its id. The document cannot list every name a store holds (it lists every vocabulary value),
so a schema-valid but unknown name is a 422 error suggesting close names, and the routes that
take one accept 422 for valid-looking input too. Likewise ``/api/network``: a ``deal_type``
outside the ``layer`` values asked for is a 422 (the two are valid alone, not together).
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI

from tests.web.helpers import as_localhost

# the statuses schemathesis accepts for schema-valid input, and 422 (an unknown actor name)
_NAMES_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": 25, "deterministic": True},
        "operations": [
            {
                "include-path": path,
                "checks": {"positive_data_acceptance": {"expected-statuses": _NAMES_ACCEPTED}},
            }
            for path in ("/api/alliances", "/api/alliances.csv", "/api/measures", "/api/network")
        ],
    }
)


@pytest.fixture(scope="session")
def api_schema(app: FastAPI):
    return schemathesis.openapi.from_asgi("/openapi.json", as_localhost(app), config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    # schemathesis 4.32 reads Node._nodeid, which pytest 9 no longer sets; give it one.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@schema.parametrize()
def test_api_conforms_to_its_openapi_document(case) -> None:
    case.call_and_validate()
