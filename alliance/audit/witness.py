"""Does the chain as it stands extend a kept checkpoint? (issue 20, part 2)

A checkpoint commits to the Merkle root over a chain's first ``size`` links. The chain extends it when
those links are all still there and their root is unchanged: no link at or below the checkpoint's size
was removed, changed, or put in. ``verify_audit`` first re-computes every link from its history row,
so a link whose row was edited is named there; a past rewritten with correct-looking links (which
only the signing key's holder could have made a matching checkpoint for) shows here as a root that
no longer matches.

A root says only that something below it changed, not what. When it differs, every other checkpoint
whose signature verifies (the ones given to ``verify_audit --checkpoint`` and the ones this server
kept, ``kept_checkpoints``) narrows it down: the largest one that still matches and the smallest one
that does not bound the first changed link, and when that range is short its links are named with
the records they now hold.
"""

from __future__ import annotations

from collections.abc import Iterable

from alliance.audit import merkle
from alliance.audit.checkpoint import Checkpoint, CheckpointError, origin_of, read_checkpoint
from alliance.audit.records import Problem
from alliance.formatting import day_time

# A range of at most this many links has each named with the record it now holds.
NAMED_RANGE = 20


def when(checkpoint: Checkpoint) -> str:
    return day_time(checkpoint.taken_at, "an unknown time")


def kept_checkpoints(chain: str) -> tuple[list[Checkpoint], list[Problem]]:
    """The checkpoints of ``chain`` this server kept (AuditCheckpoint) whose signed notes verify, and a
    problem for each that does not: a kept checkpoint that does not verify, or whose record says
    something its signed note does not, was forged or changed in the database."""
    from alliance.models import AuditCheckpoint

    found, problems = [], []
    for row in AuditCheckpoint.objects.filter(chain=chain).order_by("size", "id"):
        moment = day_time(row.taken_at, "an unknown time")
        described = f"The checkpoint of chain {chain} of {moment} ({row.size:,} links) kept in the database"
        try:
            read = read_checkpoint(row.note)
        except CheckpointError as error:
            problems.append(
                Problem(
                    chain,
                    "forged",
                    f"{described} does not verify: {error} It was forged or changed in the database; compare it "
                    "with a copy kept outside (the checkpoint emails).",
                )
            )
            continue
        differs = [
            what
            for what, same in (
                ("chain", read.origin == origin_of(chain)),
                ("size", read.size == row.size),
                ("root hash", read.root.hex() == row.root_hash),
            )
            if not same
        ]
        if differs:
            problems.append(
                Problem(
                    chain,
                    "forged",
                    f"{described} says a {' and '.join(differs)} its signed note does not: its record was changed in "
                    "the database after it was taken.",
                )
            )
            continue
        found.append(read)
    return found, problems


def check(chain: str, given: list[Checkpoint] | None = None) -> list[Problem]:
    """Does ``chain`` extend each checkpoint ``given`` (signature-checked, of this chain)? Narrowed with
    every checkpoint of the chain whose signature verifies: those given and those this server kept; a
    kept one that does not verify is itself a problem, reported after the comparisons. Without
    ``given``, the chain is compared with the checkpoints this server kept (a scheduled check: it
    catches an attacker who left them in place)."""
    stored, forged = kept_checkpoints(chain)
    ours = stored if given is None else list(given)
    if not ours:
        return forged
    links = chain_links(chain, max(c.size for c in [*ours, *stored]))  # read once for them all
    problems, messages = [], set()
    for kept in sorted(ours, key=lambda c: c.size):
        for problem in compare(chain, kept, [*ours, *stored], links=links):
            if problem.message not in messages:
                messages.add(problem.message)
                problems.append(problem)
    return problems + forged


def compare(
    chain: str, kept: Checkpoint, others: Iterable[Checkpoint] = (), *, links: list[tuple[int, str]] | None = None
) -> list[Problem]:
    """What differs between ``chain`` now and the checkpoint ``kept`` (already signature-checked), the
    first difference first, narrowed down with ``others`` (other signature-checked checkpoints; those
    of another chain are left out). ``links``: the chain's (seq, hash) in order, when already read
    (``chain_links``), up to the largest checkpoint's size at least."""
    known = _distinct([kept, *(c for c in others if c.origin == kept.origin)])
    largest = max(c.size for c in known)
    links = [link for link in (chain_links(chain, largest) if links is None else links) if link[0] <= largest]
    length = 0  # links #1 to #length are all there
    for seq, _ in links:
        if seq != length + 1:
            break
        length += 1
    roots = prefix_roots([h for _, h in links[:length]], {c.size for c in known if c.size <= length})

    def matches(c: Checkpoint) -> bool:
        return c.size <= length and roots[c.size] == c.root

    if matches(kept):
        return []
    problems = []
    changed = [c for c in known if c.size <= length and not matches(c)]
    if changed:
        bad = min(changed, key=lambda c: c.size)
        good = max((c for c in known if c.size < bad.size and matches(c)), key=lambda c: c.size, default=None)
        problems.append(_changed(chain, kept, good, bad))
    if kept.size > length:
        present = {seq for seq, _ in links if seq <= kept.size}
        missing = [n for n in range(1, kept.size + 1) if n not in present]
        problems.append(_removed(chain, kept, missing, length))
    return problems


