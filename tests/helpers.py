"""Helpers the tests share."""


def rows(*models) -> dict:
    """Counts of rows and of history rows, to assert that a refusal wrote nothing."""
    counts = {}
    for model in models:
        counts[model.__name__] = model.objects.count()
        if hasattr(model, "history"):
            counts[f"{model.__name__}.history"] = model.history.count()
    return counts
