"""Recall, false positives and speed of the secrets detector, offline and reproducible.

Builds a labelled corpus from a fixed seed: for every entity type, synthetic secrets
in the shapes the providers issue, each embedded in a realistic line (code, config,
.env, curl, JSON, prose) inside a short prompt. Benign text is the Python standard
library's own source (tests excluded) plus near misses: UUIDs, git SHAs, lockfile and
image hashes, base64 images, ``sk-`` in prose, and placeholders (``<your-api-key>``,
``${DB_PASSWORD}``, ``AKIA...EXAMPLE``).

A secret counts as found when a finding of its entity type covers all of it. Prints
a Markdown table: recall per type, false positives per 10,000 benign lines, and scan
throughput on one core.

    python -m loadtests.eval_secrets                 # about 3 seconds
    python -m loadtests.eval_secrets --per-type 100  # quicker
"""

from __future__ import annotations

import argparse
import base64
import codecs
import json
import random
import string
import sysconfig
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from detectors.base import Finding
from detectors.secrets import SecretsDetector

SEED = 20_240_611
PER_TYPE = 500
SKIP_DIRS = frozenset({"test", "tests", "idle_test", "site-packages", "dist-packages", "__pycache__"})

B62 = string.ascii_letters + string.digits
B64 = B62 + "+/"
B64URL = B62 + "-_"
HEX = "0123456789abcdef"
UPPER_DIGITS = string.ascii_uppercase + string.digits
DIGITS = string.digits
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
PW_SYMBOLS = "!@#$%^&*_-+=?~"

Gen = Callable[[random.Random], str]


@dataclass(frozen=True, slots=True)
class Sample:
    entity_type: str
    text: str
    start: int  # the secret's span in text
    end: int


def rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64url_json(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


# --- Secrets, in the shapes providers issue -----------------------------------------


def password(rng: random.Random) -> str:
    """Generated (random, with a digit) or human (Word + digits + symbol); starts alphanumeric,
    as bare YAML and .env values must (a leading ! * & % @ $ would be YAML syntax or expanded)."""
    if rng.random() < 0.6:
        body = rand(rng, B62 + PW_SYMBOLS * 2, rng.randint(9, 23))
        return rng.choice(B62) + body + rng.choice(string.digits)
    word = rng.choice(["Summer", "Falcon", "Orange", "Winter", "Dragon", "Monkey", "Bristol", "Galaxy"])
    return word + str(rng.randint(1, 9999)) + rng.choice("!#$%*?")


def jwt(rng: random.Random) -> str:
    alg, sig_len = rng.choice([("HS256", 43), ("RS256", 342), ("ES256", 86), ("HS512", 86)])
    header: dict[str, str] = {"alg": alg, "typ": "JWT"}
    if rng.random() < 0.5:
        header["kid"] = rand(rng, B64URL, 16)
    now = rng.randint(1_600_000_000, 1_800_000_000)
    claims = {"sub": str(rng.randint(1, 10**9)), "iat": now, "exp": now + 3600, "scope": "read write"}
    return f"{b64url_json(header)}.{b64url_json(claims)}.{rand(rng, B64URL, sig_len)}"


def pem(rng: random.Random, newline: str = "\n", truncated: bool = False) -> str:
    kind = rng.choice(["RSA ", "", "EC ", "OPENSSH ", "ENCRYPTED ", "DSA ", "PGP "])
    label = f"{kind}PRIVATE KEY" + (" BLOCK" if kind == "PGP " else "")
    lines = [f"-----BEGIN {label}-----"] + (["Version: GnuPG v2", ""] if kind == "PGP " else [])
    lines += [rand(rng, B64, 64) for _ in range(rng.randint(3, 25))] + [rand(rng, B64, rng.randint(8, 63))]
    return newline.join(lines if truncated else [*lines, f"-----END {label}-----"])


def slack_webhook(rng: random.Random) -> str:
    parts = ["T" + rand(rng, UPPER_DIGITS, 8), "B" + rand(rng, UPPER_DIGITS, 10), rand(rng, B62, 24)]
    return "https://hooks.slack.com/services/" + "/".join(parts)


def cask(rng: random.Random) -> str:
    """Microsoft's 84-character common annotated key (new Azure AI services keys)."""
    tail = rng.choice("ABCDEFGHIJKL") + rand(rng, B62, 16) + rng.choice(string.ascii_letters) + rand(rng, B62, 7)
    return rand(rng, B62, 52) + "JQQJ9" + rng.choice("9DH") + rand(rng, B62, 1) + tail


def generic_token(rng: random.Random) -> str:
    """Base62, hex (32, 40 or 64), base64url, or base64 of 32 bytes: the shapes of most API keys."""
    shapes = [(B62, rng.randint(24, 48), ""), (HEX, rng.choice([32, 40, 64]), ""), (B64URL, rng.randint(22, 43), "")]
    alphabet, n, pad = rng.choice([*shapes, (B64, 43, "=")])
    return rand(rng, alphabet, n) + pad


def sections(block: str) -> dict[str, list[str]]:
    """``[name]`` headers, then one template a line, with Python escapes (\\n is a newline)."""
    out: dict[str, list[str]] = {}
    for line in block.strip().splitlines():
        if line.startswith("["):
            current = out.setdefault(line.strip("[]"), [])
        else:
            current.append(codecs.decode(line, "unicode_escape"))
    return out


# "{s}" is the secret; {NAME} the entity type, {user} and {akia} are filled in at random.
LINES = sections(r"""
[keys]
{NAME}={s}
api_key = "{s}"
export {NAME}='{s}'
Authorization: Bearer {s}
  token: {s}
the key {s} stopped working today
{"key": "{s}", "org": "acme"}
client = Client('{s}')
[aws_secret]
aws_secret_access_key = {s}
AWS_SECRET_ACCESS_KEY={s}
  "SecretAccessKey": "{s}",
export AWS_SECRET_ACCESS_KEY="{s}"
Access key ID,Secret access key\n{akia},{s}
aws configure set aws_secret_access_key {s}
the aws secret is {s} (rotate it)
  secret_access_key: {s}
[slack_webhook]
SLACK_WEBHOOK_URL={s}
curl -X POST -H 'Content-type: application/json' --data '{"text":"hi"}' {s}
webhook_url: "{s}"
post alerts to {s} when the job fails
[azure_storage]
DefaultEndpointsProtocol=https;AccountName=st{user};AccountKey={s};EndpointSuffix=core.windows.net
Endpoint=sb://{user}.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey={s}
[azure_openai]
AZURE_OPENAI_API_KEY={s}
client = AzureOpenAI(api_key="{s}", api_version="2024-06-01")
curl https://{user}.openai.azure.com/openai/deployments/gpt4o/chat/completions -H "api-key: {s}"
Ocp-Apim-Subscription-Key: {s}
azure_key = "{s}"
[pem]
Here's the deploy key:\n{s}\nssh says invalid format
```\n{s}\n```
KEY = '''{s}\n'''
{s}\r\n
[pem_json]
{"type": "service_account", "private_key": "{s}\\n", "client_id": "1"}
[jwt]
Authorization: Bearer {s}
token = "{s}"
Cookie: session={s}; path=/
https://app.io/cb#id_token={s}&state=af0ifjsldkj
I got this JWT back: {s} - is it expired?
[password]
password = "{s}"
DB_PASSWORD={s}
  "password": "{s}",
  password: {s}
pwd='{s}'
<password>{s}</password>
my password is {s}
mysql -u root --password={s} shop
PGPASSWORD={s} psql -h db -U app
spring.datasource.password={s}
ftp_pass = '{s}'
db.connect(user="app", password="{s}")
MYSQL_ROOT_PASSWORD: {s}
[url]
DATABASE_URL=postgres://{user}:{s}@db.internal:5432/app
mongodb+srv://{user}:{s}@cluster0.ab1cd.mongodb.net/?retryWrites=true
redis://:{s}@cache:6379/0
amqp://{user}:{s}@rabbit:5672/vhost
engine = create_engine("mysql+pymysql://{user}:{s}@localhost/shop")
[ado]
Server=tcp:{user}.database.windows.net,1433;Initial Catalog=db;User ID={user};Password={s};Encrypt=True;
Data Source=SQL01;Initial Catalog=Sales;User Id=sa;Pwd={s};
jdbc:sqlserver://db:1433;databaseName=app;user=sa;password={s};
[generic]
API_KEY={s}
api_key = "{s}"
  "client_secret": "{s}",
Authorization: Bearer {s}
curl -H "X-API-Key: {s}" https://api.acme.io/v2/items
SECRET_KEY = "{s}"
auth_token: {s}
https://api.acme.io/v1/data?access_token={s}&limit=10
export SENTRY_AUTH_TOKEN={s}
webhook signing secret {s}
credentials: {s}
[heads]
Can you help me debug this config?\n
Why does this return 401?\n\n
Refactor this please:\n
Here is my .env file:\nDEBUG=true\nLOG_LEVEL=info\n
# settings for staging\n
Error in prod:\n>\x20
[placeholders]
OPENAI_API_KEY=sk-...
api_key = "<your-api-key>"
password = "****"
DB_PASSWORD=${DB_PASSWORD}
token: xxxxxxxxxxxxxxxxxxxxxxxx
password: changeme
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
postgres://user:password@localhost/db
Authorization: Bearer <token>
secret_key = os.environ["SECRET_KEY"]
-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----
password = getpass.getpass("Password: ")
if password is None:
[tails]
\nThanks!
\nWhat am I doing wrong?
\n# TODO: move to vault
\n\nIt worked yesterday.
""")
USERS = ["app", "admin", "svc_etl", "root", "analytics", "deploy"]
# Each type: (secret generator, the template section it is embedded with).
SPECS: dict[str, list[tuple[Gen, str]]] = {
    "OPENAI_API_KEY": [
        (lambda r: "sk-" + rand(r, B62, 48), "keys"),
        (lambda r: "sk-proj-" + rand(r, B64URL, 74) + "T3BlbkFJ" + rand(r, B64URL, 74), "keys"),
        (lambda r: "sk-svcacct-" + rand(r, B64URL, 64) + "T3BlbkFJ" + rand(r, B64URL, 64), "keys"),
    ],
    "ANTHROPIC_API_KEY": [
        (lambda r: "sk-ant-api03-" + rand(r, B64URL, 93) + "AA", "keys"),
        (lambda r: "sk-ant-admin01-" + rand(r, B64URL, 93) + "AA", "keys"),
    ],
    "AWS_ACCESS_KEY_ID": [(lambda r: r.choice(["AKIA", "ASIA"]) + rand(r, BASE32, 16), "keys")],
    "AWS_SECRET_ACCESS_KEY": [(lambda r: rand(r, B64, 40), "aws_secret")],
    "GITHUB_TOKEN": [
        (lambda r: r.choice(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) + rand(r, B62, 36), "keys"),
        (lambda r: "github_pat_" + rand(r, B62, 22) + "_" + rand(r, B62, 59), "keys"),
    ],
    "GITLAB_TOKEN": [(lambda r: r.choice(["glpat-", "gldt-", "glrt-"]) + rand(r, B64URL, 20), "keys")],
    "SLACK_TOKEN": [
        (lambda r: f"xoxb-{rand(r, DIGITS, 12)}-{rand(r, DIGITS, 13)}-{rand(r, B62, 24)}", "keys"),
        (lambda r: f"xoxp-{rand(r, DIGITS, 11)}-{rand(r, DIGITS, 12)}-{rand(r, HEX, 32)}", "keys"),
        (lambda r: f"xapp-1-A{rand(r, UPPER_DIGITS, 10)}-{rand(r, DIGITS, 13)}-{rand(r, HEX, 64)}", "keys"),
    ],
    "SLACK_WEBHOOK": [(slack_webhook, "slack_webhook")],
    "STRIPE_KEY": [
        (lambda r: r.choice(["sk_live_", "rk_live_", "sk_test_"]) + rand(r, B62, r.choice([24, 99])), "keys"),
        (lambda r: "whsec_" + rand(r, B62, 32), "keys"),
    ],
    "GOOGLE_API_KEY": [(lambda r: "AIza" + rand(r, B64URL, 35), "keys")],
    "AZURE_KEY": [
        (lambda r: base64.b64encode(r.randbytes(r.choice([32, 64]))).decode(), "azure_storage"),
        (lambda r: rand(r, HEX, 32), "azure_openai"),
        (cask, "azure_openai"),
    ],
    "PRIVATE_KEY": [
        (pem, "pem"),
        (lambda r: pem(r, "\r\n"), "pem"),
        (lambda r: pem(r, truncated=True), "pem"),
        (lambda r: pem(r, "\\n"), "pem_json"),
    ],
    "JWT": [(jwt, "jwt")],
    "PASSWORD": [(password, "password")],
    "CONNECTION_STRING_PASSWORD": [(lambda r: urllib.parse.quote(password(r), safe=""), "url"), (password, "ado")],
    "GENERIC_SECRET": [(generic_token, "generic")],
}


def make_sample(rng: random.Random, entity_type: str) -> Sample:
    generate, section = rng.choice(SPECS[entity_type])
    secret = generate(rng)
    line = rng.choice(LINES[section]).replace("{NAME}", entity_type).replace("{user}", rng.choice(USERS))
    before, after = line.replace("{akia}", "AKIA" + rand(rng, BASE32, 16)).split("{s}")
    head = rng.choice([*LINES["heads"], ""]) + before
    text = head + secret + after + rng.choice([*LINES["tails"], ""])
    return Sample(entity_type, text, len(head), len(head) + len(secret))


def secret_corpus(per_type: int = PER_TYPE, seed: int = SEED) -> list[Sample]:
    rng = random.Random(seed)
    return [make_sample(rng, entity_type) for entity_type in SPECS for _ in range(per_type)]


# --- Benign text --------------------------------------------------------------------


def stdlib_sources() -> Iterator[tuple[Path, str]]:
    """The standard library's .py files, without its test suites and installed packages."""
    root = Path(sysconfig.get_paths()["stdlib"])
    for path in sorted(root.rglob("*.py")):
        if not SKIP_DIRS.intersection(path.relative_to(root).parts):
            yield path, path.read_text(encoding="utf-8", errors="replace")


def near_misses(n: int = 5000, seed: int = SEED) -> list[str]:
    """Lines that look like secrets and are not: ids, hashes, images, prose, placeholders."""
    rng = random.Random(seed + 1)
    placeholders = LINES["placeholders"]
    makers: list[Callable[[], str]] = [
        lambda: f"request_id={uuid.UUID(int=rng.getrandbits(128))} status=200",
        lambda: f"commit {rand(rng, HEX, 40)}\nMerge: {rand(rng, HEX, 7)} {rand(rng, HEX, 7)}",
        lambda: f'  "integrity": "sha512-{base64.b64encode(rng.randbytes(64)).decode()}",',
        lambda: f"requests==2.31.0 --hash=sha256:{rand(rng, HEX, 64)} \\",
        lambda: f'"hash": "sha256:{rand(rng, HEX, 64)}", "version": "1.2.3"',
        lambda: f"FROM python@sha256:{rand(rng, HEX, 64)}",
        lambda: f'<img src="data:image/png;base64,{base64.b64encode(rng.randbytes(600)).decode()}">',
        lambda: f"md5 {rand(rng, HEX, 32)}  dist/app.tar.gz",
        lambda: f"https://docs.google.com/document/d/{rand(rng, B64URL, 44)}/edit",
        lambda: "We use sk-learn (scikit-learn) and the task-sk-12 ticket for this.",
        lambda: rng.choice(placeholders),
    ]
    return [rng.choice(makers)() for _ in range(n)]


# --- Scoring ------------------------------------------------------------------------


@dataclass
class Timer:
    chars: int = 0
    seconds: float = 0.0
    scans: int = 0

    def scan(self, detector: SecretsDetector, text: str) -> list[Finding]:
        start = time.perf_counter()
        findings = detector.detect(text)
        self.seconds += time.perf_counter() - start
        self.chars += len(text.encode())
        self.scans += 1
        return findings

    def row(self) -> str:
        return f"{self.chars / 1e6 / self.seconds:.1f} | {self.seconds / self.scans * 1e6:.0f} |"


def found(sample: Sample, findings: Sequence[Finding]) -> bool:
    """Covered by a finding of its type; a generic secret by any type (a more specific label is fine)."""
    generic = sample.entity_type == "GENERIC_SECRET"
    return any(
        (generic or f.entity_type == sample.entity_type) and f.start <= sample.start and f.end >= sample.end
        for f in findings
    )


def recall_table(detector: SecretsDetector, samples: list[Sample], timer: Timer) -> list[str]:
    counts: dict[str, list[int]] = {}  # samples, found, exact span
    for sample in samples:
        findings = timer.scan(detector, sample.text)
        row = counts.setdefault(sample.entity_type, [0, 0, 0])
        row[0] += 1
        row[1] += found(sample, findings)
        row[2] += any((f.start, f.end) == (sample.start, sample.end) for f in findings)
    out = ["| Entity type | Samples | Recall | Exact span |", "|---|---:|---:|---:|"]
    return out + [f"| {t} | {n} | {ok / n:.3f} | {exact / n:.3f} |" for t, (n, ok, exact) in counts.items()]


def benign_rows(detector: SecretsDetector, seed: int) -> list[str]:
    stdlib, near = Timer(), Timer()
    stdlib_lines = stdlib_fp = 0
    for _, text in stdlib_sources():
        stdlib_lines += len(text.splitlines())
        stdlib_fp += len(stdlib.scan(detector, text))
    lines = near_misses(seed=seed)
    near_fp = sum(len(near.scan(detector, "\n".join(lines[i : i + 50]))) for i in range(0, len(lines), 50))
    rows = [
        ("stdlib source, tests excluded (one file per scan)", stdlib_lines, stdlib_fp, stdlib),
        ("near misses: ids, hashes, placeholders (50 lines per scan)", len(lines), near_fp, near),
    ]
    return [f"| {name} | {n} | {fps} | {fps * 10_000 / n:.2f} | {timer.row()}" for name, n, fps, timer in rows]


def evaluate(per_type: int = PER_TYPE, seed: int = SEED) -> str:
    detector, timer = SecretsDetector(), Timer()
    samples = secret_corpus(per_type, seed)
    out = recall_table(detector, samples, timer)
    out += [
        "",
        "| Corpus | Lines | Findings | FP per 10k lines | MB/s | us per scan |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    out += benign_rows(detector, seed)
    out.append(f"| secrets corpus (one short prompt per scan) | {len(samples)} | - | - | {timer.row()}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-type", type=int, default=PER_TYPE, help="synthetic secrets per entity type")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    print(evaluate(args.per_type, args.seed))


if __name__ == "__main__":
    main()
