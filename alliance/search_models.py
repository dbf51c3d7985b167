"""The search index: one entry per searchable record (alliance.search keeps it up to date).

An entry is derived from its record and rebuilt from it (``manage.py rebuild_search_index``); it
holds no fact of its own, so it has no history and stays out of the audit chain (rule 9 keeps the
records it is made from). Who may read an entry is its record's read rule (``read_rule``, by each
record model's ``restrict(access)``); the vocabulary (SearchTerm) is for staff only, as a model with no
rule is.

The full-text part lives beside the table, made by migration alliance/0020_search_entries for the
database in use: on PostgreSQL a generated ``tsvector`` column (``vector``) with a GIN index and the
pg_trgm extension for the vocabulary's typo matching; on SQLite an FTS5 table
(``alliance_searchentry_fts``) that triggers keep in step with this one.
"""

from __future__ import annotations

from django.db import models

from alliance.access import Matching, RestrictedQuerySet


def _readable(access, prefix=""):
    from alliance.search import readable

    return readable(access, prefix=prefix)


class SearchEntry(models.Model):
    kind = models.CharField(max_length=30)  # the registered source's kind: decision, meeting, award, document
    object_id = models.PositiveBigIntegerField()
    alliance = models.ForeignKey("alliance.Alliance", on_delete=models.CASCADE, related_name="+")
    # What a result shows.
    reference = models.CharField(max_length=30, blank=True)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    dated = models.DateField(null=True, blank=True)
    # What is searched, in alliance.search_text.terms form: weighted from the heading down.
    heading = models.TextField(blank=True)  # reference, title, tags
    names = models.TextField(blank=True)  # people and organisations on the record
    body = models.TextField(blank=True)  # proposal, rationale, minutes, description...

    # An entry is as readable as its record: each kind's records through their own model's rule.
    read_rule = Matching(_readable)
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "object_id"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_one_per_record")]
        indexes = [models.Index(fields=["alliance", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class SearchTerm(models.Model):
    """Every word the index holds (its stem), for correcting a misspelt query word."""

    term = models.CharField(max_length=100, unique=True)
    length = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["term"]
        indexes = [models.Index(fields=["length"])]

    def __str__(self) -> str:
        return self.term
