"""Where papers' files are kept, from the environment (alliance/settings.py ``file_storage``): no network."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from alliance import settings as project_settings
from alliance.settings import file_storage


@pytest.fixture(autouse=True)
def boto3_installed(monkeypatch):
    """The S3 store's library, as if installed (it is optional: this machine need not have it)."""
    monkeypatch.setattr(project_settings, "boto3_installed", lambda: True)


def test_local_files_by_default():
    assert file_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_an_s3_compatible_store_from_the_environment():
    storage = file_storage(
        {
            "FILE_STORAGE": "s3",
            "S3_BUCKET": "alliance-papers",
            "S3_ENDPOINT_URL": "https://minio.example.org",
            "S3_REGION": "eu-west-2",
            "S3_PREFIX": "dunmarrow",
            "S3_ACCESS_KEY_ID": "key",
            "S3_SECRET_ACCESS_KEY": "secret",
        }
    )
    assert storage == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "alliance-papers",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "endpoint_url": "https://minio.example.org",
            "region_name": "eu-west-2",
            "location": "dunmarrow",
            "access_key": "key",
            "secret_key": "secret",
        },
    }


def test_s3_without_its_keys_leaves_them_to_boto3():
    options = file_storage({"FILE_STORAGE": "S3", "S3_BUCKET": "papers"})["OPTIONS"]
    assert "access_key" not in options and "secret_key" not in options and options["file_overwrite"] is False


def test_s3_needs_a_bucket():
    with pytest.raises(ImproperlyConfigured, match="S3_BUCKET"):
        file_storage({"FILE_STORAGE": "s3"})


def test_an_unknown_storage_is_refused():
    with pytest.raises(ImproperlyConfigured, match="neither local nor s3"):
        file_storage({"FILE_STORAGE": "ftp"})


def test_the_test_run_keeps_files_in_a_folder_of_its_own(settings):
    assert "alliance-test-media-" in str(settings.MEDIA_ROOT)


def test_s3_without_boto3_says_what_to_install(monkeypatch):
    # Refused when the settings load, not at the first upload (which would be a server error).
    monkeypatch.setattr(project_settings, "boto3_installed", lambda: False)
    with pytest.raises(ImproperlyConfigured, match=r"needs boto3.*pip install boto3"):
        file_storage({"FILE_STORAGE": "s3", "S3_BUCKET": "papers"})
    assert file_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
