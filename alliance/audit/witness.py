"""Does the chain as it stands extend a kept checkpoint? (issue 20, part 2)

A checkpoint commits to the Merkle root over a chain's first ``size`` links. The chain extends it when
those links are all still there and their root is unchanged: no link at or below the checkpoint's size
was removed, changed, or put in. ``verify_audit`` first re-computes every link from its history row,
so a link whose row was edited is named there; a past rewritten with correct-looking links (which
only the signing key's holder could have made a matching checkpoint for) shows here as a root that
no longer matches.
"""

from __future__ import annotations

from alliance.audit.checkpoint import Checkpoint, chain_root
from alliance.audit.records import Problem
from alliance.formatting import day_time


def compare(chain: str, kept: Checkpoint) -> list[Problem]:
    """What differs between ``chain`` now and the checkpoint ``kept`` (already signature-checked)."""
    count, root = chain_root(chain, kept.size)
    when = day_time(kept.taken_at, "an unknown time")
    if count < kept.size:
        first = count + 1
        removed = f"link #{first} was" if first == kept.size else f"links #{first} to #{kept.size} were"
        return [
            Problem(
                chain,
                "checkpoint",
                f"The checkpoint of {when} vouches for {kept.size} links of chain {chain}, but only {count} "
                f"remain: {removed} removed after it was taken.",
            )
        ]
    if root != kept.root:
        return [
            Problem(
                chain,
                "checkpoint",
                f"Chain {chain}'s first {kept.size} links no longer hash to the checkpoint of {when}: a link at "
                f"or below #{kept.size} was changed, removed or put in after it was taken.",
            )
        ]
    return []
