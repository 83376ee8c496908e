"""Settings from the environment, and the `oocps` command's answers to a person at a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import SettingsError, load_settings, require
from storage import migrate
from tests.conftest import TEST_KEY
from tests.harness import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "OOCPS_", "WEBHOOK_", "DATABASE_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env is read


def test_defaults_are_sqlite_in_the_working_directory_and_london_time() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///oocps.sqlite3"
    assert str(settings.tz) == "Europe/London"
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert settings.telegram_bot_token is None


def test_a_custom_bot_api_server_also_serves_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot/")
    settings = load_settings()
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.base_file_url == "http://127.0.0.1:8081/file/bot"


def test_settings_are_read_from_a_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("OOCPS_TIMEZONE=Europe/Dublin\nTELEGRAM_BOT_TOKEN=1:abc\n")
    settings = load_settings()
    assert str(settings.tz) == "Europe/Dublin"
    assert settings.telegram_bot_token is not None


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("OOCPS_TIMEZONE", "Mars/Olympus", "OOCPS_TIMEZONE is not an IANA time zone"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL must be a sqlite:/// or postgresql://"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "TELEGRAM_BOT_TOKEN must look like"),
        ("OOCPS_ENCRYPTION_KEY", "short", "OOCPS_ENCRYPTION_KEY each key must be 32"),
        ("WEBHOOK_URL", "ftp://x", "WEBHOOK_URL must start with http"),
        ("WEBHOOK_PORT", "99999", "WEBHOOK_PORT"),
        ("OOCPS_LOG_LEVEL", "LOUD", "OOCPS_LOG_LEVEL must be one of DEBUG, INFO"),
    ],
)
def test_an_invalid_value_names_the_variable_and_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, says: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert str(err.value).startswith(says)
    assert "\n" not in str(err.value)


def test_the_first_run_names_every_missing_setting_at_once_with_exit_code_2(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "OOCPS_"))}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == (
        "oocps: TELEGRAM_BOT_TOKEN and OOCPS_ENCRYPTION_KEY are not set: put them in .env"
        " (copy .env.example to start; make the key with `.venv/bin/oocps keygen`)."
    )
    assert "Traceback" not in done.stderr


def test_one_missing_setting_is_named_alone(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OOCPS_ENCRYPTION_KEY", TEST_KEY)
    assert main(["run"]) == 2
    assert capsys.readouterr().err.strip() == (
        "oocps: TELEGRAM_BOT_TOKEN is not set: put it in .env (copy .env.example to start)."
    )


def test_invalid_and_missing_settings_are_all_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OOCPS_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("WEBHOOK_PORT", "99999")
    monkeypatch.setenv("OOCPS_ENCRYPTION_KEY", TEST_KEY)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("oocps: OOCPS_TIMEZONE is not an IANA time zone")
    assert "; WEBHOOK_PORT " in err
    assert "; TELEGRAM_BOT_TOKEN is not set" in err
    assert "OOCPS_ENCRYPTION_KEY" not in err  # it is set and valid
    assert "\n" not in err


def test_an_invalid_setting_stops_the_cli_with_exit_code_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OOCPS_TIMEZONE", "Nowhere/Land")
    assert main(["db", "current"]) == 2
    assert capsys.readouterr().err.startswith("oocps: OOCPS_TIMEZONE is not an IANA time zone")


def test_db_upgrade_then_current(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    assert main(["db", "current"]) == 0
    assert "empty" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert f"revision {migrate.head()}" in capsys.readouterr().out
    assert main(["db", "current"]) == 0
    assert capsys.readouterr().out.strip() == f"{migrate.head()} (head)"


def test_keygen_prints_a_usable_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keygen"]) == 0
    key = capsys.readouterr().out.strip()
    assert load_settings(OOCPS_ENCRYPTION_KEY=key).encryption_key is not None
    assert load_settings(OOCPS_ENCRYPTION_KEY=f"{key},{TEST_KEY}").encryption_key is not None


def test_run_without_network_says_in_one_line_that_telegram_cannot_be_reached(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "OOCPS_"))}
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    env |= {
        "TELEGRAM_BOT_TOKEN": "4242:TEST-token",
        "TELEGRAM_API_BASE_URL": f"{closed}/bot",
        "OOCPS_ENCRYPTION_KEY": TEST_KEY,
        "PYTHONPATH": str(ROOT),
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert time.monotonic() - started < 15  # no retries before saying so
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith(f"oocps: Telegram cannot be reached ({closed}): ")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "TEST-token" not in done.stderr


def test_a_command_that_needs_settings_names_all_it_lacks() -> None:
    with pytest.raises(SettingsError) as err:
        require(load_settings(), "telegram_bot_token", "encryption_key")
    assert str(err.value).startswith("TELEGRAM_BOT_TOKEN and OOCPS_ENCRYPTION_KEY are not set")
    require(load_settings(OOCPS_ENCRYPTION_KEY=TEST_KEY), "encryption_key")  # nothing lacking


def test_the_idle_limit_is_for_any_dialogue_and_its_older_name_is_still_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_settings().dialogue_idle_hours == 12
    assert load_settings(OOCPS_DIALOGUE_IDLE_HOURS=2).dialogue_idle_hours == 2
    assert load_settings(OOCPS_SCREENING_IDLE_HOURS=3).dialogue_idle_hours == 3
    monkeypatch.setenv("OOCPS_SCREENING_IDLE_HOURS", "5")
    assert load_settings().dialogue_idle_hours == 5
    with pytest.raises(SettingsError, match="OOCPS_DIALOGUE_IDLE_HOURS Input should be greater"):
        load_settings(OOCPS_DIALOGUE_IDLE_HOURS=0)
