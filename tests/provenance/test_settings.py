import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from lib.env import env_bool, env_database, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-grade-secret-key-that-is-long-and-random-" + "x" * 20,
    "ALLOWED_HOSTS": "provenance.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://provenance.example.org",
}


def run_manage(*args, env):
    clean_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_debug_off():
    result = run_manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def _database_setting(env):
    code = "from django.conf import settings; d = settings.DATABASES['default']; "
    code += "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    result = run_manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-2:]


def test_persistent_connections_in_production_only():
    # Production reuses connections (health-checked, so a restarted database is
    # reconnected to); development, where runserver starts a thread a request, does not.
    assert _database_setting(PRODUCTION_ENV) == ["60", "True"]
    assert _database_setting({"DEBUG": "1"}) == ["0", "True"]
    assert _database_setting(dict(PRODUCTION_ENV, CONN_MAX_AGE="5")) == ["5", "True"]


def test_production_refuses_to_start_without_a_secret_key():
    env = dict(PRODUCTION_ENV, SECRET_KEY="")
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_bad_boolean_fails_loudly(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG")


def test_booleans_and_defaults(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", default=True) is False
    monkeypatch.delenv("FLAG")
    assert env_bool("FLAG", default=True) is True


def test_bad_integer_fails_loudly(monkeypatch):
    monkeypatch.setenv("IMPORT_MAX_BYTES", "5MB")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("IMPORT_MAX_BYTES", 1)


def test_lists_drop_blanks(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, ,b.example,")
    assert env_list("ALLOWED_HOSTS") == ["a.example", "b.example"]


def test_database_urls(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/provenance")
    config = env_database("DATABASE_URL", "sqlite:///x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "provenance"
    monkeypatch.delenv("DATABASE_URL")
    assert env_database("DATABASE_URL", "sqlite:///x.sqlite3")["ENGINE"].endswith("sqlite3")


def test_unsupported_database_fails_loudly(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/provenance")
    with pytest.raises(ImproperlyConfigured, match="only PostgreSQL and SQLite"):
        env_database("DATABASE_URL", "sqlite:///x.sqlite3")
    monkeypatch.setenv("DATABASE_URL", "not a url")
    with pytest.raises(ImproperlyConfigured):
        env_database("DATABASE_URL", "sqlite:///x.sqlite3")


def test_wsgi_application_loads_and_freezes_startup_objects():
    # The WSGI module builds the app with production settings, then moves the objects
    # loaded at startup out of the garbage collector's generations (gc.freeze).
    code = (
        "import gc, provenance.wsgi as w; "
        "print(callable(w.application), gc.get_freeze_count() > 10000)"
    )
    clean_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean_env.update(PRODUCTION_ENV)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean_env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
