//! Exchange applications: the workflow from draft to payment. Every state change is a
//! conditional update (`WHERE status IN (...) AND version = ?`), appends a hash-chained
//! history entry and queues its emails, all in one transaction.

mod change;
mod commitment;
mod create;
mod decide;
mod history;
mod parties;
mod reading;
mod recipients;
mod submit;
mod summary;

use chrono::{DateTime, Utc};
use cxc_domain::notify::{ApplicationNote, ExchangeFacts};
use cxc_domain::{
    policy::{self, AppAction},
    workflow::Status,
};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, prelude::Expr, sea_query::SimpleExpr,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use change::Outcome;
pub use commitment::ReportInput;
pub use create::{ApplicationInput, ApplicationPatch};
pub use cxc_domain::policy::Relation;
pub use decide::Decision;
pub use history::{BrokenLink, GENESIS, entry_hash};
pub use reading::{AppFilter, PartnershipReport};
pub use submit::ExchangeCheck;
pub use summary::ApplicationSummary;

use super::{Store, accounts::Caller};
use crate::{
    RepoError, RepoResult,
    entities::{applications, organisations},
};

/// The travelling representative, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ParticipantData {
    pub full_name: String,
    pub email: String,
    #[serde(default)]
    pub job_title: String,
    pub nationality: String,
    pub base_country: String,
    #[serde(default)]
    pub residence_permit_days: Option<u32>,
    #[serde(default)]
    pub business_started_or_intended: Option<bool>,
}

impl Store {
    /// Loads an application the caller may see (404 otherwise). Visibility depends on the
    /// row's own parties only ([`cxc_domain::policy::may_read`]), so this is one query;
    /// a change asks [`Store::acting`], which also reads the clusters and the record.
    ///
    /// # Errors
    /// `NotFound` when it does not exist or the caller may not see it.
    pub async fn application_for(
        &self,
        caller: &Caller,
        id: Uuid,
    ) -> RepoResult<applications::Model> {
        let app = self.application_row(id).await?;
        policy::may_read(&caller.actor, parties::own(&app)).map_err(RepoError::from)?;
        Ok(app)
    }

    /// Loads an application and asks the access policy whether the caller may do
    /// `action` on it (a first answer, before any work; the state change asks again
    /// inside its transaction).
    ///
    /// # Errors
    /// `NotFound` (unknown or hidden), `Denied` (the rule and why).
    pub async fn acting(
        &self,
        caller: &Caller,
        id: Uuid,
        action: AppAction,
    ) -> RepoResult<(applications::Model, Relation)> {
        let (app, rel, _) = self.acting_with_parties(caller, id, action).await?;
        Ok((app, rel))
    }

    /// [`Store::acting`], also returning the parties the policy judged by.
    pub(crate) async fn acting_with_parties(
        &self,
        caller: &Caller,
        id: Uuid,
        action: AppAction,
    ) -> RepoResult<(applications::Model, Relation, cxc_domain::policy::Parties)> {
        let app = self.application_row(id).await?;
        let (rel, parties) = parties::check(&self.db.conn, caller, &app, action).await?;
        Ok((app, rel, parties))
    }

    /// The row, before anyone is asked whether the caller may see it.
    async fn application_row(&self, id: Uuid) -> RepoResult<applications::Model> {
        applications::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?
            .ok_or(RepoError::NotFound)
    }

    /// Context shared by every email about an application.
    pub(crate) async fn email_ctx<C: ConnectionTrait>(
        &self,
        conn: &C,
        app: &applications::Model,
    ) -> RepoResult<ExchangeFacts> {
        let orgs = organisations::Entity::find()
            .filter(
                organisations::Column::Id.is_in([app.organisation_id, app.host_organisation_id]),
            )
            .all(conn)
            .await?;
        let call = crate::entities::calls::Entity::find_by_id(app.call_id)
            .one(conn)
            .await?;
        Ok(email_facts(
            app,
            &orgs,
            call.map(|c| c.title).unwrap_or_default(),
        ))
    }
}

/// [`Store::email_ctx`] from organisations and a call title already read.
pub(crate) fn email_facts(
    app: &applications::Model,
    orgs: &[organisations::Model],
    call_title: String,
) -> ExchangeFacts {
    let name = |id: Uuid| {
        orgs.iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    ExchangeFacts {
        application_id: app.id,
        call_title,
        participant_name: app.participant.full_name.clone(),
        visitor_org: name(app.organisation_id),
        host_org: name(app.host_organisation_id),
        city: orgs
            .iter()
            .find(|o| o.id == app.host_organisation_id)
            .map(|o| o.city.clone())
            .unwrap_or_default(),
        start_date: app.start_date,
        end_date: app.end_date,
        grant_cents: app.grant_cents,
        objectives: app.objectives.clone(),
    }
}

/// An exchange email with the actor's optional comment.
pub(crate) fn note(exchange: &ExchangeFacts, comment: Option<&str>) -> ApplicationNote {
    ApplicationNote {
        exchange: exchange.clone(),
        comment: comment.map(str::to_owned),
    }
}

/// `status IN (states)`, for other repositories.
#[must_use]
pub fn status_in_public(states: &[Status]) -> SimpleExpr {
    status_in(states)
}

/// `status IN (sources)` for a conditional transition.
pub(crate) fn status_in(states: &[Status]) -> SimpleExpr {
    applications::Column::Status.is_in(states.iter().map(|s| s.as_str()))
}

/// Moves `app` to `to` when it is still in one of `from` (and at `version`, if given).
/// Returns the updated row; a lost race is 412 (stale version) or 409 (state moved on).
pub(crate) async fn transition_with<C: ConnectionTrait>(
    conn: &C,
    app: &applications::Model,
    from: &[Status],
    to: Status,
    version: Option<i32>,
    set: Vec<(applications::Column, SimpleExpr)>,
    now: DateTime<Utc>,
) -> RepoResult<applications::Model> {
    let mut q = applications::Entity::update_many()
        .col_expr(applications::Column::Status, Expr::value(to.as_str()))
        .col_expr(
            applications::Column::Version,
            Expr::col(applications::Column::Version).add(1),
        )
        .col_expr(applications::Column::UpdatedAt, Expr::value(now))
        .filter(applications::Column::Id.eq(app.id))
        .filter(status_in(from));
    if let Some(v) = version {
        q = q.filter(applications::Column::Version.eq(v));
    }
    for (col, value) in set {
        q = q.col_expr(col, value);
    }
    // `RETURNING` gives the row as updated in the same round trip (SQLite ≥ 3.35 and
    // PostgreSQL); the row is read again only to explain a miss.
    if let Some(current) = q.exec_with_returning(conn).await?.into_iter().next() {
        return Ok(current);
    }
    let current = applications::Entity::find_by_id(app.id)
        .one(conn)
        .await?
        .ok_or(RepoError::NotFound)?;
    if let Some(v) = version
        && current.version != v
    {
        return Err(RepoError::Stale {
            current: current.version,
        });
    }
    Err(RepoError::conflict(
        "invalid_transition",
        format!(
            "the application is {}; it cannot become {}",
            current.status,
            to.as_str()
        ),
    ))
}
