import cProfile, pstats, io
import pytest
from django.test import Client, override_settings

@pytest.mark.django_db
def test_profile(staff):
    c = Client(); c.force_login(staff)
    with override_settings(DEBUG=False):
        for _ in range(5): c.get("/api/v1/")
        p = cProfile.Profile(); p.enable()
        for _ in range(30): c.get("/api/v1/")
        p.disable()
    s = io.StringIO(); pstats.Stats(p, stream=s).sort_stats("cumulative").print_stats(40)
    open("/tmp/prof/root.txt", "w").write(s.getvalue())
