//! `cxc seed --demo`: the partnerships and organisations of the seed texts.

use cxc_persistence::repositories::Store;

/// Loads the demonstration data (idempotent: running it twice changes nothing).
///
/// # Errors
/// When the database refuses a write.
pub async fn demo(_store: &Store) -> anyhow::Result<()> {
    println!("demo data: nothing yet");
    if let Some((p, o)) = crate::seed_visits::biginn(_store).await? {
        crate::seed_visits::visits(_store, p, o).await?;
    }
    Ok(())
}
