"""The benchmark's report: Markdown tables of the results, and the generated sections of RESULTS.md."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

import aiohttp

from loadtests.bench_plan import CONCURRENCY, ROOT, Plan
from loadtests.bench_stats import Results, percentile, round_ratio

RESULTS_PATH = ROOT / "loadtests" / "RESULTS.md"
# RESULTS.md keeps one generated section per mode (pinned or not), between these markers.
MARKS = {False: "bench-results", True: "bench-results-pinned"}
TARGET_ADDED_P50_MS = 1.0
TARGET_THROUGHPUT_RATIO = 0.70
# Report rows in this order; the headline target in bold.
LABELS = {
    "direct": "direct to mock",
    "baseline": "baseline proxy",
    "gateway": "**gateway, log info**",
    "gateway_warn": "gateway, log warning",
}
STREAM_TARGETS = ("direct", "baseline", "gateway")


def machine() -> dict[str, str]:
    """Facts about the machine and the moment, taken before the run so the load average is the idle one."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "aiohttp": aiohttp.__version__,
        "uvloop": version("uvloop"),
        "os": f"{platform.system()} {platform.release()}",
        "load": load,
    }


def _ms(x: float) -> str:
    return f"{x:.3f}"


def _signed(x: float) -> str:
    return f"{x:+.3f}"


def _yes(ok: bool) -> str:
    return "**yes**" if ok else "**no**"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _cpu_per_request(cpu_s: float, requests: int) -> str:
    return f"{cpu_s / requests * 1e6:.0f} µs"


def _header(results: Results, plan: Plan, info: dict[str, str], command: str) -> list[str]:
    # The two trailing spaces are Markdown line breaks.
    if plan.pin:
        placement = "Pinned: this client and the mock providers on CPU 0; the proxy under test on CPU 1."
    else:
        placement = "Client, mock provider and proxies share those CPUs (no pinning)."
    return [
        f"Run: {info['date']}, `{command}`, {results.elapsed_s:.0f} s in all.  ",
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['os']}, Python {info['python']}, "
        f"aiohttp {info['aiohttp']}, uvloop {info['uvloop']}; load average before the run {info['load']}; "
        f"CPU steal during the run {results.steal_pct:.1f}%.  ",
        f"{placement} The gateway at log level info wrote {results.log_lines} request log lines (JSON, to a file).",
        "",
    ]


