//! Cancelling a registration: the registrant, or a manager of the visit.
use uuid::Uuid;

use crate::RepoResult;
use crate::repositories::{
    Store,
    accounts::Caller,
    group_visits::lock_visit,
    group_visits::registrations::change::{By, Change},
};

impl Store {
    /// Cancels a registration (the registrant, or a manager of the visit). A freed place
    /// goes to the first waiting person; cancelling the whole-visit registration also
    /// cancels the person's activity registrations.
    ///
    /// # Errors
    /// `NotFound` for registrations the caller may not see; `Conflict` when already cancelled.
    pub async fn cancel_registration(
        &self,
        visit_id: Uuid,
        reg_id: Uuid,
        caller: &Caller,
    ) -> RepoResult<()> {
        let tx = self.db.write().await?;
        let visit = lock_visit(&tx.tx, visit_id).await?;
        self.change_registrations(
            &tx.tx,
            &visit,
            By::Person(&caller.actor),
            Change::Cancel(reg_id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
