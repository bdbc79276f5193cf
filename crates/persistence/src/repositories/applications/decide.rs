//! Review, decisions, withdrawal and cancellation: the transitions that reserve or free a
//! call's budget and places. The reservation is a conditional update of the call row in
//! the same transaction as the state change, so the call's totals can never be exceeded.
use chrono::{Duration, NaiveTime, Utc};
use cxc_domain::workflow::{Action, HostResponse, Status, next, sources};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, prelude::Expr};
use uuid::Uuid;

use super::{Relation, history, note, submit::lump_sum_for, transition};
use crate::{
    RepoError, RepoResult,
    entities::{applications, calls, organisation_clusters, organisation_contacts, users},
    repositories::{Store, accounts::Caller, outbox::Envelope},
};
use cxc_domain::notify::{ApplicationNote, Email, ReportDue};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    Waitlist,
}

/// Kinds of scheduled mail that die with the exchange.
const SCHEDULED: [&str; 3] = ["reminder_exchange_start", "report_due", "payment_overdue"];

impl Store {
    /// A VOP coordinator who is not conflicted: not a contact of the visiting
    /// organisation, nor of a cluster it belongs to. Admins count as coordinators and are
    /// bound by the same rule (an admin who registered an organisation is its contact).
    async fn require_vop(
        &self,
        caller: &Caller,
        app: &applications::Model,
        rel: &Relation,
    ) -> RepoResult<()> {
        if !rel.vop_coordinator {
            return Err(RepoError::Forbidden(
                "only a coordinator of the visiting organisation's partnership may do this".into(),
            ));
        }
        let mine: Vec<Uuid> = organisation_contacts::Entity::find()
            .filter(organisation_contacts::Column::UserId.eq(caller.id()))
            .all(&self.db.conn)
            .await?
            .into_iter()
            .map(|c| c.organisation_id)
            .collect();
        if mine.contains(&app.organisation_id) {
            return Err(RepoError::Forbidden(
                "conflict of interest: you are a contact of the visiting organisation".into(),
            ));
        }
        let own_cluster = organisation_clusters::Entity::find()
            .filter(organisation_clusters::Column::OrganisationId.eq(app.organisation_id))
            .filter(organisation_clusters::Column::ClusterId.is_in(mine))
            .one(&self.db.conn)
            .await?;
        if own_cluster.is_some() {
            return Err(RepoError::Forbidden(
                "conflict of interest: the visiting organisation is a member of your cluster"
                    .into(),
            ));
        }
        Ok(())
    }

