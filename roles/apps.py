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
