"""Merkle trees over an audit chain's links (RFC 6962 / RFC 9162 section 2.1 hashing).

A chain's checkpoint commits to the Merkle tree whose leaves are the chain's link hashes, in order:
the leaf for link #n is ``SHA-256(0x00 || link hash)``, an interior node ``SHA-256(0x01 || left ||
right)``. Because every link hash already covers its history row and the link before it, the root
commits to every record up to the checkpoint's size; the tree adds what a plain chain cannot give:
an outsider holding only a checkpoint can check that one record is in it (an inclusion proof of
log2(n) hashes), and that a later checkpoint extends an earlier one (a consistency proof), without
reading the whole chain. This is the structure Certificate Transparency and the C2SP transparency-log
specifications sign.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def link_leaf(link_hash_hex: str) -> bytes:
    """The leaf hash of a chain link, from the link's stored (hex) hash."""
    return leaf_hash(bytes.fromhex(link_hash_hex))


def root_of_leaves(leaves: Iterable[bytes]) -> bytes:
    """The tree's root over ``leaves`` (leaf hashes, in order), in one pass and log2(n) memory: full
    subtrees are merged as they complete, then the right-hand ragged edge is folded in from the right,
    which is RFC 6962's MTH (the left subtree always the largest power of two below n)."""
    stack: list[tuple[int, bytes]] = []  # (size, hash) of complete subtrees, sizes strictly decreasing
    for leaf in leaves:
        size, node = 1, leaf
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            size, node = left_size + size, node_hash(left, node)
        stack.append((size, node))
    if not stack:
        return EMPTY_ROOT
    node = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        node = node_hash(left, node)
    return node


def root(link_hashes: Iterable[str]) -> bytes:
    """The root over a chain's link hashes (hex, in sequence order)."""
    return root_of_leaves(link_leaf(h) for h in link_hashes)


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def _mth(leaves: Sequence[bytes]) -> bytes:
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """RFC 6962 PATH(m, D[n]): the hashes that, with leaf ``index`` (0-based), rebuild the root."""
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError(f"leaf {index} is not in a tree of {n}")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*inclusion_proof(index, leaves[:k]), _mth(leaves[k:])]
    return [*inclusion_proof(index - k, leaves[k:]), _mth(leaves[:k])]


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2: does ``proof`` show leaf ``index`` in the tree of ``size`` with this root?"""
    if not 0 <= index < size:
        return False
    fn, sn, node = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            node = node_hash(node, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and node == expected_root


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """RFC 6962 PROOF(m, D[n]): the hashes that show the tree of ``old_size`` is a prefix of this one."""
    n = len(leaves)
    if not 0 < old_size <= n:
        raise ValueError(f"a tree of {old_size} cannot be an earlier version of a tree of {n}")
    return _subproof(old_size, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [_mth(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), _mth(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), _mth(leaves[:k])]


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 section 2.1.4.2: does ``proof`` show the tree of ``old_size`` is a prefix of ``new_size``'s?"""
    if not 0 < old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is itself a node of the new tree
        path = [old_root, *path]
    if not path:
        return False
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
