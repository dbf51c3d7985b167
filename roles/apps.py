from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = "Roles, delegations and interests"

    def ready(self) -> None:
        from alliance.audit.checkpoint import checkpoint_taken
        from alliance.audit.runs import verification_failed
        from alliance.signals import membership_left
        from roles.notifications import announce_broken_run, announce_checkpoint
        from roles.services import end_member_seats, end_representation

        # An organisation's representatives leave with it (roles may import alliance, not the reverse).
        membership_left.connect(end_representation, dispatch_uid="roles-end-representation")
        membership_left.connect(end_member_seats, dispatch_uid="roles-end-member-seats")
        # Each checkpoint is emailed to the alliance's oversight as it is taken (roles knows who they are).
        checkpoint_taken.connect(announce_checkpoint, dispatch_uid="roles-announce-checkpoint")
        # A verification that finds the trail broken is told to the alliance's oversight at once.
        verification_failed.connect(announce_broken_run, dispatch_uid="roles-announce-broken-run")
