"""The tamper-evident audit chain (rule 9 of DESIGN.md), by concern; import the submodule you need:

- ``source``: where a change came from (web page, API, admin, a management command);
- ``canonical``: the canonical serialisation of a history row, the bytes a link hashes;
- ``chain``: which chain a row belongs to, link hashing, and the one link writer with its receivers;
- ``records``: history rows no link vouches for, and domain rows that drifted from their history;
- ``verify``: re-computing the chains, what ``manage.py verify_audit`` runs.
"""
