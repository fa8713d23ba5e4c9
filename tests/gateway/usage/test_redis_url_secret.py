"""The Redis URL's password (and any settings URL's) is never printed: ``aigw config show`` hides it,
and ``store.redis_url_env`` takes the URL from the environment, as ``postgres_dsn_env`` does."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gateway.config.redact import redact_url
from gateway.config.settings import Settings, StoreSettings
from gateway.errors import ConfigError
from gateway.usage.limiter import Limiter
from tests.gateway.cli.test_cli import aigw

PASSWORD = "s3cretpw"


def test_config_show_never_prints_a_password_in_a_url(tmp_path: Path) -> None:
    config = tmp_path / "gateway.yaml"
    config.write_text(
        "store:\n"
        f"  redis_url: 'redis://:{PASSWORD}@redis:6379/0'\n"
        f"  postgres_dsn: 'postgresql://aigw:{PASSWORD}@db/aigw?sslmode=require&password={PASSWORD}'\n"
        "siem:\n"
        f"  - {{type: webhook, url: 'https://hook:{PASSWORD}@soar.internal/h', secret_env: AIGW_HOOK}}\n",
        encoding="utf-8",
    )
    shown = aigw("config", "show", config=config)
    assert shown.returncode == 0, shown.stderr
    assert PASSWORD not in shown.stdout + shown.stderr
    assert "redis_url: redis://:***@redis:6379/0" in shown.stdout
    assert "postgres_dsn: postgresql://aigw:***@db/aigw?sslmode=require&password=***" in shown.stdout
    assert "url: https://hook:***@soar.internal/h" in shown.stdout


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        (f"rediss://default:{PASSWORD}@cache:6380/1", "rediss://default:***@cache:6380/1"),
        (f"unix:///run/redis.sock?password={PASSWORD}&db=2", "unix:///run/redis.sock?password=***&db=2"),
        (f"redis://:{PASSWORD}@[::1", "redis://***"),  # not a URL urlsplit takes apart: hidden whole
        ("var/aigw.db", "var/aigw.db"),
    ],
)
def test_urls_are_redacted(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_the_redis_url_may_come_from_the_environment() -> None:
    store = StoreSettings(redis_url_env="AIGW_REDIS")
    assert (
        store.redis({"AIGW_REDIS": f"redis://:{PASSWORD}@127.0.0.1:6379/0"}) == f"redis://:{PASSWORD}@127.0.0.1:6379/0"
    )
    with pytest.raises(ConfigError) as unset:
        store.redis({})
    assert "AIGW_REDIS" in str(unset.value)
    with pytest.raises(ConfigError) as wrong:
        store.redis({"AIGW_REDIS": f"http://:{PASSWORD}@x"})
    assert PASSWORD not in str(wrong.value)
    with pytest.raises(ValueError, match="not both"):
        StoreSettings(redis_url="redis://a:6379/0", redis_url_env="AIGW_REDIS")


def test_the_limiter_counts_in_the_redis_the_environment_names() -> None:
    settings = Settings.model_validate({"store": {"redis_url_env": "AIGW_REDIS"}})
    limiter = Limiter(
        settings, _Quiet(), lambda m: m or "", lambda mode: None, environ={"AIGW_REDIS": "redis://127.0.0.1:6379/0"}
    )
    assert limiter.shared
    asyncio.run(limiter.close())


class _Quiet:
    def limit_hit(self, group: str, model: str, limit: str) -> None: ...
    def spent(self, group: str, model: str, currency: str, amount: float) -> None: ...
    def limit_used(self, group: str, limit: str, ratio: float) -> None: ...
    def limit_store_failed(self, mode: str) -> None: ...
