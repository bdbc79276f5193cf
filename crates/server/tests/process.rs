//! The real `cxc` binary as an operator runs it: subcommands, port 0 with the chosen
//! address in the log, migrations at start, and a graceful SIGTERM that lets an in-flight
//! request finish. (The API itself is tested in-process by the `cxc-tests` package.)
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{SocketAddr, TcpStream},
    path::Path,
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

const BIN: &str = env!("CARGO_BIN_EXE_cxc");

/// `cxc` with everything pointed into `dir` and no config files, like a fresh machine.
fn cxc(dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir)
        .env_remove("RUST_LOG")
        .env("APP_CONFIG_DIR", dir.join("no-config"))
        .env("APP__SERVER__PORT", "0")
        .env(
            "APP__DATABASE__URL",
            format!("sqlite://{}/db/cxc.db?mode=rwc", dir.display()),
        )
        .env("APP__EMAIL__TRANSPORT", "file")
        .env("APP__EMAIL__FILE_DIR", dir.join("mail"))
        .env("APP__TELEMETRY__FORMAT", "json")
        .env(
            "APP__SECURITY__UNSUBSCRIBE_SECRET",
            "process-test-secret-0123456789abcdef",
        );
    c
}

fn http(addr: SocketAddr, method: &str, path: &str, body: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// Starts `cxc serve` and returns it with the address it logged.
fn serve(dir: &Path) -> (Child, SocketAddr, mpsc::Receiver<String>) {
    let mut child = cxc(dir)
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let Ok(line) = rx.recv_timeout(Duration::from_secs(1)) else {
            continue;
        };
        let v: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("log line is not JSON ({e}): {line}"));
        if v["fields"]["message"] == "listening" {
            let addr: SocketAddr = v["fields"]["address"].as_str().unwrap().parse().unwrap();
            assert_ne!(addr.port(), 0, "the chosen port is logged, not 0");
            return (child, addr, rx);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("cxc serve never logged its address");
}

#[test]
fn cli_serve_and_graceful_sigterm() {
    let dir = tempfile::tempdir().unwrap();

    let out = cxc(dir.path()).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "migrate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        dir.path().join("db/cxc.db").exists(),
        "the SQLite file and its directory are created"
    );

    let mut admin = cxc(dir.path())
        .args([
            "admin",
            "create",
            "--email",
            "root@x.eu",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    admin
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long admin password\n")
        .unwrap();
    assert!(admin.wait_with_output().unwrap().status.success());

    let out = cxc(dir.path()).arg("openapi").output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));

    let (mut child, addr, _logs) = serve(dir.path());
    assert!(http(addr, "GET", "/health", "").contains(r#""database":"ok""#));
    let login = http(
        addr,
        "POST",
        "/api/v1/auth/login",
        r#"{"email":"root@x.eu","password":"a long admin password"}"#,
    );
    assert!(
        login.starts_with("HTTP/1.1 200") && login.contains(r#""role":"admin""#),
        "{login}"
    );

    // A registration whose body is still arriving when SIGTERM comes in.
    let body = r#"{"email":"late@x.eu","password":"correct horse battery","full_name":"Late","locale":"en"}"#;
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(slow, "POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}", body.len(), &body[..20]).unwrap();
    slow.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        TcpStream::connect(addr).is_err(),
        "no new connections once shutting down"
    );
    slow.write_all(&body.as_bytes()[20..]).unwrap();
    let mut reply = String::new();
    let _ = slow.read_to_string(&mut reply);
    assert!(
        reply.starts_with("HTTP/1.1 201"),
        "the in-flight request finished: {reply}"
    );

    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "cxc did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "clean exit after SIGTERM: {status}");

    // The accepted registration's welcome mail was committed with it: a restart sends it.
    let (mut child, _, _logs) = serve(dir.path());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mails: Vec<String> = std::fs::read_dir(dir.path().join("mail"))
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                    .collect()
            })
            .unwrap_or_default();
        if mails.iter().any(|m| m.contains("late@x.eu")) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no welcome mail for the late registration"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}
