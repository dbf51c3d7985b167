"""One search over decisions, meetings, awards and papers: the search page, ``/api/v1/search/``, the
decision log's search box, ``/api/v1/decisions/?q=`` and the public register all call :func:`search`.

The index (:class:`alliance.search_models.SearchEntry`) has one entry per searchable record. Each app
says what its records contribute with a :class:`SearchSource` registered in ``search_sources``
(``<app>/search_index.py``; alliance cannot import the apps above it). An entry is rewritten in the
same transaction as its record, whenever the record or what it names (a vote, a person's name...)
is saved or deleted, so the index never shows what was rolled back; ``manage.py
rebuild_search_index`` rebuilds it and ``--check`` says whether it matches the records.

Reading: a query is parsed once (alliance.search_text), matched by the database's own full-text
search (PostgreSQL tsvector / SQLite FTS5) and ranked there; entries are filtered by each record
model's read rule (``restrict(access)``) in the same query, before any page is cut.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.db import connection, models
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from alliance.access import Access, rule_of
from alliance.registry import registered
from alliance.search_models import SearchEntry, SearchTerm
from alliance.search_text import (
    TYPO_ALTERNATIVES,
    TYPO_SIMILARITY,
    QueryWord,
    parse_query,
    terms,
    trigram_similarity,
)

__all__ = ["Entry", "SearchSource", "check_index", "rebuild_index", "reindex", "search", "sources"]

MAX_TERM_LENGTH = 100
SUMMARY_LENGTH = 240


def summary(text: str) -> str:
    """A result's few lines of text: ``text`` on one line, cut at :data:`SUMMARY_LENGTH` characters."""
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1].rstrip() + "…"


@dataclass(frozen=True)
class Entry:
    """What one record gives the index: what a result shows, and its words by weight."""

    object_id: int
    alliance_id: int
    title: str
    reference: str = ""
    summary: str = ""
    dated: date | None = None
    heading: Iterable[str] = ()
    names: Iterable[str] = ()
    body: Iterable[str] = ()

    @classmethod
    def of(cls, record, **kwargs) -> Entry:
        """The entry of a record with an alliance, a title and a reference."""
        return cls(
            object_id=record.pk,
            alliance_id=record.alliance_id,
            title=record.title,
            reference=record.reference,
            **kwargs,
        )

    def row(self, kind: str) -> dict:
        return {
            "kind": kind,
            "object_id": self.object_id,
            "alliance_id": self.alliance_id,
            "title": self.title[:300],
            "reference": self.reference[:30],
            "summary": self.summary,
            "dated": self.dated,
            "heading": terms(*self.heading),
            # Once each, in a fixed order: the same names however the records were loaded.
            "names": terms(*sorted({name for name in self.names if name})),
            "body": terms(*self.body),
        }


@dataclass(frozen=True)
class SearchSource:
    """A kind of searchable record.

    ``entries(records)`` turns a queryset of the model into entries (one per record it should find;
    none for a record not to be found, such as a withdrawn paper). ``watches`` names the models whose
    change alters what a record shows (``"decisions.vote"``), each with a function from one changed row
    to the ids of the records to reindex. ``url_name`` is the address of a record's page (its kwargs: the
    alliance's ``slug`` and the record's ``pk``), read when a result is shown, so that a renamed alliance
    leaves no stale address; ``public_url`` (an entry -> address) puts the kind in the public register's
    search.
    """

    kind: str
    label: str
    model: type[models.Model]
    entries: Callable[[QuerySet], Iterable[Entry]]
    url_name: str
    watches: dict[str, Callable[[models.Model], Iterable[int]]] = field(default_factory=dict)
    public_url: Callable[[SearchEntry], str] | None = None

    def page_url(self, entry: SearchEntry) -> str:
        return reverse(self.url_name, kwargs={"slug": entry.alliance.slug, "pk": entry.object_id})


def sources() -> dict[str, SearchSource]:
    return {source.kind: source for source in registered("search_sources")}


# Writing the index -------------------------------------------------------------------------


def _add_terms(rows: list[dict]) -> None:
    found = {t for row in rows for part in ("heading", "names", "body") for t in row[part].split()}
    found = {t for t in found if len(t) <= MAX_TERM_LENGTH}
    if not found:
        return
    known = set(SearchTerm.objects.filter(term__in=found).values_list("term", flat=True))
    new = [SearchTerm(term=t, length=len(t)) for t in sorted(found - known)]
    SearchTerm.objects.bulk_create(new, ignore_conflicts=True)


