from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = "Roles, delegations and interests"

    def ready(self) -> None:
        from alliance import web
        from roles.access import request_access

        def standing_alliances(request, queryset):
            access = request_access(request)
            return queryset if access.staff else queryset.filter(pk__in=access.members_of)

        # The alliance list shows only the alliances the user has a standing in.
        web.alliance_visibility["rule"] = standing_alliances

        from alliance.signals import membership_left
        from roles.services import end_representation

        # An organisation's representatives leave with it (roles may import alliance, not the reverse).
        membership_left.connect(end_representation, dispatch_uid="roles-end-representation")
