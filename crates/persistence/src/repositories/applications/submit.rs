//! Submission (the full eligibility engine) and the host's answer.
use std::sync::OnceLock;

use chrono::{NaiveDate, Utc};
use cxc_domain::{
    eligibility::{Check, ExchangeFacts, ExchangeReport, Participant, RuleConfig, check_exchange},
    policy::AppAction,
    workflow::{HostResponse, Status, host_may_respond},
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::{ParticipantData, change::Act, status_in};
use crate::{
    Problem, RepoError, RepoResult,
    entities::{applications, calls},
    repositories::{Store, accounts::Caller},
};

static RULES: OnceLock<RuleConfig> = OnceLock::new();

/// The rule set every check uses: built-in tables (programme countries, holiday
/// calendars) with the operator's `[rules]` settings applied; calls override the duration
/// limits.
pub fn base_rules() -> &'static RuleConfig {
    RULES.get_or_init(RuleConfig::default)
}

/// Installs the configured rule set; only the first call takes effect (start-up).
/// Returns whether this call installed it.
pub fn install_rules(cfg: RuleConfig) -> bool {
    RULES.set(cfg).is_ok()
}

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
        let mut cfg = base_rules().clone();
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
        if app.status != Status::Draft.as_str() {
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
        Ok(self.act(caller, id, Act::Submit(report), None).await?.app)
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
        let (app, _) = self.acting(caller, id, AppAction::RespondAsHost).await?;
        let status = Status::parse(&app.status).unwrap_or(Status::Draft);
        let current = HostResponse::parse(&app.host_response).unwrap_or(HostResponse::Pending);
        if !host_may_respond(status, current) {
            return Err(RepoError::conflict(
                "host_response_closed",
                format!(
                    "the host can answer once while the application awaits a decision (status {}, host response {})",
                    app.status, app.host_response
                ),
            ));
        }
        let act = Act::HostRespond { accept };
        Ok(self.act(caller, id, act, comment).await?.app)
    }
}

/// Other exchanges of the same visiting organisation that count as a visit (R15).
pub(super) async fn previous_visits<C: ConnectionTrait>(
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
