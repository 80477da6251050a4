"""Production settings: what `check --deploy` says, and the HTTPS switch."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env: str) -> subprocess.CompletedProcess:
    ours = {"DEBUG", "HTTPS_ONLY", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full = {k: v for k, v in os.environ.items() if k not in ours}
    full.update(env)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=full, capture_output=True, text=True)


def test_production_settings_pass_the_deploy_check():
    result = run_check(DEBUG="0", SECRET_KEY="x" * 20 + "Kq9-unpredictable-" + "z7" * 20, ALLOWED_HOSTS="ct.example.vn")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_plain_http_trial_is_allowed_but_reported():
    result = run_check(DEBUG="0", HTTPS_ONLY="0", SECRET_KEY="y" * 60, ALLOWED_HOSTS="127.0.0.1")
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout


def test_missing_secret_key_in_production_is_refused():
    result = run_check(DEBUG="0", ALLOWED_HOSTS="ct.example.vn")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
