//! Connection pool, migrations, and write transactions.
use std::{sync::Arc, time::Duration};

use cxc_domain::secret::Secret;
use migration::MigratorTrait;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// `[database]` section of the settings.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct DatabaseSettings {
    /// `sqlite://data/cxc.db?mode=rwc` or `postgres://user:pass@host/db`.
    pub url: Secret<String>,
    pub max_connections: u32,
    pub min_connections: u32,
    pub acquire_timeout_secs: u64,
    pub busy_timeout_ms: u64,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: "sqlite://data/cxc.db?mode=rwc".into(),
            max_connections: 8,
            min_connections: 1,
            acquire_timeout_secs: 10,
            busy_timeout_ms: 5000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The shared handle: a pool plus, on SQLite, the process-wide writer lock.
///
/// SQLite allows one writer at a time; a deferred transaction that reads and then tries to
/// write can fail with `SQLITE_BUSY` at once (the busy handler is not used for the
/// read-to-write upgrade). Serialising write transactions in-process avoids that and costs
/// nothing, since SQLite would serialise them anyway.
#[derive(Clone)]
pub struct Db {
    pub conn: DatabaseConnection,
    write_lock: Option<Arc<Mutex<()>>>,
}

/// A write transaction; on SQLite it also holds the writer lock until dropped.
pub struct WriteTx {
    pub tx: DatabaseTransaction,
    _guard: Option<OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.tx
    }
}

impl WriteTx {
    /// # Errors
    /// When the database refuses the commit.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.tx.commit().await
    }
}

impl Db {
    /// Opens the pool (creating the SQLite file and its directory when needed).
    ///
    /// # Errors
    /// When the database cannot be reached.
    pub async fn connect(s: &DatabaseSettings) -> Result<Self, DbErr> {
        let url = s.url.expose();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        if backend == Backend::Sqlite {
            ensure_sqlite_dir(url);
        }
        let mut opt = ConnectOptions::new(url.clone());
        opt.max_connections(s.max_connections)
            .min_connections(s.min_connections)
            .acquire_timeout(Duration::from_secs(s.acquire_timeout_secs))
            .sqlx_logging(false);
        let busy = Duration::from_millis(s.busy_timeout_ms);
        opt.map_sqlx_sqlite_opts(move |o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(busy)
                .foreign_keys(true)
                .create_if_missing(true)
        });
        let mut conn = Database::connect(opt).await?;
        conn.set_metric_callback(crate::statements::observe);
        let write_lock = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        Ok(Self { conn, write_lock })
    }

    #[must_use]
    pub fn backend(&self) -> Backend {
        match self.conn.get_database_backend() {
            DbBackend::Sqlite => Backend::Sqlite,
            _ => Backend::Postgres,
        }
    }

    /// Applies every pending migration. Safe to run from several processes on PostgreSQL:
    /// an advisory lock serialises them.
    ///
    /// # Errors
    /// When a migration fails.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        if self.backend() == Backend::Postgres {
            // DDL is transactional on PostgreSQL; the transaction-scoped advisory lock makes
            // concurrent starters wait for the first one instead of racing it.
            let tx = self.conn.begin().await?;
            tx.execute_unprepared("SELECT pg_advisory_xact_lock(727274)")
                .await?;
            migration::Migrator::up(&tx, None).await?;
            tx.commit().await
        } else {
            migration::Migrator::up(&self.conn, None).await
        }
    }

    /// Starts a write transaction.
    ///
    /// # Errors
    /// When no connection is available.
    pub async fn write(&self) -> Result<WriteTx, DbErr> {
        let guard = match &self.write_lock {
            Some(l) => Some(Arc::clone(l).lock_owned().await),
            None => None,
        };
        // A transaction dropped without commit is rolled back lazily, after the guard is
        // released, so the next writer may find the write lock still held. BEGIN
        // IMMEDIATE takes the lock up front, where the busy timeout makes it wait; a
        // deferred BEGIN would fail at once on its first write instead.
        let tx = if guard.is_some() {
            self.conn
                .begin_with_options(TransactionOptions {
                    isolation_level: None,
                    access_mode: None,
                    sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                })
                .await?
        } else {
            self.conn.begin().await?
        };
        Ok(WriteTx { tx, _guard: guard })
    }

    /// Checks the database answers.
    ///
    /// # Errors
    /// When it does not.
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.ping().await
    }
}

fn ensure_sqlite_dir(url: &str) {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(":memory:") {
        return;
    }
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        // An error here resurfaces, with a clearer message, when the pool opens the file.
        let _ = std::fs::create_dir_all(parent);
    }
}
