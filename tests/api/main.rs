//! Black-box API tests: the real server on a random port over HTTP, against SQLite and
//! PostgreSQL, with a real SMTP server catching the mail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc, dead_code)]

mod helpers;
mod pg;
mod smtp;

mod accounts;
mod group_visits;
mod group_visits_activities;
mod group_visits_agenda;
mod group_visits_agenda_rules;
mod group_visits_calendar;
mod group_visits_fixtures;
mod group_visits_my_calendar;
mod group_visits_registrations;
mod service;
mod write_transactions;
