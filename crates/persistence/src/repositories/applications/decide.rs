//! Review, decisions, withdrawal and cancellation: the transitions that reserve or free a
//! call's budget and places. The reservation is a conditional update of the call row in
//! the same transaction as the state change, so the call's totals can never be exceeded.
use cxc_domain::{
    policy::AppAction,
    workflow::{Action, HostResponse, next},
};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, prelude::Expr};
use uuid::Uuid;

use super::{change::Act, submit::lump_sum_for};
use crate::{
    RepoError, RepoResult,
    entities::{applications, calls},
    repositories::{Store, accounts::Caller},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    Waitlist,
}

impl Store {
    /// `submitted → under_review`, by an unconflicted VOP coordinator.
    ///
    /// # Errors
    /// `Denied`, `Conflict`.
    pub async fn review_application(
        &self,
        caller: &Caller,
        id: Uuid,
        comment: Option<&str>,
    ) -> RepoResult<applications::Model> {
        Ok(self.act(caller, id, Act::Review, comment).await?.app)
    }

    /// Approve (reserving grant and place), reject or waitlist, at the version the
    /// coordinator saw, by an unconflicted VOP coordinator.
    ///
    /// # Errors
    /// `Denied`, `Stale` (412), `Conflict` (state, host not accepted, call exhausted).
    pub async fn decide(
        &self,
        caller: &Caller,
        id: Uuid,
        version: i32,
        decision: Decision,
        comment: Option<&str>,
    ) -> RepoResult<applications::Model> {
        let (app, _) = self.acting(caller, id, AppAction::Decide).await?;
        if app.version != version {
            return Err(RepoError::Stale {
                current: app.version,
            });
        }
        let action = match decision {
            Decision::Approve => Action::Approve,
            Decision::Reject => Action::Reject,
            Decision::Waitlist => Action::Waitlist,
        };
        let from = app.status;
        next(from, action).map_err(|e| RepoError::conflict("invalid_transition", e.to_string()))?;
        let call = self.call(app.call_id).await?;
        let grant = if decision == Decision::Approve {
            if app.host_response != HostResponse::Accepted {
                return Err(RepoError::conflict(
                    "host_not_accepted",
                    format!(
                        "the host has not accepted (host response: {})",
                        app.host_response
                    ),
                ));
            }
            let report = self.evaluate(&app, &call).await?;
            Some(Ord::max(
                Ord::min(report.grant_cents, lump_sum_for(&call, &app.host_country)),
                0,
            ))
        } else {
            None
        };
        let act = Act::Decide {
            action,
            version,
            call: Box::new(call),
            grant,
        };
        Ok(self.act(caller, id, act, comment).await?.app)
    }

    /// The applicant withdraws (any state before `reported`); a reservation is freed.
    ///
    /// # Errors
    /// `Denied`, `Conflict`.
    pub async fn withdraw_application(
        &self,
        caller: &Caller,
        id: Uuid,
        comment: Option<&str>,
    ) -> RepoResult<applications::Model> {
        self.end_application(caller, id, Action::Withdraw, comment)
            .await
    }

    /// A VOP coordinator cancels an approved or committed exchange; the reservation is freed.
    ///
    /// # Errors
    /// `Denied`, `Conflict`.
    pub async fn cancel_application(
        &self,
        caller: &Caller,
        id: Uuid,
        comment: Option<&str>,
    ) -> RepoResult<applications::Model> {
        self.end_application(caller, id, Action::Cancel, comment)
            .await
    }

    async fn end_application(
        &self,
        caller: &Caller,
        id: Uuid,
        action: Action,
        comment: Option<&str>,
    ) -> RepoResult<applications::Model> {
        Ok(self
            .act(caller, id, Act::End { action }, comment)
            .await?
            .app)
    }
}

/// Takes `grant` and one place from the call, or fails with 409 when either is exhausted.
pub(super) async fn reserve<C: ConnectionTrait>(
    conn: &C,
    call: &calls::Model,
    grant: i64,
) -> RepoResult<()> {
    let res = calls::Entity::update_many()
        .col_expr(
            calls::Column::BudgetCommittedCents,
            Expr::col(calls::Column::BudgetCommittedCents).add(grant),
        )
        .col_expr(
            calls::Column::PlacesTaken,
            Expr::col(calls::Column::PlacesTaken).add(1),
        )
        .col_expr(
            calls::Column::Version,
            Expr::col(calls::Column::Version).add(1),
        )
        .filter(calls::Column::Id.eq(call.id))
        .filter(Expr::col(calls::Column::PlacesTaken).lt(Expr::col(calls::Column::Places)))
        .filter(
            Expr::col(calls::Column::BudgetCommittedCents)
                .add(grant)
                .lte(Expr::col(calls::Column::BudgetCents)),
        )
        .exec(conn)
        .await?;
    if res.rows_affected == 1 {
        return Ok(());
    }
    let now = calls::Entity::find_by_id(call.id)
        .one(conn)
        .await?
        .ok_or(RepoError::NotFound)?;
    if now.places_taken >= now.places {
        Err(RepoError::conflict(
            "places_exhausted",
            format!("all {} places of this call are taken", now.places),
        ))
    } else {
        Err(RepoError::conflict(
            "budget_exhausted",
            format!(
                "the call's remaining budget ({} cents) does not cover this grant ({grant} cents)",
                now.budget_cents - now.budget_committed_cents
            ),
        ))
    }
}

pub(super) async fn release<C: ConnectionTrait>(
    conn: &C,
    call: Uuid,
    grant: i64,
) -> RepoResult<()> {
    calls::Entity::update_many()
        .col_expr(
            calls::Column::BudgetCommittedCents,
            Expr::col(calls::Column::BudgetCommittedCents).sub(grant),
        )
        .col_expr(
            calls::Column::PlacesTaken,
            Expr::col(calls::Column::PlacesTaken).sub(1),
        )
        .col_expr(
            calls::Column::Version,
            Expr::col(calls::Column::Version).add(1),
        )
        .filter(calls::Column::Id.eq(call))
        .exec(conn)
        .await?;
    Ok(())
}
