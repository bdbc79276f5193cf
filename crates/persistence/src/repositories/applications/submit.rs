//! Submission (the full eligibility engine) and the host's answer.

use chrono::{NaiveDate, Utc};
use cxc_domain::{
    eligibility::{Check, ExchangeFacts, ExchangeReport, Participant, check_exchange},
    workflow::{HostResponse, Status, host_may_respond},
};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, prelude::Expr};
use uuid::Uuid;

use super::{ParticipantData, history, status_in, transition, with};
use crate::{
    Backend, Problem, RepoError, RepoResult,
    entities::{applications, calls, organisations, users},
    repositories::{Store, accounts::Caller, outbox::Envelope},
};

/// The call's lump sum for a host country, else its default.
#[must_use]
pub fn lump_sum_for(call: &calls::Model, host_country: &str) -> i64 {
    call.lump_sums_by_host_country
        .get(host_country)
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(call.lump_sum_default_cents)
}

/// Which request field a failed rule is about, so clients can point at it.
fn field_of(rule: &str) -> &'static str {
    match rule {
        "min_working_days" | "max_duration" | "consecutive_stay" => "end_date",
        "residence_basis" | "third_country_national" => "participant",
        "host_type_allowed"
        | "host_country_eligible"
        | "non_member_sme_host_exception"
        | "transnational" => "host_organisation_id",
        "call_open" | "call_profile" | "lump_sum_ceiling" => "call_id",
        _ => "organisation_id",
    }
}

