"""How the search reads words, once, in Python, for every database and every caller.

The index stores each record's words already normalised (:func:`terms`), and a query is parsed by the
same function (:func:`parse_query`), so PostgreSQL's full-text search (``'simple'`` configuration) and
SQLite's FTS5 (``unicode61`` tokenizer) only compare finished terms: the page, the API, the decision
log's search box and the public register find the same records on both databases.

- Words are folded (case, accents) and split at anything that is not a letter or a digit, so
  ``night-time`` is ``night time`` and ``2023/24`` is ``2023 24``.
- Word forms: each word is reduced to its English stem (Snowball), so ``hubs`` finds ``hub`` and
  ``tenancies`` finds ``tenancy``.
- A typo: a query word that is in no record is compared with the words the index holds by trigram
  similarity, as PostgreSQL's pg_trgm computes it (:func:`trigram_similarity`), and stands for the
  closest of them (``budgte`` for ``budget``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# pg_trgm's default threshold (pg_trgm.similarity_threshold).
TYPO_SIMILARITY = 0.3
# Shorter words are not corrected: too many short words are a letter apart.
TYPO_MIN_LENGTH = 4
# How many indexed words a misspelt word may stand for.
TYPO_ALTERNATIVES = 3
# Words a query may leave out: a record need not contain them to be found.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "was",
        "were",
        "with",
    ]
)

_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lower case without accents: ``Café`` is ``cafe``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The folded words of ``text``, split at anything that is not a letter or a digit."""
    return _WORD.findall(fold(text or ""))


def stem(word: str) -> str:
    return word if word.isdigit() else _stemmer().stemWord(word)


def terms(*texts: str) -> str:
    """The index's form of ``texts``: their stemmed words, separated by spaces."""
    return " ".join(stem(w) for text in texts for w in words(text))


@dataclass(frozen=True)
class QueryWord:
    word: str  # as folded from the query
    term: str  # its stem, as the index holds it

    @property
    def correctable(self) -> bool:
        return len(self.word) >= TYPO_MIN_LENGTH and not self.word.isdigit()


def parse_query(text: str) -> list[QueryWord]:
    """The words a record must contain (each as its stem), in order, once each; stopwords are left out
    unless the query is nothing else."""
    found = [QueryWord(w, stem(w)) for w in words(text)]
    kept = [w for w in found if w.word not in STOPWORDS] or found
    return list({w.term: w for w in kept}.values())


def trigrams(word: str) -> set[str]:
    """A word's trigrams as pg_trgm makes them: the word padded with two spaces before and one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's ``similarity(a, b)`` of two single words: shared trigrams over all trigrams."""
    x, y = trigrams(a), trigrams(b)
    return len(x & y) / len(x | y) if x or y else 0.0
