//! The web pages over HTTP against the real server (SQLite and PostgreSQL, real SMTP
//! catcher): HTML-level checks of every page, and the browser journeys in Chromium with
//! axe-core (`browser.rs`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::missing_panics_doc,
    dead_code
)]

// The API harness's response checker, with its own unit tests beside it.
#[path = "../api"]
mod api_support {
    pub mod contract;
}
use api_support::contract;
#[path = "../api/fixtures.rs"]
mod fixtures;
#[path = "../api/helpers.rs"]
mod helpers;
#[path = "../api/pg.rs"]
mod pg;
#[path = "../api/smtp.rs"]
mod smtp;
#[path = "../api/group_visits/fixtures.rs"]
mod visit_fixtures;

mod browser;
mod client;
mod drafts;
mod foundation;
mod journeys;
mod manage;
mod partner;
mod password_reset;
mod users_admin;