impl Store {
    /// Runs every rule for an application as it stands.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn evaluate(
        &self,
        app: &applications::Model,
        call: &calls::Model,
    ) -> RepoResult<ExchangeReport> {
        let visitor = self.organisation(app.organisation_id).await?;
        let host = self.organisation(app.host_organisation_id).await?;
        let (vf, hf) = (
            self.organisation_facts(&visitor).await?,
            self.organisation_facts(&host).await?,
        );
        let previous: Vec<Uuid> = previous_visits(&self.db.conn, app).await?;
        let p: ParticipantData =
            serde_json::from_value(app.participant.clone()).unwrap_or_default();
        let participant = Participant {
            full_name: p.full_name,
            nationality: p.nationality,
            base_country: p.base_country,
            residence_permit_days: p.residence_permit_days,
            business_started_or_intended: p.business_started_or_intended,
        };
        let travel: Vec<NaiveDate> =
            serde_json::from_value(app.travel_days.clone()).unwrap_or_default();
        let now = Utc::now();
        let mut cfg = self.rules().clone();
        cfg.min_working_days = u32::try_from(call.min_working_days).unwrap_or(cfg.min_working_days);
        cfg.max_days = u32::try_from(call.max_days).unwrap_or(cfg.max_days);
        let mut report = check_exchange(
            &ExchangeFacts {
                visitor: &vf,
                host: &hf,
                participant: &participant,
                start_date: app.start_date,
                end_date: app.end_date,
                travel_days: &travel,
                previous_visits: &previous,
                call_open: call.opens_at <= now && now < call.closes_at,
                lump_sum_for_host_cents: lump_sum_for(call, &hf.country),
            },
            &cfg,
        );
        let allowed: Vec<String> =
            serde_json::from_value(call.eligible_profiles.clone()).unwrap_or_default();
        if !allowed.is_empty() {
            let ok = allowed.iter().any(|p| p == vf.profile.as_str());
            report.checks.push(Check::new(
                "call_profile",
                ok,
                if ok {
                    format!(
                        "This call is open to {} organisations.",
                        vf.profile.as_str()
                    )
                } else {
                    format!("This call is open only to: {}.", allowed.join(", "))
                },
            ));
            report.eligible &= ok;
        }
        Ok(report)
    }

    /// `draft → submitted` after every rule passed; 422 lists every failed rule.
    ///
    /// # Errors
    /// `Forbidden`, `Conflict`, `Invalid` (failed rules).
    pub async fn submit_application(
        &self,
        caller: &Caller,
        id: Uuid,
    ) -> RepoResult<applications::Model> {
        let (app, rel) = self.application_for(caller, id).await?;
        if !rel.is_applicant() {
            return Err(RepoError::Forbidden("only the applicant may submit".into()));
        }
        if app.status != Status::Draft {
            return Err(RepoError::conflict(
                "invalid_transition",
                format!(
                    "the application is {}; only drafts can be submitted",
                    app.status
                ),
            ));
        }
        let call = self.call(app.call_id).await?;
        let report = self.evaluate(&app, &call).await?;
        let failed: Vec<Problem> = report
            .checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| Problem::new(field_of(c.rule), c.rule, c.message.clone()))
            .collect();
        if !failed.is_empty() {
            return Err(RepoError::Invalid(failed));
        }
        let tx = self.db.write().await?;
        if self.db.backend() == Backend::Postgres {
            // Serialises submissions of one visiting organisation so "visits once" holds.
            organisations::Entity::find_by_id(app.organisation_id)
                .lock_exclusive()
                .one(&tx.tx)
                .await?;
        }
        if let Some(other) = previous_visits(&tx.tx, &app).await?.first() {
            return Err(RepoError::invalid(
                "organisation_id",
                "visit_once",
                format!(
                    "This organisation has already taken part as a visiting organisation (exchange {other}). An organisation may visit only once."
                ),
            ));
        }
        let now = Utc::now();
        let eligibility = serde_json::to_value(&report).unwrap_or_default();
        let updated = transition(
            &tx.tx,
            &app,
            &[Status::Draft],
            Status::Submitted,
            None,
            |q| {
                q.col_expr(applications::Column::SubmittedAt, Expr::value(now))
                    .col_expr(applications::Column::Eligibility, Expr::value(eligibility))
                    .col_expr(
                        applications::Column::WorkingDays,
                        Expr::value(i32::try_from(report.working_days).unwrap_or(0)),
                    )
                    .col_expr(
                        applications::Column::DistanceKm,
                        Expr::value(report.distance_km),
                    )
                    .col_expr(
                        applications::Column::GrantCents,
                        Expr::value(report.grant_cents),
                    )
            },
        )
        .await?;
        history::append(&tx.tx, id, Some("draft"), "submitted", caller.id(), None).await?;
        let ctx = self.email_ctx(&tx.tx, &updated).await?;
        if let Some(applicant) = users::Entity::find_by_id(updated.applicant_id)
            .one(&tx.tx)
            .await?
        {
            self.enqueue(
                &tx.tx,
                Envelope::to_user(&applicant, "application_submitted", ctx.clone()).about(id),
            )
            .await?;
        }
        for c in self.coordinators_of(&tx.tx, updated.partnership_id).await? {
            self.enqueue(
                &tx.tx,
                Envelope::to_user(&c, "application_submitted_coordinator", ctx.clone()).about(id),
            )
            .await?;
        }
        for h in self
            .contacts_of(&tx.tx, updated.host_organisation_id)
            .await?
        {
            self.enqueue(
                &tx.tx,
                Envelope::to_user(&h, "host_response_requested", ctx.clone()).about(id),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(updated)
    }

    /// A host contact accepts or declines, once, while the application awaits a decision.
    ///
    /// # Errors
    /// `Forbidden` (not a host contact), `Conflict` (already answered / wrong state).
    pub async fn host_respond(
        &self,
        caller: &Caller,
        id: Uuid,
        accept: bool,
        comment: Option<&str>,
    ) -> RepoResult<applications::Model> {
        let (app, rel) = self.application_for(caller, id).await?;
        if !rel.host_contact {
            return Err(RepoError::Forbidden(
                "only a contact of the host organisation may answer".into(),
            ));
        }
        let status = app.status;
        let current = app.host_response;
        if !host_may_respond(status, current) {
            return Err(RepoError::conflict(
                "host_response_closed",
                format!(
                    "the host can answer once while the application awaits a decision (status {}, host response {})",
                    app.status, app.host_response
                ),
            ));
        }
        let answer = if accept {
            HostResponse::Accepted
        } else {
            HostResponse::Declined
        };
        let tx = self.db.write().await?;
        let res = applications::Entity::update_many()
            .col_expr(
                applications::Column::HostResponse,
                Expr::value(answer.as_str()),
            )
            .col_expr(
                applications::Column::Version,
                Expr::col(applications::Column::Version).add(1),
            )
            .col_expr(applications::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(applications::Column::Id.eq(id))
            .filter(applications::Column::HostResponse.eq(HostResponse::Pending.as_str()))
            .filter(status_in(&[
                Status::Submitted,
                Status::UnderReview,
                Status::Waitlisted,
            ]))
            .exec(&tx.tx)
            .await?;
        if res.rows_affected == 0 {
            return Err(RepoError::conflict(
                "host_response_closed",
                "the host has already answered or the application moved on",
            ));
        }
        let updated = applications::Entity::find_by_id(id)
            .one(&tx.tx)
            .await?
            .ok_or(RepoError::NotFound)?;
        let note = format!(
            "host {}{}",
            answer.as_str(),
            comment.map(|c| format!(": {c}")).unwrap_or_default()
        );
        history::append(
            &tx.tx,
            id,
            Some(app.status.as_str()),
            app.status.as_str(),
            caller.id(),
            Some(&note),
        )
        .await?;
        let ctx = with(
            self.email_ctx(&tx.tx, &updated).await?,
            [
                ("accepted", accept.into()),
                ("comment", comment.unwrap_or_default().into()),
            ],
        );
        if let Some(applicant) = users::Entity::find_by_id(updated.applicant_id)
            .one(&tx.tx)
            .await?
        {
            self.enqueue(
                &tx.tx,
                Envelope::to_user(&applicant, "host_response", ctx).about(id),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(updated)
    }
}

/// Other exchanges of the same visiting organisation that count as a visit (R15).
async fn previous_visits<C: ConnectionTrait>(
    conn: &C,
    app: &applications::Model,
) -> RepoResult<Vec<Uuid>> {
    let counting: Vec<Status> = Status::ALL
        .into_iter()
        .filter(|s| s.counts_as_visit())
        .collect();
    Ok(applications::Entity::find()
        .select_only()
        .column(applications::Column::Id)
        .filter(applications::Column::OrganisationId.eq(app.organisation_id))
        .filter(applications::Column::Id.ne(app.id))
        .filter(status_in(&counting))
        .into_tuple()
        .all(conn)
        .await?)
}
