"""One standing's walk: GET each URL, check the answer, remember every problem, crawl the links found.

A problem is a 5xx (or an exception the view raised), a canary the standing may not read in a body or a
header, or an export its own reader cannot parse. The walk never stops at the first: it collects them
all, and :func:`report` writes them as one message, route by route.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urlsplit

from django.db import transaction
from django.test import Client

from tests.smoke.scene import WHO, SmokeScene

TOKEN = re.compile(r"cnry\d{3}z")
LINK = re.compile(r'(?:href|hx-get)="([^"]*)"')
NOT_CRAWLED = ("/static/", "/accounts/logout/", "/media/")
# The browsable API links every ordering of a list: the same rows again, so not worth a request each.
NOT_CRAWLED_QUERIES = ("ordering=",)
CRAWL_LIMIT = 300


@dataclass
class Problem:
    url: str
    status: int | str
    kind: str  # "5xx", "leak", "parse", "missing"
    detail: str

    def line(self) -> str:
        return f"GET {self.url} -> {self.status}: {self.kind}: {self.detail}"

    @property
    def key(self) -> str:
        """What the known findings list (tests/smoke/known.py): the kind, the route with ids as {id}, the status."""
        if self.kind == "missing":
            return f"missing {self.detail.split(' ', 1)[0]}"
        return f"{self.kind} GET {pattern(self.url)} -> {self.status}"


@dataclass
class Answer:
    url: str
    status: int | str
    content_type: str = ""
    text: str = ""
    headers: str = ""
    seconds: float = 0.0


@dataclass
class Walk:
    scene: SmokeScene
    standing: str
    client: Client = None
    problems: list[Problem] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # canaries this standing was shown (allowed or not)

    def __post_init__(self):
        self.client = Client(raise_request_exception=True)
        user = self.scene.users[self.standing]
        if user is not None:
            self.client.force_login(user)
        self.forbidden = self.scene.forbidden(self.standing)

    # Fetching and checking --------------------------------------------------------------------

    def get(self, url: str) -> Answer:
        if url in self.answers:
            return self.answers[url]
        started = time.perf_counter()
        answer = self._fetch(url)
        answer.seconds = time.perf_counter() - started
        self.answers[url] = answer
        self._check(answer)
        return answer

    def _fetch(self, url: str) -> Answer:
        try:
            # Each request in a savepoint rolled back: a GET that writes must not change the next one's scene.
            with transaction.atomic():
                response = self.client.get(url)
                # A streamed body (CSV exports) runs its queries as it is read: read it here, where errors are caught.
                body = b"".join(response.streaming_content) if response.streaming else response.content
                transaction.set_rollback(True)
        except Exception as error:  # the view raised: a 500 in production
            frames = traceback.extract_tb(error.__traceback__)
            ours = [f for f in frames if "/site-packages/" not in f.filename] or frames
            where = f"{ours[-1].filename.split('/smoke/', 1)[-1]}:{ours[-1].lineno} in {ours[-1].name}"
            last = traceback.format_exception_only(type(error), error)[-1].strip()
            self.problems.append(Problem(url, 500, "5xx", f"{last} (raised at {where})"))
            return Answer(url, 500)
        content_type = response.headers.get("Content-Type", "")
        text = xlsx_text(body) if content_type == XLSX else body.decode("utf-8", errors="replace")
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        return Answer(url, response.status_code, response.headers.get("Content-Type", ""), text, headers)

    def _check(self, answer: Answer) -> None:
        if answer.status == 500 and not answer.text:
            return  # already reported with its traceback
        if isinstance(answer.status, int) and answer.status >= 500:
            self.problems.append(Problem(answer.url, answer.status, "5xx", answer.text[:300]))
        # iCalendar folds long lines at 75 octets ("\r\n "), which could split a canary: unfold first.
        text = answer.text.replace("\r\n ", "").replace("\n ", "") if "calendar" in answer.content_type else answer.text
        found = set(TOKEN.findall(text.lower())) | set(TOKEN.findall(answer.headers.lower()))
        self.seen |= found
        leaked = sorted(found & self.forbidden.keys())
        if leaked:
            where = " and headers" if any(t in answer.headers.lower() for t in leaked) else ""
            self.problems.append(
                Problem(
                    answer.url,
                    answer.status,
                    "leak",
                    f"body{where} shows " + "; ".join(f"{t} ({self.forbidden[t].what})" for t in leaked),
                )
            )
        if isinstance(answer.status, int) and answer.status < 300:
            self._parse(answer)
        if "html" in answer.content_type:
            self.links += [u for u in (_same_origin(h) for h in LINK.findall(answer.text)) if u]
        location = re.search(r"^location: (.*)$", answer.headers, re.I | re.M)
        if location and (url := _same_origin(location.group(1))):
            self.links.append(url)

    def _parse(self, answer: Answer) -> None:
        kind = answer.content_type.split(";")[0].strip()
        try:
            if kind == "application/json" or kind.endswith("+json"):
                json.loads(answer.text)
            elif kind == "text/csv":
                list(csv.reader(io.StringIO(answer.text)))
            elif kind == "text/calendar":
                from icalendar import Calendar

                Calendar.from_ical(answer.text)
        except Exception as error:
            self.problems.append(Problem(answer.url, answer.status, "parse", f"{kind} does not parse: {error}"))

    # Walking ----------------------------------------------------------------------------------

    def walk(self, urls: list[str]) -> None:
        for url in urls:
            self.get(url)

    def crawl(self, start: str = "/", limit: int = CRAWL_LIMIT) -> int:
        """Follow same-origin links from ``start``, then from every page walked, fetching at most ``limit`` new URLs."""
        queue = deque([start, *self.links])
        fetched = 0
        done = set()
        while queue and fetched < limit:
            url = queue.popleft()
            if url in done:
                continue
            done.add(url)
            if url not in self.answers:
                fetched += 1
            before = len(self.links)
            self.get(url)
            queue.extend(self.links[before:])
        return fetched

    def report(self, problems: list[Problem] | None = None, *, grouped: bool = True) -> str:
        """The problems, one line each; ``grouped`` joins the URLs of one route (ids as {id}) with one status."""
        problems = self.problems if problems is None else problems
        head = f"as {self.standing} ({WHO[self.standing]}): {len(problems)} problems"
        if not grouped:
            return "\n".join([head] + [f"  {p.line()}" for p in problems])
        groups: dict[tuple, list[Problem]] = {}
        for p in problems:
            route = pattern(p.url)
            detail = p.detail if p.kind != "leak" else ""
            groups.setdefault((p.kind, route, p.status, detail), []).append(p)
        lines = [head + f" on {len(groups)} routes"]
        for (kind, route, status, detail), group in groups.items():
            if kind == "leak":
                tokens = sorted({t for p in group for t in TOKEN.findall(p.detail)})
                detail = "shows " + "; ".join(f"{t} ({self.forbidden[t].what})" for t in tokens)
            examples = ", ".join(p.url for p in group[:3])
            urls = f" ({len(group)} URLs, e.g. {examples})" if len(group) > 1 else ""
            lines.append(f"  GET {route} -> {status}: {kind}: {detail}{urls}")
        return "\n".join(lines)


NOT_IDS = {"page", "page_size", "value", "year"}


def pattern(url: str) -> str:
    """A URL with its record ids as {id}: /api/v1/votes/{id}/?decision={id}."""
    path, _, query = url.partition("?")
    path = re.sub(r"/\d+(?=/|$|\.)", "/{id}", path)
    params = [
        (k, "{id}" if v.isdigit() and k not in NOT_IDS else v)
        for k, _, v in (p.partition("=") for p in query.split("&"))
    ]
    return path + ("?" + "&".join(f"{k}={v}" for k, v in params) if query else "")


def _same_origin(href: str) -> str | None:
    href = unescape(href.strip())
    if href.startswith("http://testserver") or href.startswith("https://testserver"):
        parts = urlsplit(href)
        href = parts.path + (f"?{parts.query}" if parts.query else "")
    if not href.startswith("/") or href.startswith("//"):
        return None
    href = href.split("#", 1)[0]
    if href.startswith(NOT_CRAWLED) or any(q in href for q in NOT_CRAWLED_QUERIES):
        return None
    return href


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_text(body: bytes) -> str:
    """What a reader of a workbook sees: every cell's text, so a canary in an Excel download is found
    (the file itself is compressed)."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body), read_only=True)
    rows = (row for sheet in book for row in sheet.iter_rows(values_only=True))
    return "\n".join("\t".join("" if v is None else str(v) for v in row) for row in rows)
