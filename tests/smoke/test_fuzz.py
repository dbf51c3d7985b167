"""Schemathesis over the whole OpenAPI schema on the smoke scene, as every standing: no 5xx, no canary leaked.

tests/api/test_fuzz.py fuzzes the schema on the permission matrix's small scene and checks that answers
conform to the schema; this runs the same generator on the demo plus the canary alliance, where lists
are long and records are linked across alliances, and checks two things only: no answer is a 5xx, and
no answer shows a canary the standing may not read. Path ids are the most restricted record of each
kind (the first canary record of Dunmarrow; of Kestrel Vale for the person who belongs to both). Each
request runs in a savepoint rolled back, so a generated write never changes the scene. Examples per
operation, mode and standing are bounded by SMOKE_FUZZ_EXAMPLES (default 1).
"""

import contextlib
import io
import os
import re
from urllib.parse import urlencode

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.generation import GenerationMode

from tests.api.test_fuzz import api_schema, connection_kept_open, operations  # noqa: F401 (a fixture)
from tests.smoke import known
from tests.smoke.routes import SEGMENT_MODELS, ids
from tests.smoke.scene import BOTH, KESTREL_SLUG, STANDINGS
from tests.smoke.walk import TOKEN, XLSX, xlsx_text

pytestmark = [pytest.mark.django_db, pytest.mark.smoke, pytest.mark.fuzz]

EXAMPLES = int(os.environ.get("SMOKE_FUZZ_EXAMPLES", "1"))
CHILDREN = {"advice_id": "AdvisoryInput", "recusal_id": "Recusal"}


@pytest.fixture(scope="module")
def tokens(smoke, django_db_blocker):
    with django_db_blocker.unblock():
        return {
            standing: {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"} if user else {}
            for standing, user in smoke.users.items()
        }


def path_parameters(path: str, smoke, standing: str) -> dict:
    slug = KESTREL_SLUG if standing == BOTH else "dunmarrow"
    # The collection the first id belongs to: the segment before it (audit/verifications/{id}/: verifications).
    collection = path.split("{", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    values = {}
    for name in re.findall(r"\{(\w+)\}", path):
        if collection == "alliances":
            values[name] = slug
        elif name in CHILDREN:
            child = next(m for m in smoke.ids if m.__name__ == CHILDREN[name])
            decision, child_pk = next((p, c) for (s, p, c) in _pairs(smoke, child) if s == slug)
            values[name], values["id"] = child_pk, decision
        elif name == "id" and "id" not in values:
            model = SEGMENT_MODELS[collection]
            candidates = [pk for s, pk in ids(smoke, model, "key") if s == slug] + [pk for _, pk in smoke.ids[model]]
            values[name] = candidates[0]
    return values


def _pairs(smoke, child):
    return next(pairs for (parent, c), pairs in smoke.pairs.items() if c is child)


def _readable_text(response) -> str:
    """What a reader of the answer sees: a PDF's text (a board pack is searched for canaries as a reader reads
    it), anything else decoded, an undecodable byte replaced."""
    if any(value.startswith("application/pdf") for value in response.headers.get("content-type", [])):
        from pypdf import PdfReader

        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(bytes(response.content))).pages)
    if any(value.startswith(XLSX) for value in response.headers.get("content-type", [])):
        return xlsx_text(bytes(response.content))
    return response.text_lossy()


def fuzz(operation, mode, parameters, headers, forbidden: dict, problems: list, standing: str):
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=parameters))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        request = f"{case.method} {case.formatted_path}" + (
            f"?{urlencode(case.query, doseq=True)}" if case.query else ""
        )
        try:
            with transaction.atomic():
                try:
                    response = case.call(headers=headers)
                finally:
                    transaction.set_rollback(True)
        except Exception as error:  # raised while streaming the body (a CSV export): a 500 in production
            problems.append((f"5xx {standing}", f"as {standing}: {request} raised {type(error).__name__}: {error}"))
            return
        if response.status_code >= 500:  # schemathesis's not_a_server_error, reported rather than raised
            problems.append((f"5xx {standing}", f"as {standing}: {request} -> {response.status_code}"))
        leaked = sorted(set(TOKEN.findall(_readable_text(response).lower())) & forbidden.keys())
        if leaked:
            shown = "; ".join(f"{t} ({forbidden[t].what})" for t in leaked)
            problems.append((f"leak {standing}", f"as {standing}: {request} -> {response.status_code}: shows {shown}"))

    with contextlib.suppress(Unsatisfiable):
        run()


def cases():
    # Writes with valid input only: tests/api/test_fuzz.py sends them invalid input on its own scene.
    for method, path in operations():
        modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if method == "GET" else (GenerationMode.POSITIVE,)
        for mode in modes:
            yield pytest.param(method, path, mode, id=f"{method} {path} {mode.value}")


@pytest.mark.parametrize(("method", "path", "mode"), list(cases()))
def test_fuzz_the_smoke_scene(smoke, tokens, method, path, mode):
    operation = api_schema()[path][method]
    problems: list[tuple[str, str]] = []
    for standing in STANDINGS:
        parameters = {k: v for k, v in path_parameters(path, smoke, standing).items() if f"{{{k}}}" in path}
        fuzz(operation, mode, parameters, tokens[standing], smoke.forbidden(standing), problems, standing)
    # Known findings (tests/smoke/known/fuzz.txt): "<kind> <standing> <method> <path> <mode>".
    where = f"{method} {path} {mode.value}"
    keys = {f"{kind} {where}" for kind, _ in problems}
    listed = {k for k in known.load("fuzz") if k.endswith(f" {where}")}
    if known.updating():
        others = {k for k in known.load("fuzz") if not k.endswith(f" {where}")}
        known.save("fuzz", others | keys, "the smoke fuzz (tests/smoke/test_fuzz.py)")
        listed = keys
    new = [message for kind, message in problems if f"{kind} {where}" not in listed]
    stale = sorted(listed - keys)
    message = list(dict.fromkeys(new))
    if stale:
        message.append(
            "fixed since tests/smoke/known/fuzz.txt was written (delete these lines):\n  " + "\n  ".join(stale)
        )
    assert not message, "\n".join(message)
