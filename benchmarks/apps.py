from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The performance benchmark (docs/performance.md): no models, one command, ``benchmark``."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