def chain_links(chain: str, size: int) -> list[tuple[int, str]]:
    """The (seq, hash) of a chain's links numbered up to ``size``, in order."""
    from alliance.models import AuditLink

    return list(AuditLink.objects.filter(chain=chain, seq__lte=size).order_by("seq").values_list("seq", "hash"))


def prefix_roots(link_hashes: list[str], sizes: set[int]) -> dict[int, bytes]:
    """The Merkle roots over the first ``size`` links for each of ``sizes``, in one pass over the links
    (``merkle.root_of_leaves``' stack, folded at each size asked for)."""
    roots = {0: merkle.EMPTY_ROOT} if 0 in sizes else {}
    stack: list[tuple[int, bytes]] = []
    for count, link in enumerate(link_hashes, start=1):
        size, node = 1, merkle.link_leaf(link)
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            size, node = left_size + size, merkle.node_hash(left, node)
        stack.append((size, node))
        if count in sizes:
            folded = stack[-1][1]
            for _, left in reversed(stack[:-1]):
                folded = merkle.node_hash(left, folded)
            roots[count] = folded
    return roots


def _distinct(checkpoints: list[Checkpoint]) -> list[Checkpoint]:
    seen, out = set(), []
    for c in checkpoints:
        if (c.size, c.root) not in seen:
            seen.add((c.size, c.root))
            out.append(c)
    return out


def _opening(chain: str, kept: Checkpoint) -> str:
    return f"Chain {chain} does not extend the checkpoint of {when(kept)} ({kept.size:,} links)"


def _changed(chain: str, kept: Checkpoint, good: Checkpoint | None, bad: Checkpoint) -> Problem:
    lo, hi = (good.size if good else 0) + 1, bad.size
    where = f"link #{lo} was changed" if lo == hi else f"a link between #{lo} and #{hi} was changed, removed or put in"
    taken = "it was taken" if bad is kept else f"the checkpoint of {when(bad)} ({bad.size:,} links) was taken"
    still = f" (the checkpoint of {when(good)}, {good.size:,} links, still matches)" if good else ""
    message = f"{_opening(chain, kept)}: {where} after {taken}{still}."
    if hi - lo < NAMED_RANGE:
        named = describe_links(chain, lo, hi)
        if named:
            message += f" {'That link now records' if lo == hi else 'Those links now record'}: {named}."
    return Problem(chain, "checkpoint", message)


def _removed(chain: str, kept: Checkpoint, missing: list[int], length: int) -> Problem:
    from alliance.models import AuditLink

    ranges = _ranges(missing)
    plural = len(missing) > 1
    names = ", ".join(f"#{a}" if a == b else f"#{a} to #{b}" for a, b in ranges)
    message = f"{_opening(chain, kept)}: {'links' if plural else 'link'} {names} {'were' if plural else 'was'} removed"
    if ranges == [(length + 1, kept.size)]:
        last = AuditLink.objects.filter(chain=chain, seq=length).values_list("history_date", flat=True).first()
        message += " from the end of the chain after it was taken"
        if last:
            message += (
                f"; {'they were' if plural else 'it was'} recorded after {day_time(last, seconds=True)} "
                f"(link #{length}) and before {when(kept)}"
            )
    else:
        message += " after it was taken"
    return Problem(chain, "checkpoint", message + ".")


def _ranges(numbers: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for n in numbers:
        if ranges and ranges[-1][1] == n - 1:
            ranges[-1] = (ranges[-1][0], n)
        else:
            ranges.append((n, n))
    return ranges


def describe_links(chain: str, lo: int, hi: int) -> str:
    """Links #lo to #hi as the audit trail shows them: "#12 changed vote of … (02/03/2021 10:00, by priya)"."""
    from alliance.history import feed_entries
    from alliance.models import AuditLink

    links = list(AuditLink.objects.filter(chain=chain, seq__gte=lo, seq__lte=hi).order_by("seq"))
    try:
        entries = feed_entries(links)
    except Exception:  # naming the records is a help; the range above is the finding
        entries = [{} for _ in links]
    out = []
    for link, entry in zip(links, entries, strict=True):
        what = entry.get("object") or f"{link.object_model} {link.object_id}"
        change = entry.get("change_type") or link.change_type
        by = link.username or entry.get("user") or (f"user #{link.user_id}" if link.user_id else link.source)
        moment = day_time(link.history_date, "unknown time", seconds=True)
        out.append(f"#{link.seq} {change} {what} ({moment}, by {by})")
    return "; ".join(out)
