//! The dispatcher benchmark: queue emails, start the server with an SMTP sink as its
//! relay, and time the drain while sampling the server's memory.
use std::time::{Duration, Instant};

use cxc_persistence::repositories::Store;

use crate::{
    report::Dispatch,
    server::{Launch, Server, memory_of},
    smtp::Sink,
};

/// # Errors
/// When the queue cannot be filled or the server does not start.
pub async fn run<'a>(
    store: &Store,
    emails: usize,
    launch: &impl Fn(Option<&'static str>) -> Launch<'a>,
) -> anyhow::Result<Dispatch> {
    let pending = crate::volume::queue_emails(store, emails).await?;
    let sink = Sink::start().await?;
    // The URL must outlive the launch description; a one-off leak in a benchmark binary.
    let url: &'static str = Box::leak(format!("smtp://{}", sink.addr).into_boxed_str());
    eprintln!("== dispatcher: draining {pending} queued emails into {url}");
    let server = Server::start(&launch(Some(url))).await?;
    let started = Instant::now();
    let (mut lo, mut hi) = (f64::MAX, 0.0f64);
    let limit = Duration::from_secs(60 + pending / 100);
    while sink.received() < pending && started.elapsed() < limit {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let (rss, _) = memory_of(server.pid());
        if rss > 0.0 {
            lo = lo.min(rss);
            hi = hi.max(rss);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let hwm = server.memory().1;
    let messages = sink.received();
    server.stop();
    eprintln!("   {messages} messages in {secs:.1} s");
    Ok(Dispatch {
        messages,
        secs,
        rss_min: if lo == f64::MAX { 0.0 } else { lo },
        rss_max: hi,
        hwm,
    })
}
