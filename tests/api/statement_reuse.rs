//! Issue 17: prepared statements are reused on SQLite.
//!
//! Since SQLite 3.51 a bound `LIMIT ?` makes a prepared statement depend on the value
//! bound to it, and sqlx clears the bindings before every execution, which expires such a
//! statement: every `.one()` and every list page was parsed and planned again on every
//! execution although it sat in sqlx's statement cache (a quarter of the server's CPU in
//! the profile of `GET /applications/{id}`). `.cargo/config.toml` builds the bundled
//! SQLite with the query-planner stability guarantee (plans never depend on bound values)
//! and without the global memory-statistics mutex. Cargo applies that file only when it
//! is run inside the workspace; this test fails when the options are lost (a build from
//! elsewhere, a changed file, a system SQLite).
use cxc_persistence::sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

#[tokio::test]
async fn sqlite_is_built_to_reuse_prepared_statements() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA compile_options",
        ))
        .await
        .unwrap();
    let options: Vec<String> = rows
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect();
    for wanted in ["ENABLE_QPSG", "DEFAULT_MEMSTATUS=0"] {
        assert!(
            options.iter().any(|o| o == wanted),
            "SQLite lacks {wanted}; it has {options:?}"
        );
    }
}
