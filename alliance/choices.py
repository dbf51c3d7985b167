"""Vocabulary that more than one app uses.

The kinds of decision live here, below every app, because delegations (roles) cover kinds of
decision and decisions (decisions) have one: both need the same words without importing each
other the wrong way.
"""

from django.db import models


class DecisionKind(models.TextChoices):
    KEY = "KEY", "Key decision"
    OPERATIONAL = "OPERATIONAL", "Operational"
    AWARD = "AWARD", "Award of a service"
    APPOINTMENT = "APPOINTMENT", "Appointment"
    DELEGATION = "DELEGATION", "Delegation of authority"
    POLICY = "POLICY", "Policy"
    PROCEDURAL = "PROCEDURAL", "Procedural (minutes, scheduling)"
