//! A real SMTP server on 127.0.0.1 for the tests: it speaks SMTP over TCP to lettre,
//! keeps what it receives, and can be told to refuse (5xx), defer (4xx) or go down.
use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
    sync::watch,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Accept,
    /// `550` to every recipient.
    Reject,
    /// `451` to every recipient.
    Defer,
}

#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub data: String,
}

impl Received {
    /// A header's value, unfolded (RFC 5322 §2.2.3: a CRLF before whitespace is removed).
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        // The catcher stores lines joined with "\n".
        let head = self.data.split("\n\n").next().unwrap_or_default();
        head.replace("\n ", " ")
            .replace("\n\t", "\t")
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
    }
}

#[derive(Clone)]
pub struct SmtpServer {
    pub addr: SocketAddr,
    pub inbox: Arc<Mutex<Vec<Received>>>,
    mode: Arc<Mutex<Mode>>,
    stop: watch::Sender<bool>,
}

impl SmtpServer {
    pub async fn start() -> Self {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Binds `addr` (retrying for a while: a server just shut down on it may still be
    /// letting go of the port).
    pub async fn start_on(addr: SocketAddr) -> Self {
        let mut tries = 0;
        let listener = loop {
            match TcpListener::bind(addr).await {
                Ok(l) => break l,
                Err(_) if tries < 50 => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                Err(e) => panic!("bind smtp {addr}: {e}"),
            }
        };
        let addr = listener.local_addr().expect("smtp addr");
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let mode = Arc::new(Mutex::new(Mode::Accept));
        let (stop, mut stop_rx) = watch::channel(false);
        let (inbox2, mode2) = (Arc::clone(&inbox), Arc::clone(&mode));
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    r = listener.accept() => {
                        let Ok((sock, _)) = r else { return };
                        let (inbox, mode, stop_rx) = (Arc::clone(&inbox2), Arc::clone(&mode2), stop_rx.clone());
                        tokio::spawn(session(sock, inbox, mode, stop_rx));
                    }
                    _ = stop_rx.changed() => return,
                }
            }
        });
        Self {
            addr,
            inbox,
            mode,
            stop,
        }
    }

    pub fn set_mode(&self, m: Mode) {
        *self.mode.lock().expect("mode") = m;
    }

    /// Stops listening and drops every open connection.
    pub fn shutdown(&self) {
        let _ = self.stop.send(true);
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().expect("inbox").clone()
    }
}

async fn session(
    sock: TcpStream,
    inbox: Arc<Mutex<Vec<Received>>>,
    mode: Arc<Mutex<Mode>>,
    mut stop: watch::Receiver<bool>,
) {
    let (r, mut w) = sock.into_split();
    let mut lines = BufReader::new(r).lines();
    let _ = w.write_all(b"220 test-smtp ESMTP ready\r\n").await;
    let mut rcpt = Vec::new();
    loop {
        let line = tokio::select! {
            l = lines.next_line() => match l { Ok(Some(l)) => l, _ => return },
            _ = stop.changed() => return,
        };
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-test-smtp\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            b"250 OK\r\n"
        } else if upper.starts_with("MAIL FROM") {
            rcpt.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO") {
            let m = *mode.lock().expect("mode");
            match m {
                Mode::Accept => {
                    let addr = line[8..]
                        .trim()
                        .trim_start_matches(':')
                        .trim()
                        .trim_matches(['<', '>'])
                        .to_owned();
                    rcpt.push(addr);
                    b"250 OK\r\n"
                }
                Mode::Reject => b"550 5.1.1 no such user\r\n",
                Mode::Defer => b"451 4.3.0 try again later\r\n",
            }
        } else if upper.starts_with("DATA") {
            let _ = w.write_all(b"354 end with .\r\n").await;
            let mut data = String::new();
            loop {
                match lines.next_line().await {
                    Ok(Some(l)) if l == "." => break,
                    Ok(Some(l)) => {
                        data.push_str(
                            l.strip_prefix('.')
                                .filter(|_| l.starts_with(".."))
                                .unwrap_or(&l),
                        );
                        data.push('\n');
                    }
                    _ => return,
                }
            }
            inbox.lock().expect("inbox").push(Received {
                to: std::mem::take(&mut rcpt),
                data,
            });
            b"250 OK queued\r\n"
        } else if upper.starts_with("RSET") {
            rcpt.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("QUIT") {
            let _ = w.write_all(b"221 bye\r\n").await;
            return;
        } else {
            b"502 command not implemented\r\n"
        };
        if w.write_all(reply).await.is_err() {
            return;
        }
    }
}
