//! After approval: the Commitment to Quality (four signatures), the closing report, its
//! validation and the single payment.
use chrono::{Duration, NaiveDate, Utc};
use cxc_domain::workflow::{Action, Signatory, Status, sources};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, prelude::Expr};
use uuid::Uuid;

use super::{history, note, transition};
use crate::{
    RepoError, RepoResult,
    entities::{applications, calls, closing_reports, commitments, payments, users},
    error::is_unique_violation,
    repositories::{Store, accounts::Caller, outbox::Envelope},
};
use cxc_domain::notify::{self, Email, PaymentOverdue, PaymentRecorded};

pub struct ReportInput {
    pub summary: String,
    pub outcomes: String,
    pub would_recommend: bool,
    pub evidence: Vec<String>,
}

fn signed(c: &commitments::Model, s: Signatory) -> bool {
    match s {
        Signatory::Visitor => c.visitor_signed_at.is_some(),
        Signatory::Host => c.host_signed_at.is_some(),
        Signatory::Vop => c.vop_signed_at.is_some(),
        Signatory::Hop => c.hop_signed_at.is_some(),
    }
}

impl Store {
    /// # Errors
    /// Database failures only.
    pub async fn commitment(&self, id: Uuid) -> RepoResult<Option<commitments::Model>> {
        Ok(commitments::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?)
    }

