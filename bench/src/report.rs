//! The results: one Markdown table per backend (pastes straight into
//! docs/benchmarks.md), then memory, start-up, scale and dispatcher figures.
use std::fmt::Write as _;

use crate::{
    scenarios::{Ceiling, Scenario},
    wrk::Raw,
};

pub struct Row {
    pub name: String,
    /// Operations per second (requests ÷ requests per operation).
    pub ops: f64,
    pub rps: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub errors: u64,
    pub ceiling: Ceiling,
    /// The ceiling measured next to this row, when the run's first one is stale.
    pub base: Option<f64>,
    pub note: String,
}

impl Row {
    #[must_use]
    pub fn from_raw(s: &Scenario, r: &Raw) -> Self {
        let secs = (r.duration_us as f64 / 1e6).max(1e-9);
        let unexpected: u64 = r
            .status
            .iter()
            .filter(|(k, _)| !s.expected.iter().any(|e| e.to_string() == **k))
            .map(|(_, v)| *v)
            .sum();
        let mut note: Vec<String> = r.status.iter().map(|(k, v)| format!("{k}×{v}")).collect();
        note.sort();
        Self {
            name: s.name.clone(),
            rps: r.requests as f64 / secs,
            ops: r.requests as f64 / secs / s.per_op as f64,
            p50: r.p50 as f64 / 1000.0,
            p95: r.p95 as f64 / 1000.0,
            p99: r.p99 as f64 / 1000.0,
            errors: unexpected + r.socket_errors,
            ceiling: s.ceiling,
            base: None,
            note: note.join(" "),
        }
    }
}

#[derive(Default)]
pub struct Dispatch {
    pub messages: u64,
    pub secs: f64,
    pub rss_min: f64,
    pub rss_max: f64,
    pub hwm: f64,
}

#[derive(Default)]
pub struct Report {
    pub backend: String,
    pub rows: Vec<Row>,
    pub constant_rps: f64,
    pub insert_tps: f64,
    pub idle_mb: f64,
    pub peak_mb: f64,
    pub startup_empty_ms: f64,
    pub startup_existing_ms: f64,
    pub large_rows: u64,
    pub dispatch: Option<Dispatch>,
    pub notes: Vec<String>,
}

impl Report {
    fn ratio(&self, r: &Row) -> String {
        let base = match r.ceiling {
            Ceiling::Constant => r.base.unwrap_or(self.constant_rps),
            Ceiling::Insert => self.insert_tps,
            Ceiling::None => return "—".into(),
        };
        if base > 0.0 {
            format!(
                "{:.0} % of {}",
                100.0 * r.ops / base,
                if r.ceiling == Ceiling::Constant {
                    "constant"
                } else {
                    "insert"
                }
            )
        } else {
            "n/a".into()
        }
    }

    #[must_use]
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "\n### {}\n", self.backend);
        let _ = writeln!(
            s,
            "| scenario | ops/s | req/s | p50 ms | p95 ms | p99 ms | errors | ratio to ceiling | statuses |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---|---|");
        for r in &self.rows {
            let _ = writeln!(
                s,
                "| {} | {:.0} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {} | {} |",
                r.name,
                r.ops,
                r.rps,
                r.p50,
                r.p95,
                r.p99,
                r.errors,
                self.ratio(r),
                r.note
            );
        }
        let _ = writeln!(
            s,
            "| raw insert transactions (ceiling) | {:.0} | — | — | — | — | 0 | — | |",
            self.insert_tps
        );
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "- server memory: idle {:.1} MiB, peak under load (VmHWM) {:.1} MiB",
            self.idle_mb, self.peak_mb
        );
        let _ = writeln!(
            s,
            "- start-up to serving: {:.0} ms on a fresh database (migrations), {:.0} ms on the existing one ({} applications)",
            self.startup_empty_ms, self.startup_existing_ms, self.large_rows
        );
        if let Some(d) = &self.dispatch {
            let _ = writeln!(
                s,
                "- dispatcher: {} messages in {:.1} s = {:.0} messages/s; RSS during the drain {:.1}–{:.1} MiB (VmHWM {:.1})",
                d.messages,
                d.secs,
                d.messages as f64 / d.secs.max(1e-9),
                d.rss_min,
                d.rss_max,
                d.hwm
            );
        }
        for n in &self.notes {
            let _ = writeln!(s, "- {n}");
        }
        s
    }
}
