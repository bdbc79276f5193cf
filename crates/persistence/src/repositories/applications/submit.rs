//! Submission (the full eligibility engine) and the host's answer.

use chrono::NaiveDate;
use cxc_domain::{
    eligibility::{Check, ExchangeFacts, ExchangeReport, Participant, check_exchange},
    organisation::OrganisationFacts,
    policy::AppAction,
    workflow::Status,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::{
    ParticipantData,
    change::{Act, Submission},
    status_in,
};
use crate::{
    Problem, RepoError, RepoResult,
    entities::{applications, calls, organisations},
    repositories::{Store, accounts::Caller},
};

/// One exchange to judge: organisations (stored or described inline), dates and the call.
pub struct ExchangeCheck<'a> {
    pub visitor: &'a OrganisationFacts,
    pub host: &'a OrganisationFacts,
    /// The stored visitor, whose earlier visits count for R15; `None` for an inline one.
    pub visitor_id: Option<Uuid>,
    /// The application being judged, left out of its own earlier visits.
    pub application_id: Option<Uuid>,
    pub participant: &'a Participant,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub travel_days: &'a [NaiveDate],
    /// The call: its duration limits, lump sums, opening and profiles apply.
    pub call: Option<&'a calls::Model>,
    /// A lump sum to use instead of the call's (or the ceiling when there is no call).
    pub lump_sum_cents: Option<i64>,
}