def reindex(kind: str, ids: Iterable[int]) -> None:
    """Rewrite the entries of the ``kind`` records ``ids`` from the records as they are now."""
    ids = {int(i) for i in ids if i is not None}
    if not ids:
        return
    source = sources()[kind]
    rows = [entry.row(kind) for entry in source.entries(source.model._default_manager.filter(pk__in=ids))]
    SearchEntry.objects.filter(kind=kind, object_id__in=ids - {row["object_id"] for row in rows}).delete()
    for row in rows:
        SearchEntry.objects.update_or_create(kind=kind, object_id=row.pop("object_id"), defaults=row)
        row["object_id"] = None
    _add_terms(rows)


def rebuild_index(kind: str | None = None, chunk: int = 500) -> int:
    """Rebuild the whole index (or one kind's entries) from the records; the number of entries written."""
    written = 0
    for source in sources().values():
        if kind is not None and source.kind != kind:
            continue
        SearchEntry.objects.filter(kind=source.kind).delete()
        pks = list(source.model._default_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), chunk):
            records = source.model._default_manager.filter(pk__in=pks[start : start + chunk])
            rows = [entry.row(source.kind) for entry in source.entries(records)]
            SearchEntry.objects.bulk_create([SearchEntry(**row) for row in rows])
            _add_terms(rows)
            written += len(rows)
    return written


_COMPARED = ("alliance_id", "title", "reference", "summary", "dated", "heading", "names", "body")


def check_index() -> list[str]:
    """What differs between the index and the records (an empty list: the index matches them)."""
    problems = []
    for source in sources().values():
        stored = {e.object_id: e for e in SearchEntry.objects.filter(kind=source.kind)}
        expected = {}
        for entry in source.entries(source.model._default_manager.all()):
            expected[entry.object_id] = entry.row(source.kind)
        for pk in sorted(expected.keys() - stored.keys()):
            problems.append(f"{source.label} {pk} is missing from the search index.")
        for pk in sorted(stored.keys() - expected.keys()):
            problems.append(f"{source.label} {pk} is in the search index but should not be.")
        for pk in sorted(expected.keys() & stored.keys()):
            if any(getattr(stored[pk], f) != expected[pk][f] for f in _COMPARED):
                problems.append(f"{source.label} {pk} ({stored[pk].title}) is out of date in the search index.")
    return problems


