//! File transport and SMTP error classification against a tiny in-process
//! SMTP server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use cxc_email::{
    BuildError, EmailSettings, Mailer, OutgoingEmail, SendError, TransportKind, build_message,
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

fn message(settings: &EmailSettings) -> lettre::Message {
    let m = OutgoingEmail {
        message_id: "test-1@clusterxchange.eu",
        to_email: "someone@example.com",
        to_name: None,
        subject: "Hello",
        text: "plain",
        html: "<p>html</p>",
        attachments: &[],
        list_unsubscribe_url: None,
        content_language: None,
    };
    build_message(settings, &m).unwrap()
}

fn smtp_settings(addr: SocketAddr) -> EmailSettings {
    EmailSettings {
        transport: TransportKind::Smtp,
        smtp_url: format!("smtp://{addr}").into(),
        timeout_secs: 5,
        ..EmailSettings::default()
    }
}

/// Serves SMTP on a random port, answering `RCPT TO` with `rcpt_reply` and
/// everything else positively. Returns the address and a log of commands.
async fn smtp_server(rcpt_reply: &'static str) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let log2 = Arc::clone(&log);
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let log = Arc::clone(&log2);
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            w.write_all(b"250 2.0.0 queued\r\n").await.unwrap();
                        }
                        continue;
                    }
                    log.lock().unwrap().push(line.clone());
                    let cmd = line.to_ascii_uppercase();
                    let reply: &[u8] = if cmd.starts_with("EHLO") {
                        b"250-test\r\n250 8BITMIME\r\n"
                    } else if cmd.starts_with("RCPT") {
                        rcpt_reply.as_bytes()
                    } else if cmd.starts_with("DATA") {
                        in_data = true;
                        b"354 go ahead\r\n"
                    } else if cmd.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    if w.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (addr, log)
}

#[tokio::test]
async fn smtp_success() {
    let (addr, log) = smtp_server("250 2.1.5 OK\r\n").await;
    let settings = smtp_settings(addr);
    let mailer = Mailer::new(&settings).unwrap();
    assert_eq!(mailer.kind(), TransportKind::Smtp);
    mailer.send(message(&settings)).await.unwrap();
    let log = log.lock().unwrap().clone();
    assert!(
        log.iter()
            .any(|l| l.starts_with("RCPT TO:<someone@example.com>")),
        "{log:?}"
    );
}

#[tokio::test]
async fn smtp_550_is_permanent() {
    let (addr, _) = smtp_server("550 5.1.1 no such user\r\n").await;
    let settings = smtp_settings(addr);
    let mailer = Mailer::new(&settings).unwrap();
    let err = mailer.send(message(&settings)).await.unwrap_err();
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
}

#[tokio::test]
async fn smtp_451_is_transient() {
    let (addr, _) = smtp_server("451 4.3.0 try later\r\n").await;
    let settings = smtp_settings(addr);
    let mailer = Mailer::new(&settings).unwrap();
    let err = mailer.send(message(&settings)).await.unwrap_err();
    assert!(matches!(err, SendError::Transient(_)), "{err:?}");
}

#[tokio::test]
async fn connection_refused_is_transient() {
    // Bind then drop to get a port nobody listens on.
    let addr = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let settings = smtp_settings(addr);
    let mailer = Mailer::new(&settings).unwrap();
    let err = mailer.send(message(&settings)).await.unwrap_err();
    assert!(matches!(err, SendError::Transient(_)), "{err:?}");
}

#[tokio::test]
async fn credentials_override_and_tls_urls_build() {
    for url in [
        "smtp://user:pass@127.0.0.1:2525",
        "smtp://mail.example.com:587?tls=required",
        "smtps://mail.example.com:465",
    ] {
        let settings = EmailSettings {
            transport: TransportKind::Smtp,
            smtp_url: url.into(),
            smtp_username: Some("u".into()),
            smtp_password: Some("p".into()),
            ..EmailSettings::default()
        };
        Mailer::new(&settings).unwrap();
    }
    let bad = EmailSettings {
        transport: TransportKind::Smtp,
        smtp_url: "ftp://example.com".into(),
        ..EmailSettings::default()
    };
    assert!(matches!(Mailer::new(&bad), Err(BuildError::Transport(_))));
}

#[test]
fn smtp_mailer_outside_runtime_is_an_error_not_a_panic() {
    let settings = smtp_settings("127.0.0.1:2525".parse().unwrap());
    assert!(matches!(
        Mailer::new(&settings),
        Err(BuildError::Transport(_))
    ));
}

#[tokio::test]
async fn file_transport_writes_eml() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mail/out");
    let settings = EmailSettings {
        file_dir: dir.clone(),
        ..EmailSettings::default()
    };
    let mailer = Mailer::new(&settings).unwrap();
    assert_eq!(mailer.kind(), TransportKind::File);
    // Removed after start-up: recreated on send.
    std::fs::remove_dir_all(&dir).unwrap();
    mailer.send(message(&settings)).await.unwrap();
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().unwrap(), "eml");
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("Message-ID: <test-1@clusterxchange.eu>"));
    assert!(eml.contains("To: someone@example.com"));
}

#[tokio::test]
async fn file_transport_io_error_is_transient() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mail");
    let settings = EmailSettings {
        file_dir: dir.clone(),
        ..EmailSettings::default()
    };
    let mailer = Mailer::new(&settings).unwrap();
    // A regular file where the directory should be: create_dir_all fails.
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::write(&dir, b"not a dir").unwrap();
    let err = mailer.send(message(&settings)).await.unwrap_err();
    assert!(matches!(err, SendError::Transient(_)), "{err:?}");
}

#[test]
fn settings_deserialise_with_defaults() {
    let s: EmailSettings =
        serde_json::from_str(r#"{"transport":"smtp","smtp_url":"smtp://x:25"}"#).unwrap();
    assert_eq!(s.transport, TransportKind::Smtp);
    assert_eq!(s.pool_size, 4);
    assert_eq!(s.timeout_secs, 10);
    assert_eq!(s.file_dir, std::path::PathBuf::from("./data/mail"));
    assert!(s.new_message_id().ends_with("@clusterxchange.eu"));
}
