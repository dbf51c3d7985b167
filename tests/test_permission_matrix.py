"""Who may do what: every API route and every page, for every kind of caller and every method, exact codes.

The rows come from the URL resolver (`every_route()`): a test fails when a route or a method exists that
the matrix does not list, so a new endpoint must be added here. ``MATRIX`` is the documentation:
docs/permissions.md is rendered from it, and a test fails when the two differ (regenerate with
`UPDATE_PERMISSIONS_DOC=1 make test PYTEST_ARGS=-k matrix`).

One scene serves the whole module; each cell runs in the test's own transaction, rolled back
afterwards, so a write in one cell never changes what a later cell sees.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from rest_framework.test import APIClient

from tests.helpers import expected_without_pdf
from tests.permission_scene import STANDINGS, make_permission_scene
from tests.smoke.walk import XLSX, xlsx_text

DOC = Path(__file__).resolve().parents[1] / "docs" / "permissions.md"
HEADINGS = {
    "anonymous": "anonymous",
    "viewer": "viewer",
    "representative": "member representative",
    "secretary": "secretary (ALT)",
    "oversight": "oversight",
    "staff": "staff",
    "other alliance": "user of another alliance",
}
# Django's form views answer PUT as POST (ProcessFormView.put); the matrix lists the POST.
SKIPPED_METHODS = {"head", "options", "trace"}

# method, path (ids in braces from the scene), body (- none, {} empty, or a name in PAYLOADS), then
# the code for each standing in the order of STANDINGS:
# anonymous, viewer, representative, secretary, oversight, staff, other alliance.
MATRIX = """
# method path                                                               body           anon vwr rep sec ovs stf oth
GET    /                                                                     -              302 200 200 200 200 200 200
GET    /accounts/login/                                                      -              200 200 200 200 200 200 200
POST   /accounts/login/                                                      {}             200 200 200 200 200 200 200
POST   /accounts/logout/                                                     {}             302 302 302 302 302 302 302
GET    /accounts/sso/callback/                                               -              404 404 404 404 404 404 404
GET    /accounts/sso/start/                                                  -              404 404 404 404 404 404 404
GET    /alliances/                                                           -              302 200 200 200 200 200 200
GET    /alliances/{slug}/                                                    -              302 200 200 200 200 200 404
GET    /alliances/{slug}/actions/                                            -              302 200 200 200 200 200 404
GET    /alliances/{slug}/actions/{action}/cancel/                            -              302 403 403 200 403 200 404
POST   /alliances/{slug}/actions/{action}/cancel/                            {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/actions/{action}/done/                              -              302 403 200 200 403 200 404
POST   /alliances/{slug}/actions/{action}/done/                              {}             302 403 200 200 403 200 404
GET    /alliances/{slug}/audit/                                              -              302 403 200 200 200 200 404
GET    /alliances/{slug}/audit/verifications/                                -              302 403 403 403 200 200 404
POST   /alliances/{slug}/audit/verifications/                                {}             302 403 403 403 302 302 404
GET    /alliances/{slug}/audit/checkpoint                                    -              200 200 200 200 200 200 404
GET    /alliances/{slug}/audit/checkpoints/                                  -              200 200 200 200 200 200 404
GET    /alliances/{slug}/audit/checkpoints/{checkpoint}.txt                  -              200 200 200 200 200 200 404
GET    /alliances/{slug}/read-log/                                           -              302 403 403 403 200 200 404
GET    /alliances/{slug}/imports/                                            -              302 403 403 200 200 200 404
GET    /alliances/{slug}/imports/{import_run}/                               -              302 404 404 200 200 200 404
GET    /alliances/{slug}/imports/decisions/                                  -              302 403 403 200 403 200 404
POST   /alliances/{slug}/imports/decisions/                                  {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/imports/members/template.csv                        -              302 403 403 200 403 200 404
GET    /alliances/{slug}/imports/roles/template.xlsx                         -              302 403 403 200 403 200 404
GET    /alliances/{slug}/search/                                             -              302 200 200 200 200 200 404
GET    /alliances/{slug}/search/?q=winter                                    -              302 200 200 200 200 200 404
GET    /alliances/{slug}/award-policy/                                       -              302 200 200 200 200 200 404
GET    /alliances/{slug}/awards/                                             -              302 200 200 200 200 200 404
GET    /alliances/{slug}/awards/download.csv                                 -              302 200 200 200 200 200 404
GET    /alliances/{slug}/awards/download.xlsx                                -              302 200 200 200 200 200 404
GET    /alliances/{slug}/awards/new/                                         -              302 403 403 200 403 200 404
POST   /alliances/{slug}/awards/new/                                         {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/awards/{award}/                                     -              302 200 200 200 200 200 404
GET    /alliances/{slug}/awards/{award}/approval/                            -              302 403 403 200 403 200 404
POST   /alliances/{slug}/awards/{award}/approval/                            {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/awards/{award}/audit.csv                            -              302 200 200 200 200 200 404
GET    /alliances/{slug}/awards/{award}/audit.xlsx                           -              302 200 200 200 200 200 404
GET    /alliances/{slug}/awards/{award}/move/cancelled/                      -              302 403 403 200 403 200 404
POST   /alliances/{slug}/awards/{award}/move/cancelled/                      {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/awards/{award}/move/submissions/                    -              302 403 403 200 403 200 404
POST   /alliances/{slug}/awards/{award}/move/submissions/                    {}             302 403 403 302 403 302 404
GET    /alliances/{slug}/awards/{award}/scores/new/                          -              302 403 403 200 403 200 404
POST   /alliances/{slug}/awards/{award}/scores/new/                          {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/awards/{award}/submissions/new/                     -              302 403 403 200 403 200 404
POST   /alliances/{slug}/awards/{award}/submissions/new/                     {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/awards/{secret_award}/                              -              302 404 200 200 200 200 404
GET    /alliances/{slug}/budget/                                             -              302 200 200 200 200 200 404
GET    /alliances/{slug}/bodies/{body}/                                      -              302 200 200 200 200 200 404
GET    /alliances/{slug}/bodies/{body}/advice-rule/                          -              302 403 403 200 403 200 404
POST   /alliances/{slug}/bodies/{body}/advice-rule/                          {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/bodies/{body}/rules/                                -              302 403 403 200 403 200 404
POST   /alliances/{slug}/bodies/{body}/rules/                                {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/bodies/{body}/rules/{kind_rule}/remove/             -              302 403 403 200 403 200 404
POST   /alliances/{slug}/bodies/{body}/rules/{kind_rule}/remove/             {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/bodies/{body}/seating/                              -              302 403 403 200 403 200 404
POST   /alliances/{slug}/bodies/{body}/seating/                              {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/bodies/{body}/seats/new/                            -              302 403 403 200 403 200 404
POST   /alliances/{slug}/bodies/{body}/seats/new/                            {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/bodies/{seated_body}/seats/{seat}/end/              -              302 403 403 403 403 200 404
POST   /alliances/{slug}/bodies/{seated_body}/seats/{seat}/end/              {}             302 403 403 403 403 200 404
GET    /alliances/{slug}/contracts/                                          -              302 200 200 200 200 200 404
GET    /alliances/{slug}/contracts/download.csv                              -              302 200 200 200 200 200 404
GET    /alliances/{slug}/contracts/download.xlsx                             -              302 200 200 200 200 200 404
GET    /alliances/{slug}/contracts/{contract}/future/                        -              302 403 403 200 403 200 404
POST   /alliances/{slug}/contracts/{contract}/future/                        {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/warnings/                                           -              302 200 200 200 200 200 404
GET    /alliances/{slug}/decisions/                                          -              302 200 200 200 200 200 404
GET    /alliances/{slug}/decisions/download.csv                              -              302 200 200 200 200 200 404
GET    /alliances/{slug}/decisions/download.xlsx                             -              302 200 200 200 200 200 404
GET    /alliances/{slug}/decisions/new/                                      -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/new/                                      {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{confidential}/                           -              302 404 200 200 200 200 404
GET    /alliances/{slug}/decisions/{members}/                                -              302 200 200 200 200 200 404
GET    /alliances/{slug}/decisions/{members}/actions/                        -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/actions/                        {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/advice/                         -              302 403 200 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/advice/                         {}             302 403 200 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/advice/{advice}/respond/        -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/advice/{advice}/respond/        {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/advice/ask/                     -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/advice/ask/                     {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/advice/requests/{advice_request}/exclude/ -    302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/advice/requests/{advice_request}/exclude/ {}   302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/advice/without/                 -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/advice/without/                 {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/approval/                       -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/approval/                       {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/close/                          -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/close/                          {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/defer/                          -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/defer/                          {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/extend/                         -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/extend/                         {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/edit/                           -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/edit/                           {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/open/                           -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/open/                           {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/positions/                      -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/positions/                      {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/recusals/                       -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/recusals/                       {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/release/                        -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/release/                        {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/releases/{release}/cancel/      -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/releases/{release}/cancel/      {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/vote/                           -              302 403 200 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/vote/                           {}             302 403 200 200 403 200 404
GET    /alliances/{slug}/decisions/{members}/withdraw/                       -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{members}/withdraw/                       {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{public}/                                 -              302 200 200 200 200 200 404
GET    /alliances/{slug}/decisions/{public}/recusals/{recusal}/dispensation/ -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{public}/recusals/{recusal}/dispensation/ {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/decisions/{public}/recusals/{recusal}/publicity/    -              302 403 403 200 403 200 404
POST   /alliances/{slug}/decisions/{public}/recusals/{recusal}/publicity/    {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/delegations/                                        -              302 200 200 200 200 200 404
GET    /alliances/{slug}/delegations/download.csv                            -              302 200 200 200 200 200 404
GET    /alliances/{slug}/delegations/download.xlsx                           -              302 200 200 200 200 200 404
GET    /alliances/{slug}/delivery/                                           -              302 200 200 200 200 200 404
GET    /alliances/{slug}/delivery/milestones.csv                             -              302 200 200 200 200 200 404
GET    /alliances/{slug}/delivery/milestones.xlsx                            -              302 200 200 200 200 200 404
GET    /alliances/{slug}/delivery/new/                                       -              302 403 403 200 403 200 404
POST   /alliances/{slug}/delivery/new/                                       {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/delivery/workstreams/{workstream}/                  -              302 200 200 200 200 200 404
GET    /alliances/{slug}/delivery/workstreams/{secret_workstream}/           -              302 404 200 200 200 200 404
GET    /alliances/{slug}/delivery/workstreams/{workstream}/adopt/            -              302 403 403 200 403 200 404
POST   /alliances/{slug}/delivery/workstreams/{workstream}/adopt/            {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/delivery/workstreams/{workstream}/change/           -              302 403 403 200 403 200 404
POST   /alliances/{slug}/delivery/workstreams/{workstream}/change/           {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/delivery/workstreams/{workstream}/complete/         -              302 403 403 200 403 200 404
POST   /alliances/{slug}/delivery/workstreams/{workstream}/complete/         {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/delivery/workstreams/{workstream}/close/            -              302 403 403 200 403 200 404
POST   /alliances/{slug}/delivery/workstreams/{workstream}/close/            {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/delivery/workstreams/{workstream}/milestones/new/   -              302 403 403 200 403 200 404
POST   /alliances/{slug}/delivery/workstreams/{workstream}/milestones/new/   {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/delivery/workstreams/{workstream}/contracts/link/   -              302 403 403 200 403 200 404
POST   /alliances/{slug}/delivery/workstreams/{workstream}/contracts/link/   {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/delivery/workstreams/{workstream}/unlink/{link}/    -              302 403 403 200 403 200 404
POST   /alliances/{slug}/delivery/workstreams/{workstream}/unlink/{link}/    {}             302 403 403 302 403 302 404
GET    /alliances/{slug}/delivery/milestones/{milestone}/target/             -              302 403 403 200 403 200 404
POST   /alliances/{slug}/delivery/milestones/{milestone}/target/             {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/delivery/milestones/{milestone}/rag/                -              302 403 403 200 403 200 404
POST   /alliances/{slug}/delivery/milestones/{milestone}/rag/                {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/delivery/milestones/{milestone}/achieved/           -              302 403 403 200 403 200 404
POST   /alliances/{slug}/delivery/milestones/{milestone}/achieved/           {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/scope/                                              -              302 200 200 200 200 200 404
GET    /alliances/{slug}/scope/register.csv                                  -              302 200 200 200 200 200 404
GET    /alliances/{slug}/scope/register.xlsx                                 -              302 200 200 200 200 200 404
GET    /alliances/{slug}/scope/lines/new/                                    -              302 403 403 200 403 200 404
POST   /alliances/{slug}/scope/lines/new/                                    {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/scope/lines/{service_line}/                         -              302 200 200 200 200 200 404
GET    /alliances/{slug}/scope/lines/{service_line}/change/                  -              302 403 403 200 403 200 404
POST   /alliances/{slug}/scope/lines/{service_line}/change/                  {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/scope/lines/{service_line}/contracts/new/           -              302 403 403 200 403 200 404
POST   /alliances/{slug}/scope/lines/{service_line}/contracts/new/           {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/scope/lines/{service_line}/contracts/link/          -              302 403 403 200 403 200 404
POST   /alliances/{slug}/scope/lines/{service_line}/contracts/link/          {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/scope/envelope/                                     -              302 200 200 200 200 200 404
GET    /alliances/{slug}/scope/envelope/savings.csv                          -              302 200 200 200 200 200 404
GET    /alliances/{slug}/scope/envelope/savings.xlsx                         -              302 200 200 200 200 200 404
GET    /alliances/{slug}/scope/envelope/new/                                 -              302 403 403 200 403 200 404
POST   /alliances/{slug}/scope/envelope/new/                                 {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/scope/savings/new/                                  -              302 403 403 200 403 200 404
POST   /alliances/{slug}/scope/savings/new/                                  {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/governing-documents/                                -              302 200 200 200 200 200 404
GET    /alliances/{slug}/governing-documents/new/                            -              302 403 403 200 403 200 404
POST   /alliances/{slug}/governing-documents/new/                            {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/governing-documents/{govdoc}/                       -              302 200 200 200 200 200 404
GET    /alliances/{slug}/governing-documents/{govdoc}/status/                -              302 403 403 200 403 200 404
POST   /alliances/{slug}/governing-documents/{govdoc}/status/                {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/governing-documents/{govdoc}/version/               -              302 403 403 200 403 200 404
POST   /alliances/{slug}/governing-documents/{govdoc}/version/               {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/governing-documents/{govdoc}/review/                -              302 403 403 200 403 200 404
POST   /alliances/{slug}/governing-documents/{govdoc}/review/                {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/governing-documents/{secret_govdoc}/                -              302 404 200 200 200 200 404
GET    /alliances/{slug}/governing-documents/{secret_govdoc}/status/         -              302 404 403 200 403 200 404
GET    /alliances/{slug}/forward-plan/                                       -              302 200 200 200 200 200 404
GET    /alliances/{slug}/forward-plan/new/                                   -              302 403 403 200 403 200 404
POST   /alliances/{slug}/forward-plan/new/                                   {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/forward-plan/{entry}/edit/                          -              302 403 403 200 403 200 404
POST   /alliances/{slug}/forward-plan/{entry}/edit/                          {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/forward-plan/{entry}/withdraw/                      -              302 403 403 200 403 200 404
POST   /alliances/{slug}/forward-plan/{entry}/withdraw/                      {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/forward-plan/{secret_entry}/edit/                   -              302 404 404 200 403 200 404
GET    /alliances/{slug}/interests/                                          -              302 200 200 200 200 200 404
GET    /alliances/{slug}/interests/download.csv                              -              302 200 200 200 200 200 404
GET    /alliances/{slug}/interests/download.xlsx                             -              302 200 200 200 200 200 404
GET    /alliances/{slug}/interests/new/                                      -              302 403 200 200 200 200 404
POST   /alliances/{slug}/interests/new/                                      {}             302 403 200 200 200 200 404
GET    /alliances/{slug}/interests/{interest}/end/                           -              302 403 200 200 403 200 404
POST   /alliances/{slug}/interests/{interest}/end/                           {}             302 403 200 200 403 200 404
GET    /alliances/{slug}/measures/                                           -              302 200 200 200 200 200 404
GET    /alliances/{slug}/measures/new/                                       -              302 403 403 200 403 200 404
POST   /alliances/{slug}/measures/new/                                       {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/measures/returns.csv                                -              302 200 200 200 200 200 404
GET    /alliances/{slug}/measures/returns.xlsx                               -              302 200 200 200 200 200 404
GET    /alliances/{slug}/measures/{measure}/                                 -              302 200 200 200 200 200 404
GET    /alliances/{slug}/measures/{measure}/change/                          -              302 403 403 200 403 200 404
POST   /alliances/{slug}/measures/{measure}/change/                          {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/measures/{measure}/retire/                          -              302 403 403 200 403 200 404
POST   /alliances/{slug}/measures/{measure}/retire/                          {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/measures/{measure}/returns/new/                     -              302 403 200 200 403 200 404
POST   /alliances/{slug}/measures/{measure}/returns/new/                     {}             302 403 200 200 403 200 404
GET    /alliances/{slug}/measures/{measure}/returns/{measure_return}/correct/ -             302 403 200 200 403 200 404
POST   /alliances/{slug}/measures/{measure}/returns/{measure_return}/correct/ {}            302 403 200 200 403 200 404
GET    /alliances/{slug}/meetings/                                           -              302 200 200 200 200 200 404
GET    /alliances/{slug}/meetings/new/                                       -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/new/                                       {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/meetings/{meeting}/                                 -              302 200 200 200 200 200 404
GET    /alliances/{slug}/meetings/{meeting}/agenda/                          -              302 200 200 200 200 200 404
GET    /alliances/{slug}/meetings/{meeting}/agenda/add/                      -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/agenda/add/                      {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/meetings/{meeting}/agenda/publish/                  -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/agenda/publish/                  {}             302 403 403 302 403 302 404
GET    /alliances/{slug}/meetings/{meeting}/agenda/{agenda_item}/edit/       -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/agenda/{agenda_item}/edit/       {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/meetings/{meeting}/agenda/{agenda_item}/move/       -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/agenda/{agenda_item}/move/       {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/meetings/{meeting}/agenda/{agenda_item}/withdraw/   -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/agenda/{agenda_item}/withdraw/   {}             302 403 403 302 403 302 404
GET    /alliances/{slug}/meetings/{meeting}/approve-minutes/                 -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/approve-minutes/                 {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/meetings/{agenda_meeting}/board-pack.pdf            -              302 200 200 200 200 200 404
GET    /alliances/{slug}/meetings/{meeting}/attendance/                      -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/attendance/                      {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/meetings/{meeting}/attendance/{attendance}/         -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/attendance/{attendance}/         {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/meetings/{meeting}/attendance/{attendance}/remove/  -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/attendance/{attendance}/remove/  {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/meetings/{meeting}/board-pack.pdf                   -              302 200 200 200 200 200 404
GET    /alliances/{slug}/meetings/{meeting}/attendance/register/             -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/attendance/register/             {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/meetings/{meeting}/cancel/                          -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/cancel/                          {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/meetings/{meeting}/edit/                            -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/edit/                            {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/meetings/{meeting}/held/                            -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/held/                            {}             302 403 403 302 403 302 404
GET    /alliances/{slug}/meetings/{meeting}/minutes/                         -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/minutes/                         {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/meetings/{meeting}/minutes/circulate/               -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/minutes/circulate/               {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/meetings/{meeting}/minutes/draft-approval/          -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/minutes/draft-approval/          {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/meetings/{meeting}/minutes/print/                   -              302 200 200 200 200 200 404
GET    /alliances/{slug}/meetings/{meeting}/actions/                         -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/actions/                         {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/meetings/{meeting}/items/{agenda_item}/minute/      -              302 403 403 200 403 200 404
POST   /alliances/{slug}/meetings/{meeting}/items/{agenda_item}/minute/      {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/my-interests/                                       -              302 200 200 200 200 200 404
GET    /alliances/{slug}/oversight/                                          -              302 403 200 200 200 200 404
GET    /alliances/{slug}/papers/new/decision/{members}/                      -              302 403 403 200 403 200 404
POST   /alliances/{slug}/papers/new/decision/{members}/                      {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/papers/new/decision/{confidential}/                 -              302 404 403 200 403 200 404
GET    /alliances/{slug}/papers/new/awardprocess/{award}/                    -              302 403 403 200 403 200 404
GET    /alliances/{slug}/papers/{paper}/                                     -              302 200 200 200 200 200 404
GET    /alliances/{slug}/papers/{secret_paper}/                              -              302 404 200 200 200 200 404
GET    /alliances/{slug}/papers/{paper}/versions/1/download/                 -              302 200 200 200 200 200 404
GET    /alliances/{slug}/papers/{secret_paper}/versions/1/download/          -              302 404 200 200 200 200 404
GET    /alliances/{slug}/papers/{paper}/versions/new/                        -              302 403 403 200 403 200 404
POST   /alliances/{slug}/papers/{paper}/versions/new/                        {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/papers/{paper}/withdraw/                            -              302 403 403 200 403 200 404
POST   /alliances/{slug}/papers/{paper}/withdraw/                            {}             302 403 403 200 403 200 404
GET    /alliances/{slug}/people/{person}/                                    -              302 200 200 200 200 200 404
GET    /alliances/{slug}/roles/                                              -              302 200 200 200 200 200 404
GET    /alliances/{slug}/roles/download.csv                                  -              302 200 200 200 200 200 404
GET    /alliances/{slug}/roles/download.xlsx                                 -              302 200 200 200 200 200 404
GET    /alliances/{slug}/roles/{role}/                                       -              302 200 200 200 200 200 404
GET    /alliances/{slug}/roles/{role}/handover/                              -              302 200 200 200 200 200 404
GET    /api/docs/                                                            -              200 200 200 200 200 200 200
GET    /api/schema/                                                          -              200 200 200 200 200 200 200
GET    /api/v1/                                                              -              401 200 200 200 200 200 200
GET    /api/v1/action-items/                                                 -              401 200 200 200 200 200 200
POST   /api/v1/action-items/                                                 {}             401 403 403 400 403 400 403
GET    /api/v1/action-items/{action}/                                        -              401 200 200 200 200 200 404
POST   /api/v1/action-items/{action}/cancel/                                 {}             401 403 403 400 403 400 404
POST   /api/v1/action-items/{action}/complete/                               {}             401 403 400 400 403 400 404
GET    /api/v1/action-items/{action}/history/                                -              401 200 200 200 200 200 404
POST   /api/v1/action-items/{action}/reassign/                               {}             401 403 403 400 403 400 404
GET    /api/v1/alliances/                                                    -              200 200 200 200 200 200 200
POST   /api/v1/alliances/                                                    {}             401 403 403 403 403 400 403
GET    /api/v1/alliances/{slug}/                                             -              200 200 200 200 200 200 200
PUT    /api/v1/alliances/{slug}/                                             {}             401 405 405 405 405 405 405
PATCH  /api/v1/alliances/{slug}/                                             {}             401 403 403 403 403 200 403
DELETE /api/v1/alliances/{slug}/                                             -              401 405 405 405 405 405 405
GET    /api/v1/alliances/{slug}/history/                                     -              401 200 200 200 200 200 200
GET    /api/v1/audit/                                                        -              401 200 200 200 200 200 200
GET    /api/v1/audit/?alliance={slug}                                        -              401 200 200 200 200 200 200
GET    /api/v1/audit/csv/                                                    -              401 200 200 200 200 200 200
GET    /api/v1/audit/verifications/                                          -              401 200 200 200 200 200 200
GET    /api/v1/audit/verifications/?alliance={slug}                          -              401 200 200 200 200 200 200
POST   /api/v1/audit/verifications/                                          {}             401 403 403 403 400 400 400
POST   /api/v1/audit/verifications/                                          verify         401 403 403 403 202 202 403
GET    /api/v1/audit/verifications/{verification}/                           -              401 404 404 404 200 200 404
GET    /api/v1/audit/xlsx/                                                   -              401 200 200 200 200 200 200
GET    /api/v1/audit/checkpoints/?alliance={slug}                            -              200 200 200 200 200 200 200
GET    /api/v1/audit/checkpoints/latest/?alliance={slug}                     -              200 200 200 200 200 200 200
GET    /api/v1/audit/proof/?alliance={slug}&seq=1                            -              404 404 200 200 200 200 404
GET    /api/v1/audit/consistency/?alliance={slug}&from={size}&to={size}      -              200 200 200 200 200 200 200
GET    /api/v1/read-log/                                                     -              401 200 200 200 200 200 200
GET    /api/v1/read-log/?alliance={slug}                                     -              401 200 200 200 200 200 200
GET    /api/v1/imports/                                                      -              401 200 200 200 200 200 200
GET    /api/v1/imports/?alliance={slug}                                      -              401 200 200 200 200 200 200
POST   /api/v1/imports/                                                      {}             401 403 403 400 403 400 403
GET    /api/v1/imports/{import_run}/                                         -              401 404 404 200 200 200 404
GET    /api/v1/search/                                                       -              400 400 400 400 400 400 400
GET    /api/v1/search/?q=winter                                              -              200 200 200 200 200 200 200
POST   /api/v1/auth/token/                                                   {}             400 400 400 400 400 400 400
GET    /api/v1/award-policies/                                               -              401 200 200 200 200 200 200
POST   /api/v1/award-policies/                                               {}             401 403 403 403 403 400 403
GET    /api/v1/award-policies/{policy}/                                      -              401 200 200 200 200 200 404
GET    /api/v1/award-policies/{policy}/history/                              -              401 200 200 200 200 200 404
GET    /api/v1/awards/                                                       -              200 200 200 200 200 200 200
POST   /api/v1/awards/                                                       {}             401 403 403 400 403 400 403
GET    /api/v1/awards/ocds/                                                  -              400 400 400 400 400 400 400
GET    /api/v1/awards/ocds/?alliance={slug}                                  -              200 200 200 200 200 200 200
GET    /api/v1/awards/{award}/                                               -              404 200 200 200 200 200 404
POST   /api/v1/awards/{award}/approval/                                      {}             401 403 403 409 403 409 404
GET    /api/v1/awards/{award}/audit/                                         -              401 200 200 200 200 200 404
GET    /api/v1/awards/{award}/history/                                       -              401 200 200 200 200 200 404
GET    /api/v1/awards/{award}/ocds/                                          -              404 200 200 200 200 200 404
GET    /api/v1/awards/{award}/scores/                                        -              401 200 200 200 200 200 404
POST   /api/v1/awards/{award}/scores/                                        {}             401 403 403 400 403 400 404
GET    /api/v1/awards/{award}/submissions/                                   -              401 200 200 200 200 200 404
POST   /api/v1/awards/{award}/submissions/                                   {}             401 403 403 400 403 400 404
POST   /api/v1/awards/{award}/transition/                                    {}             401 403 403 400 403 400 404
GET    /api/v1/awards/{secret_award}/                                        -              404 404 200 200 200 200 404
GET    /api/v1/bodies/                                                       -              401 200 200 200 200 200 200
POST   /api/v1/bodies/                                                       {}             401 403 403 403 403 400 403
GET    /api/v1/bodies/{body}/                                                -              401 200 200 200 200 200 404
PUT    /api/v1/bodies/{body}/                                                {}             401 405 405 405 405 405 405
PATCH  /api/v1/bodies/{body}/                                                {}             401 403 403 403 403 200 404
DELETE /api/v1/bodies/{body}/                                                -              401 405 405 405 405 405 405
GET    /api/v1/bodies/{body}/history/                                        -              401 200 200 200 200 200 404
POST   /api/v1/bodies/{body}/advice-rule/                                    {}             401 403 403 400 403 400 404
POST   /api/v1/bodies/{body}/rules/                                          {}             401 403 403 400 403 400 404
POST   /api/v1/bodies/{body}/rules/remove/                                   {}             401 403 403 400 403 400 404
POST   /api/v1/bodies/{body}/seating/                                        {}             401 403 403 400 403 400 404
GET    /api/v1/measures/                                                     -              401 200 200 200 200 200 200
POST   /api/v1/measures/                                                     {}             401 403 403 400 403 400 403
GET    /api/v1/measures/{measure}/                                           -              401 200 200 200 200 200 404
POST   /api/v1/measures/{measure}/change/                                    {}             401 403 403 400 403 400 404
GET    /api/v1/measures/{measure}/history/                                   -              401 200 200 200 200 200 404
POST   /api/v1/measures/{measure}/retire/                                    {}             401 403 403 400 403 400 404
GET    /api/v1/measure-returns/                                              -              401 200 200 200 200 200 200
POST   /api/v1/measure-returns/                                              {}             401 403 400 400 403 400 403
GET    /api/v1/measure-returns/{measure_return}/                             -              401 200 200 200 200 200 404
POST   /api/v1/measure-returns/{measure_return}/correct/                     {}             401 403 400 400 403 400 404
GET    /api/v1/measure-returns/{measure_return}/history/                     -              401 200 200 200 200 200 404
GET    /api/v1/contracts/                                                    -              401 200 200 200 200 200 200
GET    /api/v1/contracts/{contract}/                                         -              401 200 200 200 200 200 404
GET    /api/v1/contracts/{contract}/history/                                 -              401 200 200 200 200 200 404
POST   /api/v1/contracts/{contract}/future-decision/                         {}             401 403 403 400 403 400 404
GET    /api/v1/decisions/                                                    -              200 200 200 200 200 200 200
POST   /api/v1/decisions/                                                    {}             401 403 403 400 403 400 403
POST   /api/v1/decisions/delegated/                                          {}             401 403 403 403 403 400 403
POST   /api/v1/decisions/{amt}/close/                                        {}             401 403 403 403 403 200 404
GET    /api/v1/decisions/{confidential}/                                     -              404 404 200 200 200 200 404
GET    /api/v1/decisions/{confidential}/history/                             -              401 404 200 200 200 200 404
POST   /api/v1/decisions/{draft}/open/                                       {}             401 403 403 200 403 200 404
GET    /api/v1/decisions/{members}/                                          -              404 200 200 200 200 200 404
PUT    /api/v1/decisions/{members}/                                          {}             401 405 405 405 405 405 405
PATCH  /api/v1/decisions/{members}/                                          edit           401 403 403 200 403 200 404
PATCH  /api/v1/decisions/{members}/                                          {}             401 403 403 200 403 200 404
POST   /api/v1/decisions/{members}/advice/                                   {}             401 403 400 400 403 400 404
POST   /api/v1/decisions/{members}/advice/{advice}/response/                 {}             401 403 403 400 403 400 404
POST   /api/v1/decisions/{members}/advice-requests/                          {}             401 403 403 400 403 400 404
POST   /api/v1/decisions/{members}/advice-requests/{advice_request}/exclude/ {}             401 403 403 400 403 400 404
POST   /api/v1/decisions/{members}/amend/                                    {}             401 403 403 409 403 409 404
POST   /api/v1/decisions/{members}/approval/                                 {}             401 403 403 400 403 400 404
POST   /api/v1/decisions/{members}/close/                                    {}             401 403 403 400 403 400 404
GET    /api/v1/decisions/{members}/close-preview/                            -              401 200 200 200 200 200 404
POST   /api/v1/decisions/{members}/defer/                                    {}             401 403 403 400 403 400 404
POST   /api/v1/decisions/{members}/extend/                                   {}             401 403 403 400 403 400 404
POST   /api/v1/decisions/{members}/no-advice/                                {}             401 403 403 400 403 400 404
GET    /api/v1/decisions/{members}/history/                                  -              401 200 200 200 200 200 404
POST   /api/v1/decisions/{members}/open/                                     {}             401 403 403 409 403 409 404
POST   /api/v1/decisions/{members}/positions/                                {}             401 403 403 400 403 400 404
POST   /api/v1/decisions/{members}/recusals/                                 {}             401 403 403 400 403 400 404
GET    /api/v1/decisions/{members}/related/                                  -              401 200 200 200 200 200 404
POST   /api/v1/decisions/{members}/release/                                  {}             401 403 403 400 403 400 404
POST   /api/v1/decisions/{members}/releases/{release}/cancel/                {}             401 403 403 400 403 400 404
POST   /api/v1/decisions/{members}/supersede/                                {}             401 403 403 409 403 409 404
POST   /api/v1/decisions/{members}/votes/                                    other_vote     401 403 403 400 403 400 404
POST   /api/v1/decisions/{members}/votes/                                    own_vote       401 403 201 201 403 201 404
POST   /api/v1/decisions/{members}/votes/                                    {}             401 403 400 400 403 400 404
POST   /api/v1/decisions/{members}/withdraw/                                 {}             401 403 403 400 403 400 404
GET    /api/v1/decisions/{public}/                                           -              200 200 200 200 200 200 200
POST   /api/v1/decisions/{public}/recusals/{recusal}/dispensation/           {}             401 403 403 400 403 400 403
POST   /api/v1/decisions/{public}/recusals/{recusal}/publicity/              {}             401 403 403 400 403 400 403
GET    /api/v1/delegations/                                                  -              401 200 200 200 200 200 200
POST   /api/v1/delegations/                                                  {}             401 403 403 403 403 400 403
GET    /api/v1/delegations/check/                                            -              401 400 400 400 400 400 400
GET    /api/v1/delegations/{delegation}/                                     -              401 200 200 200 200 200 404
GET    /api/v1/delegations/{delegation}/history/                             -              401 200 200 200 200 200 404
POST   /api/v1/delegations/{delegation}/revoke/                              {}             401 403 403 403 403 400 404
GET    /api/v1/directory/?alliance={slug}                                    -              401 200 200 200 200 200 400
GET    /api/v1/documents/                                                    -              401 200 200 200 200 200 200
POST   /api/v1/documents/                                                    {}             401 403 403 400 403 400 403
GET    /api/v1/documents/{paper}/                                            -              401 200 200 200 200 200 404
GET    /api/v1/documents/{secret_paper}/                                     -              401 404 200 200 200 200 404
GET    /api/v1/documents/{paper}/history/                                    -              401 200 200 200 200 200 404
GET    /api/v1/documents/{paper}/versions/1/download/                        -              401 200 200 200 200 200 404
GET    /api/v1/documents/{secret_paper}/versions/1/download/                 -              401 404 200 200 200 200 404
POST   /api/v1/documents/{paper}/versions/                                   {}             401 403 403 400 403 400 404
POST   /api/v1/documents/{paper}/withdraw/                                   {}             401 403 403 400 403 400 404
GET    /api/v1/exports/decisions/                                            -              401 400 400 400 400 400 400
GET    /api/v1/exports/decisions/?alliance={slug}                            -              401 200 200 200 200 200 404
GET    /api/v1/exports/calendar/                                             -              401 400 400 400 400 400 400
GET    /api/v1/exports/calendar/?alliance={slug}                             -              401 200 200 200 200 200 404
GET    /api/v1/exports/popolo/                                               -              401 400 400 400 400 400 400
GET    /api/v1/exports/popolo/?alliance={slug}                               -              401 200 200 200 200 200 404
GET    /api/v1/workstreams/                                                  -              401 200 200 200 200 200 200
POST   /api/v1/workstreams/                                                  {}             401 403 403 400 403 400 403
GET    /api/v1/workstreams/{workstream}/                                     -              401 200 200 200 200 200 404
GET    /api/v1/workstreams/{workstream}/history/                             -              401 200 200 200 200 200 404
POST   /api/v1/workstreams/{workstream}/adopt/                               {}             401 403 403 409 403 409 404
POST   /api/v1/workstreams/{workstream}/change/                              {}             401 403 403 400 403 400 404
POST   /api/v1/workstreams/{workstream}/close/                               {}             401 403 403 400 403 400 404
POST   /api/v1/workstreams/{workstream}/milestones/                          {}             401 403 403 400 403 400 404
POST   /api/v1/workstreams/{workstream}/link-contract/                       {}             401 403 403 400 403 400 404
POST   /api/v1/workstreams/{workstream}/unlink-contract/                     {}             401 403 403 400 403 400 404
POST   /api/v1/workstreams/{workstream}/complete/                            {}             401 403 403 409 403 409 404
GET    /api/v1/workstreams/{secret_workstream}/                              -              401 404 200 200 200 200 404
GET    /api/v1/milestones/                                                   -              401 200 200 200 200 200 200
GET    /api/v1/milestones/{milestone}/                                       -              401 200 200 200 200 200 404
GET    /api/v1/milestones/{milestone}/history/                               -              401 200 200 200 200 200 404
POST   /api/v1/milestones/{milestone}/move-target/                           {}             401 403 403 400 403 400 404
POST   /api/v1/milestones/{milestone}/rag/                                   {}             401 403 403 400 403 400 404
POST   /api/v1/milestones/{milestone}/achieved/                              {}             401 403 403 400 403 400 404
GET    /api/v1/service-lines/                                                -              401 200 200 200 200 200 200
POST   /api/v1/service-lines/                                                {}             401 403 403 400 403 400 403
GET    /api/v1/service-lines/{service_line}/                                 -              401 200 200 200 200 200 404
GET    /api/v1/service-lines/{service_line}/history/                         -              401 200 200 200 200 200 404
POST   /api/v1/service-lines/{service_line}/change/                          {}             401 403 403 400 403 400 404
POST   /api/v1/service-lines/{service_line}/contracts/                       {}             401 403 403 400 403 400 404
POST   /api/v1/service-lines/{service_line}/link-contract/                   {}             401 403 403 400 403 400 404
GET    /api/v1/budget-envelopes/                                             -              401 200 200 200 200 200 200
POST   /api/v1/budget-envelopes/                                             {}             401 403 403 400 403 400 403
GET    /api/v1/budget-envelopes/{envelope}/                                  -              401 200 200 200 200 200 404
GET    /api/v1/budget-envelopes/{envelope}/history/                          -              401 200 200 200 200 200 404
GET    /api/v1/savings/                                                      -              401 200 200 200 200 200 200
POST   /api/v1/savings/                                                      {}             401 403 403 400 403 400 403
GET    /api/v1/savings/{saving}/                                             -              401 200 200 200 200 200 404
GET    /api/v1/savings/{saving}/history/                                     -              401 200 200 200 200 200 404
GET    /api/v1/governing-documents/                                          -              401 200 200 200 200 200 200
POST   /api/v1/governing-documents/                                          {}             401 403 403 400 403 400 403
GET    /api/v1/governing-documents/{govdoc}/                                 -              401 200 200 200 200 200 404
GET    /api/v1/governing-documents/{govdoc}/history/                         -              401 200 200 200 200 200 404
POST   /api/v1/governing-documents/{govdoc}/status/                          {}             401 403 403 400 403 400 404
POST   /api/v1/governing-documents/{govdoc}/new-version/                     {}             401 403 403 400 403 400 404
POST   /api/v1/governing-documents/{govdoc}/review/                          {}             401 403 403 400 403 400 404
GET    /api/v1/governing-documents/{secret_govdoc}/                          -              401 404 200 200 200 200 404
GET    /api/v1/forward-plan/                                                 -              401 200 200 200 200 200 200
POST   /api/v1/forward-plan/                                                 {}             401 403 403 400 403 400 403
GET    /api/v1/forward-plan/{entry}/                                         -              401 200 200 200 200 200 200
PATCH  /api/v1/forward-plan/{entry}/                                         {}             401 403 403 200 403 200 403
PATCH  /api/v1/forward-plan/{entry}/                                         reschedule     401 403 403 200 403 200 403
GET    /api/v1/forward-plan/{entry}/history/                                 -              401 200 200 200 200 200 200
POST   /api/v1/forward-plan/{entry}/withdraw/                                {}             401 403 403 400 403 400 403
POST   /api/v1/forward-plan/{entry}/withdraw/                                withdraw       401 403 403 200 403 200 403
GET    /api/v1/forward-plan/{secret_entry}/                                  -              401 404 404 200 200 200 404
PATCH  /api/v1/forward-plan/{secret_entry}/                                  {}             401 404 404 200 403 200 404
GET    /api/v1/delivery-overview/                                            -              401 400 400 400 400 400 400
GET    /api/v1/delivery-overview/?alliance={slug}                            -              401 200 200 200 200 200 404
GET    /api/v1/home/                                                         -              401 200 200 200 200 200 200
GET    /api/v1/interests/                                                    -              401 200 200 200 200 200 200
POST   /api/v1/interests/                                                    {}             401 403 400 400 400 400 403
GET    /api/v1/interests/{interest}/                                         -              401 200 200 200 200 200 404
POST   /api/v1/interests/{interest}/end/                                     {}             401 403 400 400 403 400 404
GET    /api/v1/interests/{interest}/history/                                 -              401 200 200 200 200 200 404
GET    /api/v1/meetings/                                                     -              401 200 200 200 200 200 200
POST   /api/v1/meetings/                                                     {}             401 403 403 400 403 400 403
GET    /api/v1/meetings/{meeting}/                                           -              401 200 200 200 200 200 404
PUT    /api/v1/meetings/{meeting}/                                           {}             401 405 405 405 405 405 405
PATCH  /api/v1/meetings/{meeting}/                                           {}             401 403 403 200 403 200 404
POST   /api/v1/meetings/{meeting}/approve-minutes/                           {}             401 403 403 400 403 400 404
POST   /api/v1/meetings/{meeting}/attendance/                                {}             401 403 403 400 403 400 404
GET    /api/v1/meetings/{agenda_meeting}/board-pack/                         -              401 200 200 200 200 200 404
GET    /api/v1/meetings/{meeting}/board-pack/                                -              401 200 200 200 200 200 404
POST   /api/v1/meetings/{meeting}/attendance/{attendance}/correct/           {}             401 403 403 400 403 400 404
POST   /api/v1/meetings/{meeting}/attendance/{attendance}/remove/            {}             401 403 403 400 403 400 404
POST   /api/v1/meetings/{meeting}/attendance-register/                       {}             401 403 403 400 403 400 404
POST   /api/v1/meetings/{meeting}/cancel/                                    {}             401 403 403 400 403 400 404
POST   /api/v1/meetings/{meeting}/held/                                      {}             401 403 403 200 403 200 404
GET    /api/v1/meetings/{meeting}/history/                                   -              401 200 200 200 200 200 404
POST   /api/v1/meetings/{meeting}/minutes/                                   {}             401 403 403 400 403 400 404
POST   /api/v1/meetings/{meeting}/publish-agenda/                            {}             401 403 403 200 403 200 404
GET    /api/v1/agenda-items/                                                 -              401 200 200 200 200 200 200
POST   /api/v1/agenda-items/                                                 {}             401 403 403 400 403 400 403
GET    /api/v1/agenda-items/{agenda_item}/                                   -              401 200 200 200 200 200 404
PUT    /api/v1/agenda-items/{agenda_item}/                                   {}             401 405 405 405 405 405 405
PATCH  /api/v1/agenda-items/{agenda_item}/                                   {}             401 403 403 200 403 200 404
GET    /api/v1/agenda-items/{agenda_item}/history/                           -              401 200 200 200 200 200 404
POST   /api/v1/agenda-items/{agenda_item}/move/                              {}             401 403 403 400 403 400 404
POST   /api/v1/agenda-items/{agenda_item}/withdraw/                          {}             401 403 403 204 403 204 404
POST   /api/v1/meetings/{meeting}/item-minute/                               {}             401 403 403 400 403 400 404
POST   /api/v1/meetings/{meeting}/circulate-minutes/                         {}             401 403 403 409 403 409 404
POST   /api/v1/meetings/{meeting}/draft-minutes-approval/                    {}             401 403 403 400 403 400 404
GET    /api/v1/meetings/{meeting}/signed-minutes/                            -              401 404 404 404 404 404 404
GET    /api/v1/memberships/                                                  -              401 200 200 200 200 200 200
POST   /api/v1/memberships/                                                  new_membership 401 403 403 403 403 201 403
POST   /api/v1/memberships/                                                  {}             401 403 403 403 403 400 403
GET    /api/v1/memberships/{membership}/                                     -              401 200 200 200 200 200 404
PUT    /api/v1/memberships/{membership}/                                     {}             401 405 405 405 405 405 405
PATCH  /api/v1/memberships/{membership}/                                     {}             401 403 403 403 403 200 404
DELETE /api/v1/memberships/{membership}/                                     -              401 405 405 405 405 405 405
POST   /api/v1/memberships/{membership}/end/                                 {}             401 403 403 403 403 400 404
GET    /api/v1/memberships/{membership}/history/                             -              401 200 200 200 200 200 404
POST   /api/v1/memberships/{membership}/status/                              {}             401 403 403 403 403 400 404
GET    /api/v1/notification-preferences/                                     -              401 200 200 200 200 200 200
PUT    /api/v1/notification-preferences/                                     {}             401 400 400 400 400 400 400
GET    /api/v1/notifications/                                                -              401 200 200 200 200 200 200
GET    /api/v1/notifications/{notification}/                                 -              401 404 200 404 404 404 404
POST   /api/v1/notifications/{notification}/read/                            {}             401 404 200 404 404 404 404
GET    /api/v1/organisations/                                                -              401 200 200 200 200 200 200
POST   /api/v1/organisations/                                                {}             401 403 403 403 403 400 403
GET    /api/v1/organisations/{organisation}/                                 -              401 200 200 200 200 200 404
PUT    /api/v1/organisations/{organisation}/                                 {}             401 405 405 405 405 405 405
PATCH  /api/v1/organisations/{organisation}/                                 {}             401 403 403 403 403 200 404
DELETE /api/v1/organisations/{organisation}/                                 -              401 405 405 405 405 405 405
GET    /api/v1/organisations/{organisation}/history/                         -              401 200 200 200 200 200 404
GET    /api/v1/people/                                                       -              401 200 200 200 200 200 200
POST   /api/v1/people/                                                       {}             401 403 403 403 403 400 403
GET    /api/v1/people/{person}/                                              -              401 200 200 200 200 200 404
PUT    /api/v1/people/{person}/                                              {}             401 405 405 405 405 405 405
PATCH  /api/v1/people/{person}/                                              {}             401 403 403 403 403 200 404
DELETE /api/v1/people/{person}/                                              -              401 405 405 405 405 405 405
GET    /api/v1/people/{person}/history/                                      -              401 200 200 200 200 200 404
GET    /api/v1/role-assignments/                                             -              401 200 200 200 200 200 200
POST   /api/v1/role-assignments/                                             {}             401 403 403 403 403 400 403
GET    /api/v1/role-assignments/{assignment}/                                -              401 200 200 200 200 200 404
POST   /api/v1/role-assignments/{assignment}/end/                            {}             401 403 403 403 403 400 404
GET    /api/v1/role-assignments/{assignment}/history/                        -              401 200 200 200 200 200 404
GET    /api/v1/roles/                                                        -              401 200 200 200 200 200 200
POST   /api/v1/roles/                                                        {}             401 403 403 403 403 400 403
GET    /api/v1/roles/{role}/                                                 -              401 200 200 200 200 200 404
PUT    /api/v1/roles/{role}/                                                 {}             401 405 405 405 405 405 405
PATCH  /api/v1/roles/{role}/                                                 {}             401 403 403 403 403 200 404
DELETE /api/v1/roles/{role}/                                                 -              401 405 405 405 405 405 405
GET    /api/v1/roles/{role}/history/                                         -              401 200 200 200 200 200 404
GET    /api/v1/seats/                                                        -              401 200 200 200 200 200 200
POST   /api/v1/seats/                                                        {}             401 403 403 400 403 400 403
GET    /api/v1/seats/{seat}/                                                 -              401 200 200 200 200 200 404
POST   /api/v1/seats/{seat}/end/                                             {}             401 403 403 403 403 400 404
GET    /api/v1/seats/{seat}/history/                                         -              401 200 200 200 200 200 404
GET    /api/v1/votes/                                                        -              200 200 200 200 200 200 200
GET    /api/v1/votes/{secret_vote}/                                          -              404 404 200 200 200 200 404
GET    /api/v1/votes/{vote}/                                                 -              404 200 200 200 200 200 404
GET    /api/v1/votes/{vote}/history/                                         -              401 200 200 200 200 200 404
GET    /inbox/                                                               -              302 200 200 200 200 200 200
POST   /inbox/read-all/                                                      {}             302 302 302 302 302 302 302
POST   /inbox/{notification}/read/                                           {}             302 404 302 404 404 404 404
GET    /notifications/preferences/                                           -              302 200 200 200 200 200 200
POST   /notifications/preferences/                                           {}             302 302 302 302 302 302 302
GET    /health/                                                              -              200 200 200 200 200 200 200
GET    /public/                                                              -              200 200 200 200 200 200 200
GET    /public/{slug}/                                                       -              200 200 200 200 200 200 200
GET    /public/{slug}/awards/                                                -              200 200 200 200 200 200 200
GET    /public/{slug}/calendar.ics                                           -              200 200 200 200 200 200 200
GET    /public/{slug}/decisions/{confidential}/                              -              404 404 404 404 404 404 404
GET    /public/{slug}/decisions/{members}/                                   -              404 404 404 404 404 404 404
GET    /public/{slug}/decisions/{public}/                                    -              200 200 200 200 200 200 200
GET    /public/{slug}/forward-plan/                                          -              200 200 200 200 200 200 200
GET    /public/{slug}/search/?q=winter                                       -              200 200 200 200 200 200 200
GET    /alliances/{slug}/delegations/{delegation}/                           -              302 200 200 200 200 200 404
GET    /alliances/{slug}/members/{membership}/                               -              302 200 200 200 200 200 404
GET    /alliances/{slug}/oversight/notes/                                    -              302 403 403 403 200 200 404
POST   /alliances/{slug}/oversight/notes/                                    {}             302 403 403 403 400 400 404
GET    /alliances/{slug}/oversight/delivery/                                 -              302 200 200 200 200 200 404
GET    /alliances/{slug}/oversight/queries/                                  -              302 200 200 200 200 200 404
GET    /alliances/{slug}/oversight/queries.csv                               -              302 200 200 200 200 200 404
GET    /alliances/{slug}/oversight/queries.xlsx                              -              302 200 200 200 200 200 404
GET    /alliances/{slug}/oversight/queries/new/                              -              302 403 403 403 200 200 404
POST   /alliances/{slug}/oversight/queries/new/                              {}             302 403 403 403 400 400 404
GET    /alliances/{slug}/oversight/queries/{oquery}/                         -              302 200 200 200 200 200 404
GET    /alliances/{slug}/oversight/queries/{oquery}/answer/                  -              302 403 403 200 403 200 404
POST   /alliances/{slug}/oversight/queries/{oquery}/answer/                  {}             302 403 403 400 403 400 404
GET    /alliances/{slug}/oversight/queries/{oquery}/withdraw/                -              302 403 403 403 200 200 404
POST   /alliances/{slug}/oversight/queries/{oquery}/withdraw/                {}             302 403 403 403 400 400 404
POST   /api/v1/awards/{award}/correct/                                       {}             401 403 403 400 403 400 404
GET    /api/v1/awards/{award}/interests/                                     -              401 200 200 200 200 200 404
POST   /api/v1/awards/{award}/interests/                                     {}             401 403 403 400 403 400 404
GET    /api/v1/oversight-notes/                                              -              401 200 200 200 200 200 200
POST   /api/v1/oversight-notes/                                              {}             401 403 403 403 400 400 400
GET    /api/v1/oversight-notes/{note}/                                       -              401 404 404 404 200 200 404
PUT    /api/v1/oversight-notes/{note}/                                       {}             401 405 405 405 405 405 405
PATCH  /api/v1/oversight-notes/{note}/                                       {}             401 404 404 404 400 400 404
GET    /api/v1/oversight-notes/{note}/history/                               -              401 404 404 404 200 200 404
GET    /api/v1/oversight-queries/                                            -              401 200 200 200 200 200 200
POST   /api/v1/oversight-queries/                                            {}             401 403 403 403 400 400 400
GET    /api/v1/oversight-queries/{oquery}/                                   -              401 200 200 200 200 200 404
GET    /api/v1/oversight-queries/{oquery}/history/                           -              401 200 200 200 200 200 404
POST   /api/v1/oversight-queries/{oquery}/answer/                            {}             401 403 403 400 403 400 404
POST   /api/v1/oversight-queries/{oquery}/withdraw/                          {}             401 403 403 403 400 400 404
"""

# Cells whose current code is wrong and is being fixed elsewhere: the expected code is the
# correct one, and the cell fails strictly until the fix lands.
KNOWN_WRONG: dict = {}


def payloads(ids):
    return {
        "new_membership": {
            "alliance": ids["slug"], "organisation": ids["new_organisation"], "status": "VOTING",
            "joined_on": "2024-01-01",
        },
        "edit": {"rationale": "Because the winter plan needs it."},
        "own_vote": {"membership": ids["member0"], "position": "AGREE", "cast_by": ids["rep"]},
        "other_vote": {"membership": ids["member1"], "position": "AGREE", "cast_by": ids["rep"]},
        "reschedule": {"expected_on": "2099-03-01"},
        "withdraw": {"reason": "The council now buys this itself."},
        "verify": {"alliance": ids["slug"]},
    }  # fmt: skip


def parse(table: str) -> list[tuple]:
    rows = []
    for line in table.strip().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        method, path, body, *cells = line.split()
        rows.append((method, path, body, dict(zip(STANDINGS, map(int, cells), strict=True))))
    return rows


ROWS = parse(MATRIX)


def every_route() -> set[tuple[str, str]]:
    """Every (route, method) the site answers, from the resolver and the views (admin and format suffixes aside)."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                # Django drops a regex route's "^" when it joins routes; so do we, to compare with resolve().route.
                yield re.sub(r"(^|/)\^", r"\1", prefix + str(p.pattern)), p.callback

    found = set()
    for route, callback in walk(get_resolver().url_patterns):
        if route.startswith("admin/") or "(?P<format>" in route or "<drf_format_suffix:" in route:
            continue
        for method in allowed_methods(callback):
            found.add((route, method))
    return found


def allowed_methods(callback) -> list[str]:
    if getattr(callback, "actions", None):
        return sorted(m.upper() for m in callback.actions if m not in SKIPPED_METHODS)
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view is None:
        return ["GET"]
    methods = [m for m in view.http_method_names if m not in SKIPPED_METHODS and hasattr(view, m)]
    if "put" in methods and "post" in methods and not getattr(callback, "cls", None):
        methods.remove("put")
    return sorted(m.upper() for m in methods)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        scene = make_permission_scene()
        scene.payloads = payloads(scene.ids)
        # One signed-in client per standing for the module: a login per cell would double the run time.
        scene.clients = {"anonymous": APIClient()}
        for standing in STANDINGS[1:]:
            scene.clients[standing] = APIClient()
            scene.clients[standing].force_login(scene.users[standing])
        scene.sessions = {s: c.cookies.get(settings.SESSION_COOKIE_NAME) for s, c in scene.clients.items()}
        yield scene
        transaction.set_rollback(True)


def call(world, standing, method, path, body):
    client = world.clients[standing]
    if world.sessions[standing]:  # a cell that signs out must not sign out the cells after it
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[standing].value
    data = None if body == "-" else ({} if body == "{}" else world.payloads[body])
    url = path.format(**world.ids)
    if method in ("GET", "DELETE"):
        return getattr(client, method.lower())(url)
    return getattr(client, method.lower())(url, data, format="json")


def cases():
    for method, path, body, expected in ROWS:
        for standing in STANDINGS:
            marks = []
            if (method, path, standing) in KNOWN_WRONG:
                marks = [pytest.mark.xfail(strict=True, reason=KNOWN_WRONG[method, path, standing])]
            yield pytest.param(
                method, path, body, standing, expected[standing], id=f"{method} {path} {standing}", marks=marks
            )


@pytest.mark.parametrize(("method", "path", "body", "standing", "expected"), list(cases()))
def test_permission_matrix(world, db, method, path, body, standing, expected):
    response = call(world, standing, method, path, body)
    expected = expected_without_pdf(path, expected)
    assert response.status_code == expected, getattr(response, "data", response.content[:300])


def test_the_matrix_lists_every_route_and_method(world, db):
    listed = {(resolve(path.format(**world.ids).split("?")[0]).route, method) for method, path, _, _ in ROWS}
    missing = sorted(every_route() - listed)
    assert not missing, f"routes the permission matrix does not list (add a row for each): {missing}"


# What each list endpoint that carries visibility must hide: the CONFIDENTIAL decision's reference and
# title, and the CONFIDENTIAL award's. Oversight reads everything, so it must see them.
LISTS = [
    ("/api/v1/decisions/", "secret_reference"),
    ("/api/v1/decisions/?search=Secret", "secret_title"),
    ("/api/v1/votes/", "secret_reference"),
    ("/api/v1/awards/", "secret_award_reference"),
    ("/api/v1/awards/ocds/?alliance={slug}", "secret_award_reference"),
    ("/api/v1/audit/?model=decision", "secret_title"),
    ("/api/v1/audit/csv/", "secret_title"),
    ("/api/v1/audit/xlsx/", "secret_title"),
    ("/api/v1/exports/decisions/?alliance={slug}", "secret_reference"),
    ("/api/v1/exports/popolo/?alliance={slug}", "secret_reference"),
    ("/api/v1/decisions/{members}/related/", "secret_reference"),
    ("/api/v1/forward-plan/", "secret_entry_title"),
    ("/api/v1/documents/", "secret_paper_title"),
    ("/api/v1/imports/", "secret_import_name"),
    ("/alliances/{slug}/imports/", "secret_import_name"),
    ("/alliances/{slug}/forward-plan/", "secret_entry_title"),
    ("/api/v1/governing-documents/", "secret_govdoc_title"),
    ("/alliances/{slug}/governing-documents/", "secret_govdoc_title"),
    ("/api/v1/workstreams/", "secret_workstream_title"),
    ("/alliances/{slug}/delivery/", "secret_workstream_title"),
    ("/alliances/{slug}/decisions/", "secret_reference"),
    ("/alliances/{slug}/decisions/download.csv", "secret_reference"),
    ("/alliances/{slug}/decisions/download.xlsx", "secret_reference"),
    ("/alliances/{slug}/audit/?model=decisions.decision", "secret_title"),
    ("/alliances/{slug}/awards/", "secret_award_reference"),
    ("/alliances/{slug}/awards/download.csv", "secret_award_reference"),
    ("/alliances/{slug}/awards/download.xlsx", "secret_award_reference"),
    ("/public/{slug}/", "secret_reference"),
    ("/public/{slug}/forward-plan/", "secret_title"),
    ("/public/{slug}/awards/", "secret_award_title"),
    ("/public/{slug}/calendar.ics", "secret_title"),
    ("/api/v1/search/?q=secret", "secret_title"),
    ("/api/v1/search/?q=secret", "secret_award_title"),
    ("/api/v1/search/?q=secret", "secret_paper_title"),
    ("/api/v1/decisions/?q=secret", "secret_title"),
    ("/alliances/{slug}/search/?q=secret", "secret_title"),
    ("/alliances/{slug}/search/?q=secret", "secret_award_title"),
    ("/alliances/{slug}/search/?q=secret", "secret_paper_title"),
    ("/public/{slug}/search/?q=secret", "secret_title"),
    ("/public/{slug}/search/?q=secret", "secret_award_title"),
]
HIDDEN_FROM = ["anonymous", "viewer", "other alliance"]
# Published lists carry PUBLIC records only, whoever reads them.
PUBLISHED = ("/public/", "/api/v1/awards/ocds/")
LEAKS: dict = {}


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    if response.get("Content-Type") == XLSX:
        return xlsx_text(response.content)
    return response.content.decode()


def hidden_cases():
    for path, secret in LISTS:
        for standing in HIDDEN_FROM:
            reason = LEAKS.get((path, standing))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(path, secret, standing, id=f"{path} {standing}", marks=marks)


@pytest.mark.parametrize(("path", "secret", "standing"), list(hidden_cases()))
def test_lists_never_contain_what_the_caller_cannot_read(world, db, path, secret, standing):
    response = call(world, standing, "GET", path, "-")
    assert world.ids[secret] not in body_text(response)


@pytest.mark.parametrize(("path", "secret"), [(p, s) for p, s in LISTS if not p.startswith(PUBLISHED)])
def test_oversight_lists_show_confidential_records(world, db, path, secret):
    response = call(world, "oversight", "GET", path, "-")
    assert response.status_code == 200
    assert world.ids[secret] in body_text(response)


AREAS = [
    ("API: the alliance, its members and bodies", r"^/api/v1/(alliances|organisations|memberships|bodies)"),
    ("API: the forward plan", r"^/api/v1/forward-plan"),
    ("API: governing documents", r"^/api/v1/governing-documents"),
    ("API: the delivery plan", r"^/api/v1/(workstreams|milestones)"),
    ("API: people, roles, delegations and interests", r"^/api/v1/(people|roles|role-|directory|delegations|interests)"),
    ("API: meetings, agenda items and action items", r"^/api/v1/(meetings|agenda-items|action-items)"),
    ("API: decisions and votes", r"^/api/v1/(decisions|votes)"),
    ("API: awards and contracts", r"^/api/v1/(award|contracts)"),
    ("API: audit, exports, notifications, tokens and the schema", r"^/api/"),
    ("Pages: decisions", r"^/alliances/\{slug\}/decisions/"),
    ("Pages: meetings and action items", r"^/alliances/\{slug\}/(meetings|actions)/"),
    ("Pages: awards", r"^/alliances/\{slug\}/awards/"),
    ("Pages: the alliance, roles, registers and dashboards", r"^/alliances/."),
    ("Pages: public register", r"^/public/"),
    ("The health check (for load balancers)", r"^/health/"),
    ("Pages: sign-in, home, inbox and the list of alliances", r""),
]  # fmt: skip


def render() -> str:
    head = " | ".join(HEADINGS[s] for s in STANDINGS)
    lines = [
        "# Who may do what",
        "",
        "Generated from `tests/test_permission_matrix.py`, which asserts every cell, and fails when a route",
        "of the API or a page exists that it does not list. Each row is one method on one route; ids in",
        "braces are records of the test's scene (`members` is an open MEMBERS decision of the ALT, `confidential`",
        "a CONFIDENTIAL one, `amt` a decision of the management team, `public` a PUBLIC one with a recusal;",
        "`entry` a published forward plan entry, `secret_entry` one not yet published; `interest` is the member",
        "representative's own declared interest). `govdoc` is a governing document the agreement requires,",
        "`secret_govdoc` a CONFIDENTIAL one. `workstream` is a workstream of the delivery plan being delivered,",
        "with `milestone` open and `link` a contract waiting on it; `secret_workstream` a CONFIDENTIAL one.",
        "A body `{}` is an empty JSON object; a named body is a valid request (see `payloads()` in the test).",
        "The secretary is the Alliance Leadership Team's (ALT) secretary; the member representative represents",
        "a voting member; the user of another alliance has oversight standing in another alliance only.",
        "",
        "Codes: **200/201/204** done; **302** a page sends an anonymous visitor to the login page (or a form",
        "redirects after success); **400** the caller may do this but the request is invalid or a domain rule",
        "refuses it; **401** the API needs a login or token; **403** visible but not the caller's to do;",
        "**404** not visible to the caller (lists never show it either); **405** the method is not allowed",
        "for this caller's standing or the route; **409** the record's state forbids it (e.g. not open).",
        "Cells marked with * are wrong today and fixed elsewhere; the cell shows the correct code.",
        "",
    ]
    written = set()
    for title, pattern in AREAS:
        rows = [r for r in ROWS if r[:2] not in written and re.search(pattern, r[1])]
        if not rows:
            continue
        lines += [
            f"## {title}",
            "",
            f"| request | body | {head} |",
            "| --- | --- | " + " | ".join("---" for _ in STANDINGS) + " |",
        ]
        for method, path, body, expected in rows:
            written.add((method, path))
            cells = " | ".join(
                f"{expected[s]}*" if (method, path, s) in KNOWN_WRONG else str(expected[s]) for s in STANDINGS
            )
            lines.append(f"| `{method} {path}` | {'' if body == '-' else f'`{body}`'} | {cells} |")
        lines.append("")
    return "\n".join(lines)


def test_permissions_doc_matches_the_matrix():
    if os.environ.get("UPDATE_PERMISSIONS_DOC"):
        DOC.write_text(render())
    assert DOC.exists(), "docs/permissions.md is missing: run with UPDATE_PERMISSIONS_DOC=1"
    assert DOC.read_text() == render(), "docs/permissions.md is stale: run with UPDATE_PERMISSIONS_DOC=1"
