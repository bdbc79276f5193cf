//! `cxc seed --demo`: the partnerships and organisations of the seed texts.

use cxc_persistence::repositories::Store;

/// Loads the demonstration data (idempotent: running it twice changes nothing).
///
/// # Errors
/// When the database refuses a write.
pub async fn demo(_store: &Store) -> anyhow::Result<()> {
    println!("demo data: nothing yet");
    Ok(())
}
