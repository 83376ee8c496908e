"""Settings, read once from the environment and `.env` by the composition root."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from state_machine.distance_tools import DistanceTools, DistanceToolsError
from state_machine.nudge_rules import NudgeRules, NudgeRulesError
from storage.crypto import CipherKeyError, FieldCipher
from storage.distance_tools import read_tools
from storage.nudges import read_rules

TELEGRAM_API = "https://api.telegram.org/bot"


def _http_url(value: str | None) -> str | None:
    if not value:
        return None
    if not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return value.rstrip("/")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(default=TELEGRAM_API, alias="TELEGRAM_API_BASE_URL")
    database_url: str = Field(default="sqlite:///oocps.sqlite3", alias="DATABASE_URL")
    timezone: str = Field(default="Europe/London", alias="OOCPS_TIMEZONE")
    encryption_key: SecretStr | None = Field(default=None, alias="OOCPS_ENCRYPTION_KEY")
    webhook_url: str | None = Field(default=None, alias="WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, alias="WEBHOOK_SECRET")
    webhook_listen: str = Field(default="127.0.0.1", alias="WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, ge=1, le=65535, alias="WEBHOOK_PORT")
    # Any dialogue (a screening, an invite …); the older name is still read.
    dialogue_idle_hours: float = Field(
        default=12,
        gt=0,
        alias="OOCPS_DIALOGUE_IDLE_HOURS",
        validation_alias=AliasChoices("OOCPS_DIALOGUE_IDLE_HOURS", "OOCPS_SCREENING_IDLE_HOURS"),
    )
    log_level: str = Field(default="INFO", alias="OOCPS_LOG_LEVEL")
    state_dir: str | None = Field(default=None, alias="OOCPS_STATE_DIR")
    # A file of deadline nudge rules instead of the shipped state_machine/nudge_rules.toml.
    nudge_rules_file: str | None = Field(default=None, alias="OOCPS_NUDGE_RULES")
    # A file of distance-travelled tools instead of the shipped state_machine/distance_tools.toml.
    distance_tools_file: str | None = Field(default=None, alias="OOCPS_DISTANCE_TOOLS")

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value():
            bot_id, _, secret = value.get_secret_value().partition(":")
            if not bot_id.isdigit() or not secret:
                raise ValueError("must look like 123456:ABC-DEF… as given by @BotFather")
        return value if value is not None and value.get_secret_value() else None

    @field_validator("telegram_api_base_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        return _http_url(value) or TELEGRAM_API

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        return _http_url(value)

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError as exc:
            raise ValueError("is not a database URL (e.g. sqlite:///oocps.sqlite3)") from exc
        if backend not in ("sqlite", "postgresql"):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("is not an IANA time zone such as Europe/London") from exc
        return value

    @field_validator("encryption_key")
    @classmethod
    def _key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value():
            try:
                FieldCipher(value.get_secret_value())
            except CipherKeyError as exc:
                raise ValueError(f"{exc}; make one with `oocps keygen`") from exc
            return value
        return None

    @field_validator("nudge_rules_file")
    @classmethod
    def _rules(cls, value: str | None) -> str | None:
        if value:
            try:
                read_rules(value)
            except NudgeRulesError as exc:
                raise ValueError(str(exc)) from exc
            return value
        return None

    @field_validator("distance_tools_file")
    @classmethod
    def _tools(cls, value: str | None) -> str | None:
        if value:
            try:
                read_tools(value)
            except DistanceToolsError as exc:
                raise ValueError(str(exc)) from exc
            return value
        return None

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return value.upper()

    @property
    def nudge_rules(self) -> NudgeRules:
        """The deadline nudge rules in force (checked when the settings were read)."""
        return read_rules(self.nudge_rules_file)

    @property
    def distance_tools(self) -> DistanceTools:
        """The distance-travelled tools in force (checked when the settings were read)."""
        return read_tools(self.distance_tools_file)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_file_url(self) -> str:
        """PTB fetches files from here, not from base_url (DESIGN.md §9)."""
        return self.telegram_api_base_url.removesuffix("/bot") + "/file/bot"


class SettingsError(Exception):
    """Settings cannot be used; the message is one line that names every variable at fault."""


_BY_ALIAS = {
    alias: field
    for name, field in Settings.model_fields.items()
    for alias in (
        field.validation_alias.choices
        if isinstance(field.validation_alias, AliasChoices)
        else [field.alias or name.upper()]
    )
}


def load_settings(*required: str, **overrides: object) -> Settings:
    """The settings, or one SettingsError naming every invalid value and every missing one of
    `required` (field names), so a first run is put right in one go."""
    problems: list[str] = []
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = [_problem(error["loc"], error["msg"]) for error in exc.errors()]
        # The invalid ones at their defaults, to see which required ones are missing as well.
        bad = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
        reset = {alias: _BY_ALIAS[alias].default for alias in bad if alias in _BY_ALIAS}
        settings = Settings(**{**overrides, **reset})
    return _checked(settings, required, problems)


def require(settings: Settings, *names: str) -> None:
    """Stop with one clear sentence when settings a command needs are missing."""
    _checked(settings, names, [])


def _problem(loc: tuple[int | str, ...], msg: str) -> str:
    name = loc[0] if loc else "settings"
    return f"{name} {str(msg).removeprefix('Value error, ')}"


def _checked(settings: Settings, required: tuple[str, ...], problems: list[str]) -> Settings:
    missing = [name for name in required if getattr(settings, name) is None]
    if missing:
        aliases = [Settings.model_fields[name].alias or name.upper() for name in missing]
        hint = "; make the key with `.venv/bin/oocps keygen`" if "encryption_key" in missing else ""
        names, verb, pronoun = (
            (aliases[0], "is", "it")
            if len(aliases) == 1
            else (", ".join(aliases[:-1]) + " and " + aliases[-1], "are", "them")
        )
        problems.append(
            f"{names} {verb} not set: put {pronoun} in .env (copy .env.example to start{hint})"
        )
    if problems:
        raise SettingsError("; ".join(problems) + ".")
    return settings