    /// Adds the caller's signature for the first party they represent that has not yet
    /// signed; the first signer also provides goals and agenda; the fourth commits.
    ///
    /// # Errors
    /// `Forbidden` (not a party), `Conflict` (state, already signed, after start), `Invalid`.
    pub async fn sign_commitment(
        &self,
        caller: &Caller,
        id: Uuid,
        goals: Option<&str>,
        agenda: Option<&str>,
    ) -> RepoResult<(applications::Model, commitments::Model)> {
        let (app, rel) = self.application_for(caller, id).await?;
        let parties: Vec<Signatory> = [
            (Signatory::Visitor, rel.visitor_contact || rel.applicant),
            (Signatory::Host, rel.host_contact),
            // Admins oversee; they do not sign on a partnership's behalf.
            (Signatory::Vop, rel.vop_coordinator && !caller.is_admin()),
            (Signatory::Hop, rel.hop_coordinator && !caller.is_admin()),
        ]
        .into_iter()
        .filter_map(|(s, yes)| yes.then_some(s))
        .collect();
        if parties.is_empty() {
            return Err(RepoError::Forbidden(
                "only the visitor, the host and the two partnerships' coordinators sign".into(),
            ));
        }
        if app.status != Status::Approved {
            return Err(RepoError::conflict(
                "invalid_transition",
                format!(
                    "the commitment is signed after approval; the application is {}",
                    app.status
                ),
            ));
        }
        if Utc::now().date_naive() >= app.start_date {
            return Err(RepoError::conflict(
                "exchange_started",
                "the Commitment to Quality must be signed before the exchange starts",
            ));
        }
        let tx = self.db.write().await?;
        // Touching the application row first serialises signers (row lock / writer lock).
        let touched = applications::Entity::update_many()
            .col_expr(applications::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(applications::Column::Id.eq(id))
            .filter(applications::Column::Status.eq(Status::Approved.as_str()))
            .exec(&tx.tx)
            .await?;
        if touched.rows_affected == 0 {
            return Err(RepoError::conflict(
                "invalid_transition",
                "the application is no longer approved",
            ));
        }
        let existing = commitments::Entity::find_by_id(id).one(&tx.tx).await?;
        let mut c = match existing {
            Some(c) => c,
            None => {
                let (Some(g), Some(a)) = (
                    goals.map(str::trim).filter(|s| !s.is_empty()),
                    agenda.map(str::trim).filter(|s| !s.is_empty()),
                ) else {
                    return Err(RepoError::Invalid(vec![
                        crate::Problem::new(
                            "goals",
                            "required",
                            "the first signer states the goals",
                        ),
                        crate::Problem::new(
                            "agenda",
                            "required",
                            "the first signer states the agenda",
                        ),
                    ]));
                };
                commitments::ActiveModel {
                    application_id: Set(id),
                    goals: Set(g.to_owned()),
                    agenda: Set(a.to_owned()),
                    visitor_signed_by: Set(None),
                    visitor_signed_at: Set(None),
                    host_signed_by: Set(None),
                    host_signed_at: Set(None),
                    vop_signed_by: Set(None),
                    vop_signed_at: Set(None),
                    hop_signed_by: Set(None),
                    hop_signed_at: Set(None),
                    version: Set(1),
                }
                .insert(&tx.tx)
                .await?
            }
        };
        let Some(party) = parties.iter().copied().find(|p| !signed(&c, *p)) else {
            return Err(RepoError::conflict(
                "already_signed",
                "you have already signed for every party you represent",
            ));
        };
        let now = Utc::now();
        let mut am: commitments::ActiveModel = c.clone().into();
        match party {
            Signatory::Visitor => {
                (am.visitor_signed_by, am.visitor_signed_at) =
                    (Set(Some(caller.id())), Set(Some(now)))
            }
            Signatory::Host => {
                (am.host_signed_by, am.host_signed_at) = (Set(Some(caller.id())), Set(Some(now)))
            }
            Signatory::Vop => {
                (am.vop_signed_by, am.vop_signed_at) = (Set(Some(caller.id())), Set(Some(now)))
            }
            Signatory::Hop => {
                (am.hop_signed_by, am.hop_signed_at) = (Set(Some(caller.id())), Set(Some(now)))
            }
        }
        am.version = Set(c.version + 1);
        c = am.update(&tx.tx).await?;
        let done = Signatory::ALL.iter().all(|s| signed(&c, *s));
        let signed_count = Signatory::ALL.iter().filter(|s| signed(&c, **s)).count();
        let note = format!("commitment signed by {}", party.as_str());
        let app = if done {
            let updated = transition(
                &tx.tx,
                &app,
                &sources(Action::Commit),
                Status::Committed,
                None,
                |q| q,
            )
            .await?;
            history::append(
                &tx.tx,
                id,
                Some("approved"),
                "committed",
                caller.id(),
                Some(&note),
            )
            .await?;
            updated
        } else {
            history::append(
                &tx.tx,
                id,
                Some("approved"),
                "approved",
                caller.id(),
                Some(&note),
            )
            .await?;
            applications::Entity::find_by_id(id)
                .one(&tx.tx)
                .await?
                .ok_or(RepoError::NotFound)?
        };
        let ctx = notify::Commitment {
            exchange: self.email_ctx(&tx.tx, &app).await?,
            signed_count: u32::try_from(signed_count).unwrap_or(0),
        };
        let mut everyone = Vec::new();
        if let Some(a) = users::Entity::find_by_id(app.applicant_id)
            .one(&tx.tx)
            .await?
        {
            everyone.push((Signatory::Visitor, a));
        }
        everyone.extend(
            self.contacts_of(&tx.tx, app.host_organisation_id)
                .await?
                .into_iter()
                .map(|u| (Signatory::Host, u)),
        );
        everyone.extend(
            self.coordinators_of(&tx.tx, app.partnership_id)
                .await?
                .into_iter()
                .map(|u| (Signatory::Vop, u)),
        );
        everyone.extend(
            self.coordinators_of(&tx.tx, app.host_partnership_id)
                .await?
                .into_iter()
                .map(|u| (Signatory::Hop, u)),
        );
        let mut sent = Vec::new();
        for (role, u) in everyone {
            let kind = if done {
                Email::CommitmentCompleted
            } else if !signed(&c, role) {
                Email::CommitmentSignatureNeeded
            } else {
                continue;
            };
            if u.id == caller.id() || sent.contains(&u.id) {
                continue;
            }
            sent.push(u.id);
            self.enqueue(&tx.tx, Envelope::to_user(&u, kind(ctx.clone())).about(id))
                .await?;
        }
        tx.commit().await?;
        Ok((app, c))
    }

    /// The applicant reports after the exchange ended: `committed → reported`.
    ///
    /// # Errors
    /// `Forbidden`, `Conflict` (state, too early).
    pub async fn submit_report(
        &self,
        caller: &Caller,
        id: Uuid,
        r: ReportInput,
    ) -> RepoResult<applications::Model> {
        let (app, rel) = self.application_for(caller, id).await?;
        if !rel.is_applicant() {
            return Err(RepoError::Forbidden("only the applicant reports".into()));
        }
        if Utc::now().date_naive() <= app.end_date {
            return Err(RepoError::conflict(
                "report_too_early",
                format!(
                    "the closing report is due after the exchange ends ({})",
                    app.end_date
                ),
            ));
        }
        let tx = self.db.write().await?;
        let updated = transition(
            &tx.tx,
            &app,
            &sources(Action::Report),
            Status::Reported,
            None,
            |q| q,
        )
        .await?;
        closing_reports::ActiveModel {
            application_id: Set(id),
            summary: Set(r.summary),
            outcomes: Set(r.outcomes),
            would_recommend: Set(r.would_recommend),
            evidence: Set(serde_json::json!(r.evidence)),
            submitted_at: Set(Utc::now()),
            validated_by: Set(None),
            validated_at: Set(None),
        }
        .insert(&tx.tx)
        .await?;
        // The exchange took place and is reported: its reminders have nothing left to say.
        self.unschedule(&tx.tx, id, &["report_due", "reminder_exchange_start"])
            .await?;
        history::append(
            &tx.tx,
            id,
            Some(app.status.as_str()),
            "reported",
            caller.id(),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(updated)
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
    /// `Forbidden`, `Conflict`.
    pub async fn validate_report(
        &self,
        caller: &Caller,
        id: Uuid,
        comment: Option<&str>,
    ) -> RepoResult<applications::Model> {
        let (app, rel) = self.application_for(caller, id).await?;
        if !rel.vop_coordinator {
            return Err(RepoError::Forbidden(
                "only a coordinator of the visiting organisation's partnership validates".into(),
            ));
        }
        let now = Utc::now();
        let tx = self.db.write().await?;
        let updated = transition(
            &tx.tx,
            &app,
            &sources(Action::Validate),
            Status::Completed,
            None,
            |q| q.col_expr(applications::Column::ValidatedAt, Expr::value(now)),
        )
        .await?;
        closing_reports::Entity::update_many()
            .col_expr(
                closing_reports::Column::ValidatedBy,
                Expr::value(caller.id()),
            )
            .col_expr(closing_reports::Column::ValidatedAt, Expr::value(now))
            .filter(closing_reports::Column::ApplicationId.eq(id))
            .exec(&tx.tx)
            .await?;
        history::append(
            &tx.tx,
            id,
            Some(app.status.as_str()),
            "completed",
            caller.id(),
            comment,
        )
        .await?;
        let ctx = self.email_ctx(&tx.tx, &updated).await?;
        if let Some(a) = users::Entity::find_by_id(updated.applicant_id)
            .one(&tx.tx)
            .await?
        {
            self.enqueue(
                &tx.tx,
                Envelope::to_user(&a, Email::ReportValidated(note(&ctx, comment))).about(id),
            )
            .await?;
        }
        let overdue = Email::PaymentOverdue(PaymentOverdue {
            exchange: ctx,
            days_overdue: 10,
        });
        for c in self.coordinators_of(&tx.tx, updated.partnership_id).await? {
            self.enqueue(
                &tx.tx,
                Envelope::to_user(&c, overdue.clone())
                    .about(id)
                    .at(now + Duration::days(10)),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(updated)
    }

    /// The single payment: `completed → paid`; a second is 409.
    ///
    /// # Errors
    /// `Forbidden`, `Conflict`, `Invalid` (amount above the grant).
    pub async fn record_payment(
        &self,
        caller: &Caller,
        id: Uuid,
        paid_on: NaiveDate,
        amount_cents: i64,
    ) -> RepoResult<applications::Model> {
        let (app, rel) = self.application_for(caller, id).await?;
        if !rel.vop_coordinator {
            return Err(RepoError::Forbidden(
                "only a coordinator of the visiting organisation's partnership records payments"
                    .into(),
            ));
        }
        if app.status == Status::Paid {
            return Err(RepoError::conflict(
                "already_paid",
                "this exchange has already been paid; only one payment is allowed",
            ));
        }
        let grant = app.grant_cents.unwrap_or(0);
        if amount_cents <= 0 || amount_cents > grant {
            return Err(RepoError::invalid(
                "amount_cents",
                "invalid_amount",
                format!("the payment must be between 1 and the grant of {grant} cents"),
            ));
        }
        cxc_domain::plausible::payment_date(paid_on, app.end_date, Utc::now().date_naive())
            .map_err(|e| RepoError::invalid("paid_on", e.code, e.message))?;
        let tx = self.db.write().await?;
        let updated = transition(
            &tx.tx,
            &app,
            &sources(Action::Pay),
            Status::Paid,
            None,
            |q| q,
        )
        .await?;
        let inserted = payments::ActiveModel {
            application_id: Set(id),
            paid_on: Set(paid_on),
            amount_cents: Set(amount_cents),
            recorded_by: Set(caller.id()),
            created_at: Set(Utc::now()),
        }
        .insert(&tx.tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(RepoError::conflict(
                    "already_paid",
                    "only one payment is allowed",
                ));
            }
            Err(e) => return Err(e.into()),
        }
        calls::Entity::update_many()
            .col_expr(
                calls::Column::BudgetPaidCents,
                Expr::col(calls::Column::BudgetPaidCents).add(amount_cents),
            )
            .filter(calls::Column::Id.eq(app.call_id))
            .exec(&tx.tx)
            .await?;
        self.unschedule(&tx.tx, id, &["payment_overdue"]).await?;
        history::append(
            &tx.tx,
            id,
            Some(app.status.as_str()),
            "paid",
            caller.id(),
            None,
        )
        .await?;
        let ctx = Email::PaymentRecorded(PaymentRecorded {
            exchange: self.email_ctx(&tx.tx, &updated).await?,
            amount_cents,
            paid_on,
        });
        if let Some(a) = users::Entity::find_by_id(updated.applicant_id)
            .one(&tx.tx)
            .await?
        {
            self.enqueue(&tx.tx, Envelope::to_user(&a, ctx).about(id))
                .await?;
        }
        tx.commit().await?;
        Ok(updated)
    }

    /// # Errors
    /// Database failures only.
    pub async fn payment(&self, id: Uuid) -> RepoResult<Option<payments::Model>> {
        Ok(payments::Entity::find_by_id(id).one(&self.db.conn).await?)
    }
}
