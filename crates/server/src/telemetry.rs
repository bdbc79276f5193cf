//! Structured logs: readable in development, JSON in production. Request ids come from
//! the request span, so every line of a request carries it.
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::settings::TelemetrySettings;

/// Installs the global subscriber once; later calls (tests) are ignored.
pub fn init(s: &TelemetrySettings) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&s.filter));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = if s.format == "json" {
        registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init()
    } else {
        // Colours only on a terminal: piped or captured logs stay plain text.
        let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
        registry
            .with(fmt::layer().compact().with_ansi(ansi))
            .try_init()
    };
}
