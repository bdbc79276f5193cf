//! Storage: sea-orm entities and the repositories that implement every use case that
//! touches the database. SQLite (embedded, WAL) and PostgreSQL run the same code and the
//! same migrations.

pub mod clock;
pub mod constraints;
pub mod db;
pub mod entities;
pub mod error;
pub mod repositories;
pub mod statements;
pub mod stored;

pub use clock::{Clock, SettableClock, SystemClock};
pub use db::{Backend, DatabaseSettings, Db, WriteTx};
pub use error::{Problem, RepoError, RepoResult};
pub use sea_orm;
pub use stored::Stored;
