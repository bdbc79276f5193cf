//! An SMTP sink on 127.0.0.1 that accepts every message and only counts them (constant
//! memory however many arrive), for the dispatcher benchmark.
use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

#[derive(Clone)]
pub struct Sink {
    pub addr: SocketAddr,
    received: Arc<AtomicU64>,
}

impl Sink {
    /// # Errors
    /// When no port can be bound.
    pub async fn start() -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let received = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&received);
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                tokio::spawn(session(sock, Arc::clone(&counter)));
            }
        });
        Ok(Self { addr, received })
    }

    #[must_use]
    pub fn received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }
}

async fn session(sock: TcpStream, received: Arc<AtomicU64>) -> std::io::Result<()> {
    let (r, mut w) = sock.into_split();
    let mut r = BufReader::new(r);
    w.write_all(b"220 bench-sink ESMTP\r\n").await?;
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => {
                w.write_all(b"250-bench-sink\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
                    .await?
            }
            "DATA" => {
                w.write_all(b"354 go ahead\r\n").await?;
                loop {
                    line.clear();
                    if r.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                }
                received.fetch_add(1, Ordering::Relaxed);
                w.write_all(b"250 queued\r\n").await?;
            }
            "QUIT" => {
                w.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => w.write_all(b"250 ok\r\n").await?,
        }
    }
}
