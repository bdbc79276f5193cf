//! The rules of ClusterXchange: eligibility, workflow states, grant computation and
//! agenda conflicts. Pure Rust: no database, no HTTP, no async runtime.

pub mod account;
pub mod agenda;
pub mod calendar;
pub mod codes;
pub mod countries;
pub mod demo;
pub mod eligibility;
pub mod email_address;
pub mod geo;
pub mod grant;
pub mod holidays;
pub mod notify;
pub mod organisation;
pub mod plausible;
pub mod policy;
pub mod problem;
#[cfg(test)]
mod proptests;
pub mod secret;
pub mod sme;
pub mod visit;
pub mod workflow;
pub mod working_days;
