"""deploy/gateway.yaml: it loads with the gateway's own settings loader, reads secrets only from
variables that are not settings, and names the shipped policy."""

from __future__ import annotations

from pathlib import Path

from gateway.config.settings import ENV_NOT_SETTINGS, ENV_PREFIX, load_settings
from gateway.policy.policy import load_policy
from gateway.promptlog.crypto import load_keyring
from gateway.promptlog.service import build_store
from gateway.providers import resolve_credentials
from tests.deploy.deploy_helpers import (
    GATEWAY_YAML,
    ROOT,
    fake_env,
)


def test_gateway_yaml_loads_with_the_settings_loader(tmp_path: Path) -> None:
    env = fake_env(["PROMPT_LOG_DSN", "AIGW_LOG_KEYS", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"], tmp_path)
    settings = load_settings(GATEWAY_YAML, env)

    assert (settings.listen.host, settings.listen.port) == ("0.0.0.0", 8080)
    assert (settings.admin.host, settings.admin.port) == ("0.0.0.0", 8081)
    assert settings.policy_path == Path("/etc/aigw/policies/default.yaml")
    assert settings.policy_reload.watch_interval_s > 0, "hot reload of the mounted policy needs the watcher"
    assert settings.policy_reload.ready_while_rejected, "one invalid shared ConfigMap must not unready every replica"
    assert settings.identity.modes == ("keys",)
    assert settings.detection.workers > 0, "0 means one per host core, which ignores a container's CPU limit"
    assert settings.log.format == "json"
    # The prompt log goes to PostgreSQL through a variable, never a DSN in the file.
    assert settings.prompt_log.postgres_dsn is None
    assert settings.prompt_log.postgres_dsn_env == "PROMPT_LOG_DSN"
    assert type(build_store(settings.prompt_log, env)).__name__ == "PostgresPromptStore"
    assert settings.prompt_log.key_env == "AIGW_LOG_KEYS"
    assert load_keyring(settings.prompt_log.key_file, settings.prompt_log.key_env, env) is not None
    # Everything the gateway writes is under the data volume (the root filesystem is read-only).
    written = [
        settings.store.sqlite_path,
        settings.prompt_log.sqlite_path,
        settings.prompt_log.key_file,
        settings.prompt_log.spool_path,
        settings.prompt_log.incident_spool,
    ]
    assert all(path.is_relative_to("/var/lib/aigw") for path in written), written
    # Provider keys come from variables; every provider with a key variable is enabled by them.
    assert all(p.api_key_file is None for p in settings.providers.values())
    credentials = resolve_credentials(settings, env)
    assert {name for name, c in credentials.items() if c.key} == {"openai", "anthropic"}


def test_secret_variables_are_not_read_as_settings() -> None:
    """Every AIGW_* variable but a few is a settings path: AIGW_POSTGRES_DSN would stop start-up."""
    settings = load_settings(GATEWAY_YAML, {})
    dsn_env = settings.prompt_log.postgres_dsn_env
    assert dsn_env is not None
    for name in (dsn_env, settings.prompt_log.key_env):
        assert not name.startswith(ENV_PREFIX) or name in ENV_NOT_SETTINGS, name


def test_the_policy_the_settings_name_is_the_shipped_one() -> None:
    settings = load_settings(GATEWAY_YAML, {})
    shipped = ROOT / "policies" / settings.policy_path.name
    assert shipped.is_file()
    load_policy(shipped)
