//! Black-box API tests: the real server on a random port over HTTP, against SQLite and
//! PostgreSQL, with a real SMTP server catching the mail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::missing_panics_doc,
    dead_code
)]

mod fixtures;
mod helpers;
mod pg;
mod smtp;

mod accounts;
mod applications;
mod applications_race;
mod authz;
mod authz_prepare;
mod authz_table;
mod authz_table_apps;
mod authz_table_visits;
mod authz_visibility;
mod authz_world;
mod calls;
mod eligibility;
mod group_visits;
mod group_visits_activities;
mod group_visits_agenda;
mod group_visits_agenda_rules;
mod group_visits_calendar;
mod group_visits_fixtures;
mod group_visits_my_calendar;
mod group_visits_registrations;
mod hardening;
mod matching;
mod notifications;
mod org_directory;
mod org_retries;
mod org_support;
mod organisations;
mod partnerships;
mod privacy;
mod reminders;
mod resilience;
mod service;
mod write_transactions;
