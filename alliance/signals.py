"""Signals the alliance core sends so that higher apps can react without the core importing them.

Dependencies point one way (alliance <- roles <- decisions <- contracts): a higher app connects a
receiver in its AppConfig.ready(); the core only sends.
"""

from django.dispatch import Signal

# Sent inside the transaction of update_membership / end_membership when a membership's last day
# is set or moved earlier, after the membership is saved: membership=, left_on=, reason=.
# A receiver may raise RuleViolation to refuse the change; the whole transaction then rolls back.
membership_left = Signal()
