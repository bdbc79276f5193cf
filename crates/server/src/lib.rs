//! The composition root: settings, telemetry, wiring of every adapter, the dispatcher and
//! the command line.

pub mod cli;
pub mod dispatcher;
pub mod seed;
pub mod seed_visits;
pub mod serve;
pub mod settings;
pub mod startup;
pub mod telemetry;