def _latency_table(results: Results, plan: Plan, names: Sequence[str]) -> list[str]:
    lat = results.latency
    direct = lat["direct"]
    out = [
        f"### c=1, non-streaming: latency (ms), {plan.latency_requests} requests per target",
        "",
        "| target | p50 | p90 | p99 | mean | added p50 | added p90 | added p99 | proxy CPU per request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in names:
        r = lat[name]
        added, cpu = ["", "", ""], ""
        if name != "direct":
            added = [_signed(r.p(q) - direct.p(q)) for q in (50, 90, 99)]
            cpu = _cpu_per_request(r.cpu_s, len(r.samples))
        out.append(_row([LABELS[name], _ms(r.p(50)), _ms(r.p(90)), _ms(r.p(99)), _ms(r.mean()), *added, cpu]))
    out += ["", "Added = that target's percentile minus the same percentile direct to the mock.", ""]
    return out


def _throughput_table(results: Results, plan: Plan, names: Sequence[str]) -> list[str]:
    thr = results.throughput
    base = thr["baseline"]
    out = [
        f"### c={CONCURRENCY}, non-streaming: throughput, "
        f"{plan.throughput_rounds} rounds x {plan.throughput_burst} requests per target",
        "",
        "| target | req/s | vs baseline | vs baseline, median of rounds | slowest-fastest round "
        "| p50 ms | p99 ms | proxy CPU per request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in names:
        tr = thr[name]
        spread = f"{min(tr.round_rates):.0f}-{max(tr.round_rates):.0f}"
        vs_base = vs_rounds = cpu = ""
        if name != "direct":
            vs_base = f"{tr.rate / base.rate:.0%}"
            vs_rounds = f"{round_ratio(tr, base):.0%}"
            cpu = _cpu_per_request(tr.cpu_s, tr.requests)
        p50, p99 = percentile(tr.latencies, 50) * 1000, percentile(tr.latencies, 99) * 1000
        out.append(_row([LABELS[name], f"{tr.rate:.0f}", vs_base, vs_rounds, spread, _ms(p50), _ms(p99), cpu]))
    out += [
        "",
        "vs baseline: all requests over all rounds; median of rounds: the median, over the rounds, of the "
        "ratio within one round (robust to a noisy moment). Proxy CPU per request: user+system CPU time of "
        "that proxy process over the phase (/proc/PID/stat) divided by the requests it served.",
        "",
    ]
    return out


def _stream_table(results: Results, plan: Plan) -> list[str]:
    st = results.stream
    direct_t50, direct_t90 = (percentile(st["direct"].ttfb, q) * 1000 for q in (50, 90))
    out = [
        f"### Streaming, c=1: time to first byte (first SSE event), {plan.stream_requests} streams per target "
        "(mock: ttft 20 ms, 2 ms between chunks, 50 words)",
        "",
        "| target | TTFT p50 ms | TTFT p90 ms | added p50 | added p90 | whole stream p50 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in STREAM_TARGETS:
        sr = st[name]
        t50, t90 = percentile(sr.ttfb, 50) * 1000, percentile(sr.ttfb, 90) * 1000
        added = ["", ""] if name == "direct" else [_signed(t50 - direct_t50), _signed(t90 - direct_t90)]
        whole = percentile(sr.total, 50) * 1000
        out.append(_row([LABELS[name], _ms(t50), _ms(t90), *added, _ms(whole)]))
    out.append("")
    return out


def _targets_table(results: Results) -> list[str]:
    base, gateway = results.throughput["baseline"], results.throughput["gateway"]
    added_p50 = results.latency["gateway"].p(50) - results.latency["direct"].p(50)
    ratio = gateway.rate / base.rate
    cpu_ratio = (base.cpu_s / base.requests) / (gateway.cpu_s / gateway.requests)
    return [
        "### Targets (gateway at log level info)",
        "",
        "| target | measured | met |",
        "|---|---:|---|",
        f"| added latency p50 at c=1 <= {TARGET_ADDED_P50_MS:g} ms | {added_p50:.3f} ms "
        f"| {_yes(added_p50 <= TARGET_ADDED_P50_MS)} |",
        f"| throughput at c={CONCURRENCY} >= {TARGET_THROUGHPUT_RATIO:.0%} of the baseline proxy | "
        f"{ratio:.0%} ({gateway.rate:.0f} vs {base.rate:.0f} req/s; median of rounds "
        f"{round_ratio(gateway, base):.0%}) | {_yes(ratio >= TARGET_THROUGHPUT_RATIO)} |",
        "",
        f"CPU cost per request, baseline/gateway: {cpu_ratio:.0%}. That is the throughput share the gateway "
        "would get where its own CPU is the only limit (clients and provider on other machines).",
    ]


def render(results: Results, plan: Plan, info: dict[str, str], command: str) -> str:
    names = [n for n in LABELS if n in results.latency]
    out = [
        *_header(results, plan, info, command),
        *_latency_table(results, plan, names),
        *_throughput_table(results, plan, names),
        *_stream_table(results, plan),
        *_targets_table(results),
    ]
    return "\n".join(out) + "\n"


def write_results(section: str, pinned: bool, path: Path = RESULTS_PATH) -> None:
    """Replace the generated section for this mode (appended if the file has none yet)."""
    begin, end_mark = f"<!-- {MARKS[pinned]}:begin -->", f"<!-- {MARKS[pinned]}:end -->"
    block = f"{begin}\n{section}{end_mark}\n"
    text = path.read_text() if path.exists() else "# Gateway overhead\n\n"
    start, end = text.find(begin), text.find(end_mark)
    if start != -1 and end > start:
        rest = text[end + len(end_mark) :].lstrip("\n")
        text = text[:start] + block + ("\n" + rest if rest else "")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text)
