"""Signals roles' services send so that higher apps can react without roles importing them.

Dependencies point one way (alliance <- roles <- decisions <- contracts): a higher app connects a
receiver in its AppConfig.ready(); roles only sends (the pattern of alliance/signals.py).
"""

from django.dispatch import Signal

# Sent inside the transaction of declare_interest, after the declaration is saved: declaration=.
# Contracts recuses the declarer's member from the award approvals open then (rule 5). A receiver
# may raise RuleViolation to refuse the declaration; the whole transaction then rolls back.
interest_declared = Signal()
