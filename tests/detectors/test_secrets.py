"""Secrets detector: every type found with exact offsets, near misses and placeholders left
alone, entity filtering, linear time on hostile input, and a false-positive budget on the
standard library's own source.

Test secrets are built at runtime from a seeded generator (``tok``), so this file holds
nothing a secret scanner would (rightly) flag.
"""

from __future__ import annotations

import base64
import json
import logging
import pickle
import random
import re
import string
import time
import uuid

import pytest

from detectors.base import Category
from detectors.secrets import RULES_PATH, SecretsDetector, entropy, is_placeholder, load_rules
from loadtests.eval_secrets import found, near_misses, secret_corpus, stdlib_sources

B62 = string.ascii_letters + string.digits
B64 = B62 + "+/"
B64URL = B62 + "-_"
HEX = "0123456789abcdef"
BASE32 = string.ascii_uppercase + "234567"
DJANGO_CHARS = string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)"  # django's get_random_secret_key
_rng = random.Random(7)


def tok(n: int, alphabet: str = B62) -> str:
    """Random characters: high entropy, like a real token, but made here and now."""
    return "".join(_rng.choice(alphabet) for _ in range(n))


def b64url_json(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def pem(label: str, newline: str = "\n", end: bool = True) -> str:
    lines = [f"-----BEGIN {label}-----", *(tok(64, B64) for _ in range(4)), tok(20, B64) + "=="]
    return newline.join([*lines, f"-----END {label}-----"] if end else lines)


@pytest.fixture(scope="module")
def detector() -> SecretsDetector:
    return SecretsDetector()


JWT_HS256 = ".".join([b64url_json({"alg": "HS256", "typ": "JWT"}), b64url_json({"sub": "42"}), tok(43, B64URL)])
JWT_NONE = b64url_json({"alg": "none"}) + "." + b64url_json({"sub": "42", "admin": True}) + "."

# (entity type, line with {s} where the secret goes, the secret)
POSITIVES: list[tuple[str, str, str]] = [
    ("OPENAI_API_KEY", "OPENAI_API_KEY={s}", "sk-" + tok(48)),
    ("OPENAI_API_KEY", 'client = OpenAI(api_key="{s}")', "sk-proj-" + tok(156, B64URL)),
    ("OPENAI_API_KEY", "my key is {s}. Why 401?", "sk-svcacct-" + tok(60, B64URL)),
    ("ANTHROPIC_API_KEY", "x-api-key: {s}", "sk-ant-api03-" + tok(93, B64URL) + "AA"),
    ("ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY='{s}'", "sk-ant-admin01-" + tok(93, B64URL) + "AA"),
    ("AWS_ACCESS_KEY_ID", "aws_access_key_id = {s}", "AKIA" + tok(16, BASE32)),
    ("AWS_ACCESS_KEY_ID", '"AccessKeyId": "{s}",', "ASIA" + tok(16, BASE32)),
    ("AWS_SECRET_ACCESS_KEY", "aws_secret_access_key = {s}", tok(40, B64)),
    ("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY={s}", tok(40, B64)),
    ("AWS_SECRET_ACCESS_KEY", '"SecretAccessKey": "{s}",', tok(40, B64)),
    ("GITHUB_TOKEN", "GITHUB_TOKEN={s}", "ghp_" + tok(36)),
    ("GITHUB_TOKEN", "git clone https://{s}@github.com/acme/app.git", "gho_" + tok(36)),
    ("GITHUB_TOKEN", "token: {s}", "ghs_" + tok(36)),
    ("GITHUB_TOKEN", "export GH_TOKEN={s}", "github_pat_" + tok(22) + "_" + tok(59)),
    ("GITLAB_TOKEN", "PRIVATE-TOKEN: {s}", "glpat-" + tok(20, B64URL)),
    ("SLACK_TOKEN", "SLACK_BOT_TOKEN={s}", f"xoxb-{tok(12, string.digits)}-{tok(13, string.digits)}-{tok(24)}"),
    ("SLACK_TOKEN", 'WebClient(token="{s}")', f"xoxp-{tok(11, string.digits)}-{tok(12, string.digits)}-{tok(32, HEX)}"),
    ("SLACK_TOKEN", "app token {s}", f"xapp-1-A{tok(10, BASE32)}-{tok(13, string.digits)}-{tok(64, HEX)}"),
    ("SLACK_WEBHOOK", "url: {s}", f"https://hooks.slack.com/services/T{tok(8, BASE32)}/B{tok(10, BASE32)}/{tok(24)}"),
    ("STRIPE_KEY", 'stripe.api_key = "{s}"', "sk_live_" + tok(24)),
    ("STRIPE_KEY", "STRIPE_KEY={s}", "rk_live_" + tok(99)),
    ("STRIPE_KEY", "curl https://api.stripe.com/v1/charges -u {s}:", "sk_test_" + tok(24)),
    ("STRIPE_KEY", "STRIPE_WEBHOOK_SECRET={s}", "whsec_" + tok(32)),
    ("GOOGLE_API_KEY", "https://maps.googleapis.com/maps/api/js?key={s}&callback=init", "AIza" + tok(35, B64URL)),
    (
        "AZURE_KEY",
        "DefaultEndpointsProtocol=https;AccountName=st1;AccountKey={s};EndpointSuffix=core.windows.net",
        tok(86, B64) + "==",
    ),
    (
        "AZURE_KEY",
        "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey={s}",
        tok(43, B64) + "=",
    ),
    ("AZURE_KEY", "AZURE_OPENAI_API_KEY={s}", tok(32, HEX)),
    ("AZURE_KEY", 'curl https://x.openai.azure.com/openai/deployments/d/chat -H "api-key: {s}"', tok(32, HEX)),
    ("AZURE_KEY", "Ocp-Apim-Subscription-Key: {s}", tok(52) + "JQQJ9" + "9" + tok(1) + "A" + tok(16) + "b" + tok(7)),
    ("PRIVATE_KEY", "here:\n{s}\nthanks", pem("RSA PRIVATE KEY")),
    ("PRIVATE_KEY", "{s}", pem("PRIVATE KEY")),
    ("PRIVATE_KEY", "{s}", pem("EC PRIVATE KEY", "\r\n")),
    ("PRIVATE_KEY", "```\n{s}\n```", pem("OPENSSH PRIVATE KEY")),
    ("PRIVATE_KEY", "{s}", pem("ENCRYPTED PRIVATE KEY")),
    ("PRIVATE_KEY", "{s}", pem("DSA PRIVATE KEY")),
    ("PRIVATE_KEY", "{s}", pem("PGP PRIVATE KEY BLOCK")),
    ("PRIVATE_KEY", '{{"private_key": "{s}\\n", "client_email": "a@b.iam"}}', pem("PRIVATE KEY", "\\n")),
    ("PRIVATE_KEY", "I only pasted the top:\n{s}\n\nIs that enough?", pem("RSA PRIVATE KEY", end=False)),
    ("JWT", "Authorization: Bearer {s}", JWT_HS256),
    ("JWT", 'token = "{s}"', JWT_HS256),
    ("JWT", "The token is {s}.", JWT_HS256),
    ("JWT", "unsigned: {s} (alg none)", JWT_NONE),
    ("PASSWORD", 'password = "{s}"', "Tr0ub4dor&3"),
    ("PASSWORD", '{{"password": "{s}"}}', tok(16)),
    ("PASSWORD", "  passwd: {s}", "hunter2hunter2"),
    ("PASSWORD", "pwd='{s}'", tok(12)),
    ("PASSWORD", "DB_PASSWORD={s}", "CorrectHorseBattery"),  # env files hold literals: no digit needed
    ("PASSWORD", "MYSQL_ROOT_PASSWORD: {s}", "s3cr3t-Pa55"),
    ("PASSWORD", "config['password'] = '{s}'", "Winter2024!"),
    ("PASSWORD", "<password>{s}</password>", "Dragon77#"),
    ("PASSWORD", "my password is {s}, don't tell", "Galaxy1987?"),
    ("PASSWORD", "mysql -u root --password={s} shop", "x9!kQ2#mZ"),
    ("PASSWORD", 'connect(user="app", password="{s}")', "P@55w0rd!x"),
    ("PASSWORD", "PGPASSWORD={s} psql -h db", tok(14)),
    ("CONNECTION_STRING_PASSWORD", "DATABASE_URL=postgres://app:{s}@db.internal:5432/app", "Zq8" + tok(12)),
    ("CONNECTION_STRING_PASSWORD", "mongodb+srv://svc:{s}@cluster0.ab1cd.mongodb.net/?w=1", "p%40ss" + tok(8)),
    ("CONNECTION_STRING_PASSWORD", "redis://:{s}@cache:6379/0", tok(20)),
    (
        "CONNECTION_STRING_PASSWORD",
        "Server=tcp:x.database.windows.net,1433;User ID=sa;Password={s};Encrypt=True;",
        "Y7#" + tok(10),
    ),
    ("CONNECTION_STRING_PASSWORD", "Data Source=SQL01;Initial Catalog=Sales;User Id=sa;Pwd={s};", tok(12)),
    ("GENERIC_SECRET", 'api_key = "{s}"', tok(32)),
    ("GENERIC_SECRET", "Authorization: Bearer {s}", tok(40, B64URL)),
    ("GENERIC_SECRET", 'curl -H "X-API-Key: {s}" https://api.acme.io', tok(40, HEX)),
    ("GENERIC_SECRET", '"client_secret": "{s}",', base64.b64encode(_rng.randbytes(32)).decode()),
    ("GENERIC_SECRET", "https://api.acme.io/v1/data?access_token={s}&limit=10", tok(28)),
    ("GENERIC_SECRET", "SENTRY_AUTH_TOKEN={s}", tok(64, HEX)),
    ("GENERIC_SECRET", "ENV SECRET_KEY_BASE {s}", tok(128, HEX)),
    ("GENERIC_SECRET", "SECRET_KEY = '{s}'", "django-insecure-" + tok(50, DJANGO_CHARS)),
    ("GENERIC_SECRET", "const secretKey = `{s}`;", tok(32)),
]


@pytest.mark.parametrize(("entity_type", "line", "secret"), POSITIVES, ids=[p[0] for p in POSITIVES])
def test_finds_each_type_with_exact_offsets(
    detector: SecretsDetector, entity_type: str, line: str, secret: str
) -> None:
    text = "Please help, this fails:\n" + line.replace("{{", "{").replace("}}", "}").replace("{s}", secret) + "\n"
    findings = detector.detect(text)
    assert [(f.entity_type, text[f.start : f.end]) for f in findings] == [(entity_type, secret)]
    assert findings[0].detector == "secrets"
    assert findings[0].category is Category.SECRET


def test_aws_credentials_csv_both_columns(detector: SecretsDetector) -> None:
    key_id, secret = "AKIA" + tok(16, BASE32), tok(40, B64)
    text = f"Access key ID,Secret access key\n{key_id},{secret}\n"
    found_ = [(f.entity_type, text[f.start : f.end]) for f in detector.detect(text)]
    assert found_ == [("AWS_ACCESS_KEY_ID", key_id), ("AWS_SECRET_ACCESS_KEY", secret)]


def test_structured_tokens_score_one_heuristics_lower(detector: SecretsDetector) -> None:
    text = f"k = {'ghp_' + tok(36)}\npassword = 'Tr0ub4dor&3'\napi_key: {tok(32)}\n"
    scores = {f.entity_type: f.score for f in detector.detect(text)}
    assert scores["GITHUB_TOKEN"] == 1.0
    assert 0 < scores["GENERIC_SECRET"] < scores["PASSWORD"] < 1.0


def test_assignment_span_covers_value_not_name(detector: SecretsDetector) -> None:
    value = "Tr0ub4dor&3"
    text = f'DB_PASSWORD={value}\n"password": "{value}"'
    assert [text[f.start : f.end] for f in detector.detect(text)] == [value, value]


def test_offsets_survive_text_that_grows_when_lowercased(detector: SecretsDetector) -> None:
    secret = "sk-" + tok(48)
    text = "İstanbul ofisi İİİ: " + secret + " 🙂 ok"  # 'İ'.lower() is two characters
    assert len(text.lower()) != len(text)
    [finding] = detector.detect(text)
    assert text[finding.start : finding.end] == secret


NEGATIVES = [
    f"request_id={uuid.UUID(int=_rng.getrandbits(128))} trace={uuid.UUID(int=_rng.getrandbits(128))}",
    f"commit {tok(40, HEX)}\nMerge: {tok(7, HEX)} {tok(7, HEX)}\n git checkout {tok(40, HEX)}",
    f'<img src="data:image/png;base64,{base64.b64encode(_rng.randbytes(3000)).decode()}">',
    f'"integrity": "sha512-{base64.b64encode(_rng.randbytes(64)).decode()}"',
    f"requests==2.31.0 --hash=sha256:{tok(64, HEX)}",
    f'[[package]]\nname = "idna"\nfiles = [{{file = "idna.whl", hash = "sha256:{tok(64, HEX)}"}}]',
    f"FROM python:3.11@sha256:{tok(64, HEX)}",
    f"md5 {tok(32, HEX)}  dist/app.tar.gz",
    "We use sk-learn for this and the risk-free task-sk-12 ticket; keys look like sk-...",
    'OPENAI_API_KEY=sk-...\napi_key = "<your-api-key>"\nAPI_KEY=YOUR_API_KEY_HERE',
    'password = "****"\npassword: xxxxxxxx\nDB_PASSWORD=${DB_PASSWORD}\npassword: changeme',
    'token = "{{ secrets.GITHUB_TOKEN }}"\nsql = "password=%(password)s"\npwd = "%s" % pw',
    "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "postgres://user:password@localhost/db\nhttps://user:pass@example.com/",
    "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n-----BEGIN PUBLIC KEY-----\n" + tok(64, B64),
    "Authorization: Bearer <token>\nAuthorization: Bearer ${TOKEN}",
    'secret_key = os.environ["SECRET_KEY"]\napi_key = settings.OPENAI_API_KEY',
    'password = getpass.getpass("Password: ")\nif password is None:\n    pwd = os.getcwd()',
    "self.password = password\ndef login(user, password=None):\n    password: str",
    'tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")',
    "private_key: ed25519.Ed25519PrivateKey\nprivate_key: PKCS7PrivateKeyTypes",
    "class V1OrganizationExternalKeysPostRequestAws(TypedDict):  # aws secret",
    'publicKeyToken="b77a5c561934e089"\nnext_token = "' + tok(40) + '"',
    "eyJhbGciOiJIUzI1NiJ9 is just base64 of a header; so is eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.sig",
    '"password": "no-password-required", "challengePassword": "challengePassword"',
    'token = r"[-!#$%&\'*+.^_`|~0-9a-zA-Z]+"\nTOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt"',
    'token_url = "https://oauth2.googleapis.com/token"\nsecret_name = "prod/db-credentials-2024"',
    f'"alias/aws/secretsmanager": "{uuid.UUID(int=_rng.getrandbits(128))}", "token_id": "{tok(32)}"',
]


@pytest.mark.parametrize("text", NEGATIVES, ids=range(len(NEGATIVES)))
def test_near_misses_and_placeholders_do_not_fire(detector: SecretsDetector, text: str) -> None:
    assert [(f.entity_type, text[f.start : f.end]) for f in detector.detect(text)] == []


def test_jwt_needs_a_json_header_with_alg(detector: SecretsDetector) -> None:
    no_alg = b64url_json({"typ": "JWT"}) + "." + b64url_json({"sub": "1"}) + "." + tok(43, B64URL)
    not_json = "eyJ" + tok(30, B64URL) + "." + tok(30, B64URL) + "." + tok(43, B64URL)
    assert detector.detect(f"t={no_alg} u={not_json}") == []


def test_entities_filter_runs_only_what_is_asked(detector: SecretsDetector) -> None:
    text = f"OPENAI_API_KEY={'sk-' + tok(48)}\npassword = 'Tr0ub4dor&3'\n"
    assert {f.entity_type for f in detector.detect(text)} == {"OPENAI_API_KEY", "PASSWORD"}
    assert [f.entity_type for f in detector.detect(text, frozenset({"PASSWORD", "EMAIL_ADDRESS"}))] == ["PASSWORD"]
    assert detector.detect(text, frozenset({"EMAIL_ADDRESS"})) == []
    assert detector.detect(text, frozenset()) == []
    assert detector.detect("") == []


def test_detector_protocol_and_pickling(detector: SecretsDetector) -> None:
    assert detector.name == "secrets"
    assert detector.category is Category.SECRET
    assert {
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "GITHUB_TOKEN",
        "GITLAB_TOKEN",
        "SLACK_TOKEN",
        "SLACK_WEBHOOK",
        "STRIPE_KEY",
        "GOOGLE_API_KEY",
        "AZURE_KEY",
        "PRIVATE_KEY",
        "JWT",
        "PASSWORD",
        "CONNECTION_STRING_PASSWORD",
        "GENERIC_SECRET",
    } == detector.entity_types
    text = "token: " + "ghp_" + tok(36)
    assert pickle.loads(pickle.dumps(detector)).detect(text) == detector.detect(text)  # noqa: S301 - our own object


def test_never_logs_or_prints_values(
    detector: SecretsDetector, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "sk-" + tok(48)
    with caplog.at_level(logging.DEBUG):
        detector.detect(f"key {secret} and password = 'Tr0ub4dor&3'")
    out = capsys.readouterr()
    assert secret not in caplog.text + out.out + out.err
    assert "Tr0ub4dor" not in caplog.text + out.out + out.err


def test_rules_are_bounded() -> None:
    """No unbounded quantifier in any rule: '+' only as a possessive '{m,n}+', never '*'."""
    for rule in load_rules(RULES_PATH):
        source = re.sub(r"\\.|\[(?:\\.|[^\]\\])*\]", "", rule.pattern.pattern)  # drop escapes and classes
        assert "*" not in source, rule.entity_type
        assert re.search(r"(?<!\})\+", source) is None, rule.entity_type


HOSTILE = [
    "a" * 200_000,
    "password=" * 22_000,
    ('password="' + "x" * 300) * 650,
    "token " * 33_000,
    "eyJ" * 66_000,
    ("eyJ" + "a" * 3000 + ".") * 66,
    "-----BEGIN RSA PRIVATE KEY-----\n" * 6_000,
    ("-----BEGIN RSA PRIVATE KEY-----\n" + ("A" * 64 + "\n") * 10) * 300,
    "://u:" * 40_000,
    ("aws secret " + "A1b2/" * 10) * 3_000,
    ("glpat-" + "a" * 30 + ".") * 5_000,
    ("Server=x;Pwd=" + "y" * 250) * 750,
    "İ" * 200_000,
    ("password: " + "Ab1!" * 60 + "\n") * 790,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_scans_in_linear_time(detector: SecretsDetector, text: str) -> None:
    """200 KB of worst case well under a second (measured: at most 0.2 s); backtracking would take minutes."""
    start = time.perf_counter()
    detector.detect(text)
    assert time.perf_counter() - start < 2.0


def test_measures() -> None:
    assert entropy("") == 0.0
    assert entropy("aaaa") == 0.0
    assert entropy("abcd") == 2.0
    assert all(is_placeholder(v) for v in ["****", "<token>", "${X}", "changeme", "your-api-key", "xxxxxxxxxx"])
    assert not is_placeholder("Tr0ub4dor&3")


def test_false_positive_rate_on_standard_library(detector: SecretsDetector) -> None:
    """At most 1 finding per 10,000 lines of the stdlib's own source (its test suites excluded)."""
    lines, fired = 0, []
    for path, text in stdlib_sources():
        lines += len(text.splitlines())
        for f in detector.detect(text):
            line_no = text.count("\n", 0, f.start) + 1
            fired.append(f"{path.name}:{line_no} {f.entity_type}: {text.splitlines()[line_no - 1].strip()[:120]}")
    assert lines >= 100_000
    assert len(fired) * 10_000 <= lines, f"{len(fired)} findings in {lines} benign lines:\n" + "\n".join(fired)


def test_synthetic_corpus_recall_and_near_misses(detector: SecretsDetector) -> None:
    """The eval's labelled corpus (loadtests/eval_secrets.py), small: recall at least 0.95 per type."""
    samples = secret_corpus(per_type=60)
    for entity_type in {s.entity_type for s in samples}:
        mine = [s for s in samples if s.entity_type == entity_type]
        recall = sum(found(s, detector.detect(s.text)) for s in mine) / len(mine)
        assert recall >= 0.95, entity_type
    assert [f for line in near_misses(1000) for f in detector.detect(line)] == []
