//! Black-box API tests: the real server on a random port over HTTP, against SQLite and
//! PostgreSQL, with a real SMTP server catching the mail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::missing_panics_doc,
    dead_code
)]

mod contract;
mod fixtures;
mod helpers;
mod pg;
mod smtp;

mod accounts;
mod applications;
mod authz;
mod conditional;
mod constraints;
mod demo_emails;
mod group_visits;
mod hostile_input;
mod idempotency;
mod notifications;
mod organisations;
mod partnerships;
mod privacy;
mod reminders;
mod resilience;
mod separation;
mod service;
mod statement_reuse;
mod stored_codes;
mod write_transactions;