/// The call's lump sum for a host country, else its default.
#[must_use]
pub fn lump_sum_for(call: &calls::Model, host_country: &str) -> i64 {
    call.lump_sums_by_host_country
        .get(host_country)
        .copied()
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
    /// Runs every rule for an application as it stands (the same code as the public
    /// exchange calculator, [`Store::judge_exchange`]).
    ///
    /// # Errors
    /// Database failures only.
    pub async fn evaluate(
        &self,
        app: &applications::Model,
        call: &calls::Model,
    ) -> RepoResult<ExchangeReport> {
        let orgs = self
            .organisations(&[app.organisation_id, app.host_organisation_id])
            .await?;
        self.evaluate_with(app, call, &orgs).await
    }

    /// [`Store::evaluate`] with both organisations already read (in one query); their
    /// clusters are read in one more.
    async fn evaluate_with(
        &self,
        app: &applications::Model,
        call: &calls::Model,
        orgs: &[organisations::Model],
    ) -> RepoResult<ExchangeReport> {
        let find = |id: Uuid| orgs.iter().find(|o| o.id == id).ok_or(RepoError::NotFound);
        let (visitor, host) = (find(app.organisation_id)?, find(app.host_organisation_id)?);
        let mut facts = self
            .organisations_facts(&[visitor, host])
            .await?
            .into_iter();
        let (Some(vf), Some(hf)) = (facts.next(), facts.next()) else {
            return Err(RepoError::NotFound);
        };
        let p: ParticipantData = app.participant.0.clone();
        let participant = Participant {
            full_name: p.full_name,
            nationality: p.nationality,
            base_country: p.base_country,
            residence_permit_days: p.residence_permit_days,
            business_started_or_intended: p.business_started_or_intended,
        };
        let travel: &[NaiveDate] = &app.travel_days;
        self.judge_exchange(&ExchangeCheck {
            visitor: &vf,
            host: &hf,
            visitor_id: Some(app.organisation_id),
            application_id: Some(app.id),
            participant: &participant,
            start_date: app.start_date,
            end_date: app.end_date,
            travel_days: travel,
            call: Some(call),
            lump_sum_cents: None,
        })
        .await
    }

    /// Every exchange rule for two organisations and dates: the one evaluation behind both
    /// submission and `POST /eligibility/exchange-check`. Stores nothing.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn judge_exchange(&self, x: &ExchangeCheck<'_>) -> RepoResult<ExchangeReport> {
        let previous: Vec<Uuid> = match x.visitor_id {
            Some(org) => previous_visits(&self.db.conn, org, x.application_id).await?,
            None => Vec::new(),
        };
        let now = self.now();
        let mut cfg = self.rules().clone();
        if let Some(call) = x.call {
            cfg.min_working_days =
                u32::try_from(call.min_working_days).unwrap_or(cfg.min_working_days);
            cfg.max_days = u32::try_from(call.max_days).unwrap_or(cfg.max_days);
        }
        let lump_sum = x
            .lump_sum_cents
            .or_else(|| x.call.map(|c| lump_sum_for(c, &x.host.country)))
            .unwrap_or(cfg.lump_sum_ceiling_cents);
        let mut report = check_exchange(
            &ExchangeFacts {
                visitor: x.visitor,
                host: x.host,
                participant: x.participant,
                start_date: x.start_date,
                end_date: x.end_date,
                travel_days: x.travel_days,
                previous_visits: &previous,
                call_open: x
                    .call
                    .is_none_or(|c| c.opens_at <= now && now < c.closes_at),
                lump_sum_for_host_cents: lump_sum,
            },
            &cfg,
        );
        let Some(call) = x.call else {
            for c in report.checks.iter_mut().filter(|c| c.rule == "call_open") {
                c.message = "No call was given, so whether a call is open was not checked.".into();
            }
            return Ok(report);
        };
        let allowed = &call.eligible_profiles;
        if !allowed.is_empty() {
            let ok = allowed.contains(&x.visitor.profile);
            report.checks.push(Check::new(
                "call_profile",
                ok,
                if ok {
                    format!(
                        "This call is open to {} organisations.",
                        x.visitor.profile.as_str()
                    )
                } else {
                    format!(
                        "This call is open only to: {}.",
                        allowed
                            .iter()
                            .map(|p| p.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            ));
            report.eligible &= ok;
        }
        Ok(report)
    }

    /// `draft → submitted` after every rule passed; 422 lists every failed rule. Records
    /// who acts for each side now, for the conflict-of-interest rules.
    ///
    /// # Errors
    /// `Denied`, `Conflict`, `Invalid` (failed rules).
    pub async fn submit_application(
        &self,
        caller: &Caller,
        id: Uuid,
    ) -> RepoResult<applications::Model> {
        let (app, _) = self.acting(caller, id, AppAction::Submit).await?;
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
        let orgs = self
            .organisations(&[app.organisation_id, app.host_organisation_id])
            .await?;
        let report = self.evaluate_with(&app, &call, &orgs).await?;
        let failed: Vec<Problem> = report
            .checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| Problem::new(field_of(c.rule), c.rule, c.message.clone()))
            .collect();
        if !failed.is_empty() {
            return Err(RepoError::Invalid(failed));
        }
        // The emails name the organisations and the call just read (no second read
        // under the write lock).
        let submission = Submission {
            report,
            orgs,
            call_title: call.title,
        };
        Ok(self
            .act(caller, id, Act::Submit(Box::new(submission)), None)
            .await?
            .app)
    }

    /// A host contact accepts or declines, once, while the application awaits a decision.
    ///
    /// # Errors
    /// `Denied` (not a host contact, or acting for the visitor), `Conflict` (already
    /// answered / wrong state).
    pub async fn host_respond(
        &self,
        caller: &Caller,
        id: Uuid,
        accept: bool,
        comment: Option<&str>,
    ) -> RepoResult<applications::Model> {
        // The policy, then `host_may_respond`, are asked under the row lock (`Store::act`).
        let act = Act::HostRespond { accept };
        Ok(self.act(caller, id, act, comment).await?.app)
    }
}

/// Other exchanges of the same visiting organisation that count as a visit (R15).
pub(super) async fn previous_visits<C: ConnectionTrait>(
    conn: &C,
    organisation_id: Uuid,
    except: Option<Uuid>,
) -> RepoResult<Vec<Uuid>> {
    let counting: Vec<Status> = Status::ALL
        .into_iter()
        .filter(|s| s.counts_as_visit())
        .collect();
    let mut q = applications::Entity::find()
        .select_only()
        .column(applications::Column::Id)
        .filter(applications::Column::OrganisationId.eq(organisation_id))
        .filter(status_in(&counting));
    if let Some(id) = except {
        q = q.filter(applications::Column::Id.ne(id));
    }
    Ok(q.into_tuple().all(conn).await?)
}
