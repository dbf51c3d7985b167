from django.apps import AppConfig


class AllianceConfig(AppConfig):
    name = "alliance"
    verbose_name = "Alliance core"

    def ready(self) -> None:
        from django.core.management.base import BaseCommand
        from simple_history.signals import post_create_historical_m2m_records, post_create_historical_record

        from alliance.audit import chain, source

        post_create_historical_record.connect(chain.on_history_row, dispatch_uid="audit-chain")
        post_create_historical_m2m_records.connect(chain.on_history_m2m_rows, dispatch_uid="audit-chain-m2m")

        # A change made by a management command has no user; name the command instead (rule 9).
        # Wrapping execute() covers both `manage.py <command>` and call_command().
        if not getattr(BaseCommand.execute, "_audit_wrapped", False):
            original = BaseCommand.execute

            def execute(self, *args, **options):  # `self`: commands take options such as "command"
                name = self.__class__.__module__.rsplit(".", 1)[-1]
                with source.audit_source(f"command:{name}"):
                    return original(self, *args, **options)

            execute._audit_wrapped = True
            BaseCommand.execute = execute
