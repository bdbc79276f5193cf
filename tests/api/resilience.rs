//! Slow and abusive clients cannot starve others.
use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::{Backend, spawn_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slow_clients_are_cut_off_and_others_keep_being_served() {
    let app = spawn_with(Backend::Sqlite, |s| s.server.header_read_timeout_secs = 1)
        .await
        .unwrap();
    let addr = app.base.trim_start_matches("http://").to_owned();
    // Twenty slowloris connections that never finish their headers.
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut s = TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(s);
    }
    for _ in 0..20 {
        let t = Instant::now();
        let r = app.get("/health", None).await;
        assert_eq!(r.status, 200);
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "normal requests are not held up"
        );
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for mut s in slow {
        let mut buf = Vec::new();
        let n = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf))
            .await
            .expect("the server closes the connection");
        assert!(n.is_ok(), "closed after the header timeout");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_body_that_never_arrives_times_out() {
    let app = spawn_with(Backend::Sqlite, |s| s.http.body_read_timeout_secs = 1)
        .await
        .unwrap();
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut s = TcpStream::connect(&addr).await.unwrap();
    s.write_all(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":").await.unwrap();
    let mut buf = vec![0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
        .await
        .expect("answered")
        .unwrap();
    let head = String::from_utf8_lossy(&buf[..n]);
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
    assert_eq!(app.get("/health", None).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_over_the_time_limit_gets_a_problem_document() {
    let app = spawn_with(Backend::Sqlite, |s| s.http.request_timeout_secs = 1)
        .await
        .unwrap();
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut s = TcpStream::connect(&addr).await.unwrap();
    s.write_all(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{").await.unwrap();
    let mut buf = vec![0u8; 2048];
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
        .await
        .expect("answered")
        .unwrap();
    let text = String::from_utf8_lossy(&buf[..n]).to_lowercase();
    assert!(text.starts_with("http/1.1 503"), "{text}");
    assert!(text.contains("application/problem+json"), "{text}");
    assert!(text.contains("x-request-id"), "{text}");
}
