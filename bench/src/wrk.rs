//! Load generation with `wrk` (Debian package): one Lua script per scenario, written
//! here with its data inlined. wrk measures latency with its own histogram; the `done`
//! hook prints the summary, the percentiles and each status's count as one JSON line.
use std::{collections::BTreeMap, path::Path, process::Command, time::Duration};

use anyhow::{Context, bail};
use serde::Deserialize;

/// Shared by every script: per-thread status counts, the `tid` of each thread, and the
/// final summary line.
const PRELUDE: &str = r#"
local threads = {}
local nthreads = 0
function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
  table.insert(threads, thread)
end
counts = {}
i = 0
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if on_response then on_response(status, body) end
end
-- The n-th item of list for this thread: threads walk disjoint items.
function pick(list)
  i = i + 1
  return list[((i - 1) * NTHREADS + tid) % #list + 1]
end
function done(summary, latency, requests)
  local agg = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do agg[k] = (agg[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(agg) do table.insert(parts, string.format('"%d":%d', k, v)) end
  local e = summary.errors
  io.write(string.format('CXC_RESULT {"requests":%d,"duration_us":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d,"socket_errors":%d,"status":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect + e.read + e.write + e.timeout,
    table.concat(parts, ",")))
end
"#;

#[derive(Debug, Clone, Deserialize)]
pub struct Raw {
    pub requests: u64,
    pub duration_us: u64,
    pub p50: u64,
    pub p95: u64,
    pub p99: u64,
    pub socket_errors: u64,
    pub status: BTreeMap<String, u64>,
}

/// How a scenario drives the server.
pub struct Load {
    pub connections: u32,
    pub threads: u32,
    pub duration: Duration,
}

/// A Lua string literal (a long bracket: no escapes to get wrong).
#[must_use]
pub fn lua_str(s: &str) -> String {
    format!("[==[{s}]==]")
}

/// A Lua list of string literals.
#[must_use]
pub fn lua_list<I: IntoIterator<Item = String>>(items: I) -> String {
    let v: Vec<String> = items.into_iter().map(|s| lua_str(&s)).collect();
    format!("{{{}}}", v.join(",\n"))
}

/// Runs wrk with `body` (Lua after the prelude) against `base`.
///
/// # Errors
/// When wrk is missing, fails, or prints no summary.
pub fn run(dir: &Path, name: &str, base: &str, body: &str, load: &Load) -> anyhow::Result<Raw> {
    let script = dir.join(format!("{name}.lua"));
    let threads = load.threads.min(load.connections).max(1);
    std::fs::write(
        &script,
        format!("NTHREADS = {threads}\n{PRELUDE}\n{body}\n"),
    )?;
    let out = Command::new("wrk")
        .arg(format!("-t{threads}"))
        .arg(format!("-c{}", load.connections))
        .arg(format!("-d{}s", load.duration.as_secs().max(1)))
        .arg("--timeout")
        .arg("10s")
        .arg("-s")
        .arg(&script)
        .arg(base)
        .output()
        .context("running wrk (install it: apt-get install wrk; scripts/bench.sh does)")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!(
            "wrk failed for {name}: {}{}",
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("CXC_RESULT "))
        .with_context(|| format!("wrk printed no summary for {name}: {stdout}"))?;
    Ok(serde_json::from_str(line)?)
}
