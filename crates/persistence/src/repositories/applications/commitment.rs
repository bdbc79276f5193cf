//! After approval: the Commitment to Quality (four signatures), the closing report, its
//! validation and the single payment.
use chrono::NaiveDate;
use cxc_domain::{
    policy::{self, AppAction, Signatures},
    workflow::Status,
};
use sea_orm::EntityTrait;
use uuid::Uuid;

use super::change::Act;
use crate::{
    RepoError, RepoResult,
    entities::{applications, closing_reports, commitments, payments},
    repositories::{Store, accounts::Caller},
};

pub struct ReportInput {
    pub summary: String,
    pub outcomes: String,
    pub would_recommend: bool,
    pub evidence: Vec<String>,
}

impl Store {
    /// # Errors
    /// Database failures only.
    pub async fn commitment(&self, id: Uuid) -> RepoResult<Option<commitments::Model>> {
        Ok(commitments::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?)
    }

    /// Adds the caller's signature for the first party they may sign for that has not
    /// yet signed (the access policy: four different people, none signing for a
    /// partnership or the host while acting for the other side); the first signer also
    /// provides goals and agenda; the fourth commits.
    ///
    /// # Errors
    /// `Denied` (not a party, second signature, conflict), `Conflict` (state, already
    /// signed, after start), `Invalid`.
    pub async fn sign_commitment(
        &self,
        caller: &Caller,
        id: Uuid,
        goals: Option<&str>,
        agenda: Option<&str>,
    ) -> RepoResult<(applications::Model, commitments::Model)> {
        let (app, _, p) = self
            .acting_with_parties(caller, id, AppAction::Read)
            .await?;
        // A first answer before the state checks (who may sign at all); the signature
        // itself asks again under the row lock, with the signatures so far.
        policy::signatory(&caller.actor, &p, &Signatures::default())?;
        if app.status != Status::Approved {
            return Err(RepoError::conflict(
                "invalid_transition",
                format!(
                    "the commitment is signed after approval; the application is {}",
                    app.status
                ),
            ));
        }
        if self.now().date_naive() >= app.start_date {
            return Err(RepoError::conflict(
                "exchange_started",
                "the Commitment to Quality must be signed before the exchange starts",
            ));
        }
        let act = Act::Sign {
            goals: goals.map(str::to_owned),
            agenda: agenda.map(str::to_owned),
        };
        let out = self.act(caller, id, act, None).await?;
        let c = out.commitment.ok_or(RepoError::NotFound)?;
        Ok((out.app, c))
    }

    /// The applicant reports after the exchange ended: `committed → reported`.
    ///
    /// # Errors
    /// `Denied`, `Conflict` (state, too early).
    pub async fn submit_report(
        &self,
        caller: &Caller,
        id: Uuid,
        r: ReportInput,
    ) -> RepoResult<applications::Model> {
        // Too early is judged under the row lock (`Store::act`), after the policy.
        Ok(self.act(caller, id, Act::Report(r), None).await?.app)
    }

    /// # Errors
    /// Database failures only.
    pub async fn closing_report(&self, id: Uuid) -> RepoResult<Option<closing_reports::Model>> {
        Ok(closing_reports::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?)
    }

    /// The VOP validates the report: `reported → completed`; payment becomes due.
    ///
    /// # Errors
    /// `Denied`, `Conflict`.
    pub async fn validate_report(
        &self,
        caller: &Caller,
        id: Uuid,
        comment: Option<&str>,
    ) -> RepoResult<applications::Model> {
        Ok(self.act(caller, id, Act::Validate, comment).await?.app)
    }

    /// The single payment: `completed → paid`; a second is 409.
    ///
    /// # Errors
    /// `Denied`, `Conflict`, `Invalid` (amount above the grant).
    pub async fn record_payment(
        &self,
        caller: &Caller,
        id: Uuid,
        paid_on: NaiveDate,
        amount_cents: i64,
    ) -> RepoResult<applications::Model> {
        // A second payment, the amount and the date are judged under the row lock
        // (`Store::act`), after the policy.
        let act = Act::Pay {
            paid_on,
            amount_cents,
        };
        Ok(self.act(caller, id, act, None).await?.app)
    }

    /// # Errors
    /// Database failures only.
    pub async fn payment(&self, id: Uuid) -> RepoResult<Option<payments::Model>> {
        Ok(payments::Entity::find_by_id(id).one(&self.db.conn).await?)
    }
}