def _on_change(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # loaddata: the rebuild command brings the index up to date afterwards
    label = sender._meta.label_lower
    for source in sources().values():
        if sender is source.model:
            reindex(source.kind, [instance.pk])
        watcher = source.watches.get(label)
        if watcher is not None:
            reindex(source.kind, watcher(instance))


def connect_signals() -> None:
    """Keep the index up to date: called once by AllianceConfig.ready(), after the sources registered."""
    senders = set()
    for source in sources().values():
        senders.add(source.model)
        senders.update(apps.get_model(label) for label in source.watches)
    for sender in senders:
        uid = f"search-index-{sender._meta.label_lower}"
        post_save.connect(_on_change, sender=sender, dispatch_uid=uid)
        post_delete.connect(_on_change, sender=sender, dispatch_uid=uid)


# Reading ----------------------------------------------------------------------------------------


def _corrections(word: QueryWord) -> list[str]:
    """Indexed terms that a word no record holds may stand for: the most similar, by trigrams."""
    if not word.correctable:
        return []
    near = SearchTerm.objects.filter(length__gte=len(word.term) - 3, length__lte=len(word.term) + 3)
    if connection.vendor == "postgresql":
        similarity = RawSQL("similarity(alliance_searchterm.term, %s)", (word.term,))
        near = near.annotate(similarity=similarity).filter(similarity__gte=TYPO_SIMILARITY)
        near = near.order_by("-similarity", "term").values_list("term", flat=True)
        return list(near[:TYPO_ALTERNATIVES])
    scored = [(trigram_similarity(word.term, t), t) for t in near.values_list("term", flat=True)]
    scored = sorted((s for s in scored if s[0] >= TYPO_SIMILARITY), key=lambda s: (-s[0], s[1]))
    return [t for _, t in scored[:TYPO_ALTERNATIVES]]


def expand(text: str) -> list[list[str]]:
    """The query's words, each with the indexed terms it stands for: itself (its stem) if the index holds
    it, and the words it begins (``north`` for ``Northgate``, a ``*`` term); else the closest words (a
    typo). A word that stands for nothing is kept, and then finds nothing."""
    query = parse_query(text)
    if not query:
        return []
    prefixes = [w.word for w in query if w.correctable]
    held = Q(term__in=[w.term for w in query])
    for prefix in prefixes:
        held |= Q(term__startswith=prefix)
    known = set(SearchTerm.objects.filter(held).values_list("term", flat=True))
    groups = []
    for w in query:
        group = [w.term] if w.term in known else []
        if w.correctable and any(t.startswith(w.word) for t in known):
            group.append(f"{w.word}*")
        groups.append(group or _corrections(w) or [w.term])
    return groups


def _tsquery_term(term: str) -> str:
    return f"{term[:-1]}:*" if term.endswith("*") else term


def _fts_term(term: str) -> str:
    return f'"{term[:-1]}"*' if term.endswith("*") else f'"{term}"'


def _match(groups: list[list[str]]) -> tuple[str, str, str]:
    """The SQL matching every group (one of its terms), and the SQL of its rank, for this database."""
    if connection.vendor == "postgresql":
        tsquery = " & ".join("(" + " | ".join(map(_tsquery_term, group)) + ")" for group in groups)
        match = "SELECT id FROM alliance_searchentry WHERE vector @@ to_tsquery('simple', %s)"
        rank = "ts_rank(alliance_searchentry.vector, to_tsquery('simple', %s))"
        return match, rank, tsquery
    fts = " AND ".join("(" + " OR ".join(map(_fts_term, group)) + ")" for group in groups)
    match = "SELECT rowid FROM alliance_searchentry_fts WHERE alliance_searchentry_fts MATCH %s"
    # bm25 is lower for a better match; weights: heading, names, body.
    rank = (
        "(SELECT -bm25(alliance_searchentry_fts, 10.0, 4.0, 1.0) FROM alliance_searchentry_fts "
        "WHERE alliance_searchentry_fts MATCH %s AND rowid = alliance_searchentry.id)"
    )
    return match, rank, fts


def readable(access: Access, kinds: Iterable[str] | None = None, prefix: str = "") -> Q | None:
    """Entries whose record ``access`` may read, by each record model's one read rule (None: every entry);
    the read rule of :class:`SearchEntry` (``prefix`` for an entry reached through a relation)."""
    wanted = set(kinds) if kinds is not None else None
    if access.staff and wanted is None:
        return None
    q = Q(pk__in=[])
    for source in sources().values():
        if wanted is not None and source.kind not in wanted:
            continue
        if access.staff:
            q |= Q(**{f"{prefix}kind": source.kind})
        elif rule_of(source.model) is not None:
            ids = source.model._default_manager.all().restrict(access).values("pk")
            q |= Q(**{f"{prefix}kind": source.kind, f"{prefix}object_id__in": ids})
    return q


def matching_ids(text: str) -> QuerySet | None:
    """The ids of every entry matching ``text`` as a subquery (None: the text holds no word)."""
    groups = expand(text)
    if not groups:
        return None
    match, _, param = _match(groups)
    return SearchEntry.objects.filter(pk__in=RawSQL(match, (param,)))


def search(
    text: str,
    *,
    access: Access,
    alliance=None,
    kinds: Iterable[str] | None = None,
) -> QuerySet[SearchEntry]:
    """The entries matching ``text`` that ``access`` may read, best first (``rank``), then newest."""
    groups = expand(text)
    if not groups:
        return SearchEntry.objects.none()
    match, rank, param = _match(groups)
    entries = SearchEntry.objects.restrict(access).filter(pk__in=RawSQL(match, (param,)))
    if kinds is not None:
        entries = entries.filter(kind__in=list(kinds))
    if alliance is not None:
        entries = entries.filter(alliance=alliance)
    entries = entries.annotate(rank=RawSQL(rank, (param,), output_field=models.FloatField()))
    return entries.select_related("alliance").order_by("-rank", models.F("dated").desc(nulls_last=True), "-pk")


def matching_object_ids(text: str, kind: str) -> QuerySet | None:
    """The ids of the ``kind`` records matching ``text``, for a register's own search box (None: no word)."""
    entries = matching_ids(text)
    return None if entries is None else entries.filter(kind=kind).values("object_id")