    /// `submitted → under_review`.
    ///
    /// # Errors
    /// `Forbidden`, `Conflict`.
    pub async fn review_application(
        &self,
        caller: &Caller,
        id: Uuid,
        comment: Option<&str>,
    ) -> RepoResult<applications::Model> {
        let (app, rel) = self.application_for(caller, id).await?;
        self.require_vop(caller, &app, &rel).await?;
        let tx = self.db.write().await?;
        let updated = transition(
            &tx.tx,
            &app,
            &sources(Action::Review),
            Status::UnderReview,
            None,
            |q| q,
        )
        .await?;
        history::append(
            &tx.tx,
            id,
            Some(app.status.as_str()),
            "under_review",
            caller.id(),
            comment,
        )
        .await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Approve (reserving grant and place), reject or waitlist, at the version the
    /// coordinator saw.
    ///
    /// # Errors
    /// `Forbidden`, `Stale` (412), `Conflict` (state, host not accepted, call exhausted).
    pub async fn decide(
        &self,
        caller: &Caller,
        id: Uuid,
        version: i32,
        decision: Decision,
        comment: Option<&str>,
    ) -> RepoResult<applications::Model> {
        let (app, rel) = self.application_for(caller, id).await?;
        self.require_vop(caller, &app, &rel).await?;
        if app.version != version {
            return Err(RepoError::Stale {
                current: app.version,
            });
        }
        let (action, kind) = match decision {
            Decision::Approve => (Action::Approve, Email::DecisionApproved as fn(_) -> _),
            Decision::Reject => (Action::Reject, Email::DecisionRejected as fn(_) -> _),
            Decision::Waitlist => (Action::Waitlist, Email::DecisionWaitlisted as fn(_) -> _),
        };
        let from = app.status;
        let to = next(from, action)
            .map_err(|e| RepoError::conflict("invalid_transition", e.to_string()))?;
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
        let tx = self.db.write().await?;
        let now = Utc::now();
        let updated = transition(&tx.tx, &app, &sources(action), to, Some(version), |q| {
            let q = q.col_expr(applications::Column::DecidedAt, Expr::value(now));
            match grant {
                Some(g) => q.col_expr(applications::Column::GrantCents, Expr::value(g)),
                None => q,
            }
        })
        .await?;
        if let Some(g) = grant {
            reserve(&tx.tx, &call, g).await?;
        }
        history::append(
            &tx.tx,
            id,
            Some(app.status.as_str()),
            to.as_str(),
            caller.id(),
            comment,
        )
        .await?;
        let facts = self.email_ctx(&tx.tx, &updated).await?;
        if let Some(applicant) = users::Entity::find_by_id(updated.applicant_id)
            .one(&tx.tx)
            .await?
        {
            self.enqueue(
                &tx.tx,
                Envelope::to_user(&applicant, kind(note(&facts, comment))).about(id),
            )
            .await?;
            if decision == Decision::Approve {
                let start = updated.start_date.and_time(NaiveTime::MIN).and_utc();
                let end = updated.end_date.and_time(NaiveTime::MIN).and_utc();
                if start - Duration::days(7) > now {
                    self.enqueue(
                        &tx.tx,
                        Envelope::to_user(&applicant, Email::ReminderExchangeStart(facts.clone()))
                            .about(id)
                            .at(start - Duration::days(7)),
                    )
                    .await?;
                }
                let due = Email::ReportDue(ReportDue {
                    exchange: facts.clone(),
                    report_due_date: updated.end_date + Duration::days(30),
                });
                self.enqueue(
                    &tx.tx,
                    Envelope::to_user(&applicant, due)
                        .about(id)
                        .at(end + Duration::days(1)),
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(updated)
    }

    /// The applicant withdraws (any state before `reported`); a reservation is freed.
    ///
    /// # Errors
    /// `Forbidden`, `Conflict`.
    pub async fn withdraw_application(
        &self,
        caller: &Caller,
        id: Uuid,
        comment: Option<&str>,
    ) -> RepoResult<applications::Model> {
        let (app, rel) = self.application_for(caller, id).await?;
        if !rel.is_applicant() {
            return Err(RepoError::Forbidden(
                "only the applicant may withdraw".into(),
            ));
        }
        self.end_application(
            caller,
            &app,
            Action::Withdraw,
            Email::ApplicationWithdrawn,
            comment,
        )
        .await
    }

    /// A VOP coordinator cancels an approved or committed exchange; the reservation is freed.
    ///
    /// # Errors
    /// `Forbidden`, `Conflict`.
    pub async fn cancel_application(
        &self,
        caller: &Caller,
        id: Uuid,
        comment: Option<&str>,
    ) -> RepoResult<applications::Model> {
        let (app, rel) = self.application_for(caller, id).await?;
        if !rel.vop_coordinator {
            return Err(RepoError::Forbidden(
                "only a coordinator of the visiting organisation's partnership may cancel".into(),
            ));
        }
        self.end_application(
            caller,
            &app,
            Action::Cancel,
            Email::ApplicationCancelled,
            comment,
        )
        .await
    }

    async fn end_application(
        &self,
        caller: &Caller,
        app: &applications::Model,
        action: Action,
        kind: fn(ApplicationNote) -> Email,
        comment: Option<&str>,
    ) -> RepoResult<applications::Model> {
        let from = app.status;
        let to = next(from, action)
            .map_err(|e| RepoError::conflict("invalid_transition", e.to_string()))?;
        let tx = self.db.write().await?;
        // Pinning the state we read makes the release exact: a concurrent approval either
        // happened before (we free what it reserved) or makes this update miss (409).
        let updated = transition(&tx.tx, app, &[from], to, None, |q| q).await?;
        if from.holds_reservation() {
            release(&tx.tx, app.call_id, app.grant_cents.unwrap_or(0)).await?;
        }
        self.unschedule(&tx.tx, app.id, &SCHEDULED).await?;
        history::append(
            &tx.tx,
            app.id,
            Some(app.status.as_str()),
            to.as_str(),
            caller.id(),
            comment,
        )
        .await?;
        let facts = self.email_ctx(&tx.tx, &updated).await?;
        let mut recipients = Vec::new();
        if let Some(a) = users::Entity::find_by_id(updated.applicant_id)
            .one(&tx.tx)
            .await?
        {
            recipients.push(a);
        }
        if from != Status::Draft {
            recipients.extend(
                self.contacts_of(&tx.tx, updated.host_organisation_id)
                    .await?,
            );
            recipients.extend(self.coordinators_of(&tx.tx, updated.partnership_id).await?);
        }
        recipients.sort_by_key(|u| u.id);
        recipients.dedup_by_key(|u| u.id);
        for r in recipients {
            self.enqueue(
                &tx.tx,
                Envelope::to_user(&r, kind(note(&facts, comment))).about(app.id),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(updated)
    }
}

/// Takes `grant` and one place from the call, or fails with 409 when either is exhausted.
async fn reserve<C: ConnectionTrait>(conn: &C, call: &calls::Model, grant: i64) -> RepoResult<()> {
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

async fn release<C: ConnectionTrait>(conn: &C, call: Uuid, grant: i64) -> RepoResult<()> {
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
