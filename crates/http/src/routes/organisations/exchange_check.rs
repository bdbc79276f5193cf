//! The exchange calculator: every exchange rule for two organisations and dates, before
//! anyone applies. Stores nothing, and runs exactly the code submission runs
//! (`Store::judge_exchange`).
//!
//! Public, like `POST /eligibility/check` (the contract's style for "may I take part?"
//! questions): anyone may describe both organisations inline. Naming a stored
//! organisation by id needs a signed-in caller, because a stored organisation's figures are
//! not public: the visitor must be one the caller may read (else 404), the host any stored
//! organisation (as when filing an application).
use axum::{Json, extract::State};
use chrono::NaiveDate;
use cxc_domain::{
    eligibility::{ExchangeReport, Participant, rule},
    geo::Distance,
    holidays::HolidayCalendars,
    organisation::OrganisationFacts,
    working_days::WorkingDays,
};
use cxc_persistence::{Problem, repositories::applications::ExchangeCheck};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{dto::OrgBody, eligibility::CheckDto, validation, visible};
use crate::{
    error::{ApiError, ApiResult, ProblemDoc},
    extract::{ApiJson, MaybeAuth},
    fields,
    state::AppState,
};
use cxc_domain::plausible;
use validator::Validate;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(exchange_check))
}

/// One side of the exchange: a stored organisation or one described inline.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgRef {
    /// A stored organisation (needs a signed-in caller).
    pub organisation_id: Option<Uuid>,
    /// Or the organisation described as in `POST /organisations`.
    pub organisation: Option<OrgBody>,
}

/// The travelling representative; defaults to a national of the visitor's country based there.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalcParticipant {
    /// ISO 3166-1 alpha-2.
    pub nationality: String,
    /// ISO 3166-1 alpha-2.
    pub base_country: String,
    pub residence_permit_days: Option<u32>,
    pub business_started_or_intended: Option<bool>,
}

/// The bounds of the exchange's own fields are declared here (see `crate::fields`); an
/// inline organisation is judged as in `POST /organisations`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ExchangeCheckRequest {
    pub visitor: OrgRef,
    pub host: OrgRef,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// Arrival and departure days inside the stay, at most 10; not working days.
    #[serde(default)]
    #[validate(length(max = 10, code = "out_of_range", message = "at most 10 travel days"))]
    #[schema(max_items = 10)]
    pub travel_days: Vec<NaiveDate>,
    pub participant: Option<CalcParticipant>,
    /// A call whose duration limits, lump sums and opening apply.
    pub call_id: Option<Uuid>,
    /// The host-country lump sum to assume (cents); default the call's, else the ceiling.
    #[validate(range(min = 0, max = plausible::MAX_CENTS, code = "out_of_range", message = "must be between 0 and 10,000,000,000 cents"))]
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub lump_sum_cents: Option<i64>,
}

/// The problems of the exchange's own fields (the organisations are judged when
/// resolved).
fn field_problems(r: &ExchangeCheckRequest) -> Vec<Problem> {
    let mut p = fields::problems(r.validate());
    crate::routes::applications::check_dates(
        Some(r.start_date),
        Some(r.end_date),
        Some(&r.travel_days),
        &mut p,
    );
    if let Some(pp) = &r.participant {
        for (field, c) in [
            ("participant.nationality", &pp.nationality),
            ("participant.base_country", &pp.base_country),
        ] {
            if !cxc_domain::countries::is_iso_country(c) {
                p.push(Problem::new(
                    field,
                    "invalid_country",
                    format!("'{c}' is not an ISO 3166-1 alpha-2 country code"),
                ));
            }
        }
    }
    p
}

/// An excluded day and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExcludedDayDto {
    pub date: NaiveDate,
    /// `weekend`, `public_holiday` or `travel_day`.
    pub reason: String,
    /// The holiday's name in the country's language.
    pub holiday: Option<String>,
    /// E.g. `2024-03-28 Jueves Santo (ES-MD)`.
    pub description: String,
}

/// A working-day figure with every day it excluded.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkingDaysDto {
    pub count: u32,
    /// The holiday calendar used: region (`ES-MD`) or country (`ES`).
    pub calendar: String,
    pub calendar_note: String,
    pub excluded: Vec<ExcludedDayDto>,
    /// False when a very long range listed only its first excluded days.
    pub excluded_complete: bool,
    /// Version of the `holidays` data set the calendars come from.
    pub holidays_data_version: String,
}

impl From<WorkingDays> for WorkingDaysDto {
    fn from(w: WorkingDays) -> Self {
        Self {
            count: w.count,
            calendar: w.calendar,
            calendar_note: w.calendar_note,
            excluded: w
                .excluded
                .into_iter()
                .map(|e| ExcludedDayDto {
                    date: e.date,
                    reason: serde_json::to_value(e.reason)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    holiday: e.holiday,
                    description: e.description,
                })
                .collect(),
            excluded_complete: w.excluded_complete,
            holidays_data_version: HolidayCalendars::data_version().to_owned(),
        }
    }
}

/// The distance between the organisations, exact and rounded, against the threshold.
#[derive(Debug, Serialize, ToSchema)]
pub struct DistanceDto {
    /// Exact value, compared with the threshold.
    pub km: f64,
    /// Rounded to 0.1 km, e.g. `200.3 km`.
    pub display: String,
    pub method: String,
    pub threshold_km: f64,
    pub below_threshold: bool,
    pub explanation: String,
}

impl From<Distance> for DistanceDto {
    fn from(d: Distance) -> Self {
        Self {
            km: d.km,
            display: d.display,
            method: d.method.to_owned(),
            threshold_km: d.threshold_km,
            below_threshold: d.below_threshold,
            explanation: d.explanation,
        }
    }
}

/// The lump sum and why it is (or is not) halved.
#[derive(Debug, Serialize, ToSchema)]
pub struct LumpSumDto {
    /// The host-country amount within the €1,100 ceiling.
    pub full_cents: i64,
    pub grant_cents: i64,
    pub halved: bool,
    pub reasons: Vec<String>,
    pub explanation: String,
    /// Where the amount comes from: `call`, `request` or `ceiling`.
    pub source: String,
}

/// One rule with its id in `domain-rules.md` (e.g. `R12`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExchangeRuleDto {
    #[serde(flatten)]
    pub check: CheckDto,
    /// `R01`..`R22`, absent for checks that are not numbered rules (`call_open`).
    pub reference: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExchangeCheckReport {
    pub eligible: bool,
    pub working_days: WorkingDaysDto,
    pub distance: DistanceDto,
    pub lump_sum: LumpSumDto,
    /// Every rule evaluated, passed or not (both organisations' rules, then the exchange's).
    pub checks: Vec<ExchangeRuleDto>,
    /// What was assumed because the request left it out.
    pub assumptions: Vec<String>,
}

async fn resolve(
    st: &AppState,
    caller: Option<&cxc_persistence::repositories::accounts::Caller>,
    side: &str,
    r: OrgRef,
    must_see: bool,
) -> ApiResult<(OrganisationFacts, Option<Uuid>)> {
    match (r.organisation_id, r.organisation) {
        (Some(id), None) => {
            let Some(c) = caller else {
                return Err(ApiError::Unauthorized);
            };
            let m = if must_see {
                visible(st, c, id).await?.0
            } else {
                st.store.organisation(id).await?
            };
            Ok((st.store.organisation_facts(&m).await?, Some(id)))
        }
        (None, Some(body)) => {
            let v = validation::validate(st, body).await.map_err(|e| match e {
                ApiError::Unprocessable(p) => ApiError::Unprocessable(
                    p.into_iter()
                        .map(|x| {
                            Problem::new(
                                format!("{side}.organisation.{}", x.field),
                                &x.code,
                                x.message,
                            )
                        })
                        .collect(),
                ),
                e => e,
            })?;
            Ok((v.facts, None))
        }
        _ => Err(ApiError::invalid(
            side,
            "one_of",
            "give exactly one of `organisation_id` and `organisation`",
        )),
    }
}

/// Judges an exchange before applying: working days with every excluded day, the
/// distance, the lump sum with the halving explained, and every exchange rule (R07-R15,
/// R21, R22, plus both organisations' R01-R06). Stores nothing.
#[utoipa::path(post, path = "/api/v1/eligibility/exchange-check", tag = "organisations",
    request_body = ExchangeCheckRequest,
    responses((status = 200, body = ExchangeCheckReport), (status = 400, body = ProblemDoc), (status = 401, body = ProblemDoc),
              (status = 404, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
async fn exchange_check(
    State(st): State<AppState>,
    MaybeAuth(caller): MaybeAuth,
    ApiJson(r): ApiJson<ExchangeCheckRequest>,
) -> ApiResult<Json<ExchangeCheckReport>> {
    let p = field_problems(&r);
    if !p.is_empty() {
        return Err(ApiError::Unprocessable(p));
    }
    let (visitor, visitor_id) = resolve(&st, caller.as_ref(), "visitor", r.visitor, true).await?;
    let (host, _) = resolve(&st, caller.as_ref(), "host", r.host, false).await?;
    let call = match r.call_id {
        Some(id) => Some(st.store.call(id).await?),
        None => None,
    };
    let mut assumptions = Vec::new();
    let participant = match r.participant {
        Some(pp) => Participant {
            full_name: String::new(),
            nationality: pp.nationality,
            base_country: pp.base_country,
            residence_permit_days: pp.residence_permit_days,
            business_started_or_intended: pp.business_started_or_intended,
        },
        None => {
            assumptions.push(format!(
                "No participant given: a national of {} based there is assumed.",
                visitor.country
            ));
            Participant {
                full_name: String::new(),
                nationality: visitor.country.clone(),
                base_country: visitor.country.clone(),
                residence_permit_days: None,
                business_started_or_intended: None,
            }
        }
    };
    let source = match (r.lump_sum_cents, &call) {
        (Some(_), _) => "request",
        (None, Some(_)) => "call",
        (None, None) => {
            assumptions.push(
                "No call or lump sum given: the absolute ceiling per visiting organisation is assumed as the host-country amount.".into(),
            );
            "ceiling"
        }
    };
    if visitor_id.is_none() {
        assumptions.push(
            "The visitor is described inline, so its earlier visits (R15) cannot be known and none are assumed.".into(),
        );
    }
    let report = st
        .store
        .judge_exchange(&ExchangeCheck {
            visitor: &visitor,
            host: &host,
            visitor_id,
            application_id: None,
            participant: &participant,
            start_date: r.start_date,
            end_date: r.end_date,
            travel_days: &r.travel_days,
            call: call.as_ref(),
            lump_sum_cents: r.lump_sum_cents,
        })
        .await?;
    Ok(Json(to_dto(report, source, assumptions)))
}

fn to_dto(r: ExchangeReport, source: &str, assumptions: Vec<String>) -> ExchangeCheckReport {
    let explanation = r
        .checks
        .iter()
        .find(|c| c.rule == rule::LUMP_SUM_HALVING)
        .map(|c| c.message.clone())
        .unwrap_or_default();
    ExchangeCheckReport {
        eligible: r.eligible,
        lump_sum: LumpSumDto {
            full_cents: r.full_lump_sum_cents,
            grant_cents: r.grant_cents,
            halved: r.halved,
            reasons: r.halving_reasons,
            explanation,
            source: source.to_owned(),
        },
        checks: r
            .checks
            .into_iter()
            .map(|c| ExchangeRuleDto {
                reference: rule::reference(c.rule).map(str::to_owned),
                check: CheckDto {
                    rule: c.rule.to_owned(),
                    passed: c.passed,
                    message: c.message,
                },
            })
            .collect(),
        working_days: r.working_days_detail.into(),
        distance: r.distance.into(),
        assumptions,
    }
}

/// The example and the checks of [`ExchangeCheckRequest`]'s own fields for
/// `fields::tests::schemas_and_checks_agree` (the inline organisations' are `OrgBody`'s).
#[cfg(test)]
pub(crate) fn probe() -> crate::routes::Probe {
    crate::routes::probe_with::<ExchangeCheckRequest>(
        "ExchangeCheckRequest",
        serde_json::json!({"visitor": {"organisation_id": Uuid::nil()},
            "host": {"organisation_id": Uuid::nil()}, "start_date": "2027-03-01",
            "end_date": "2027-03-10", "travel_days": ["2027-03-01"],
            "participant": {"nationality": "LT", "base_country": "LT"},
            "lump_sum_cents": 60_000}),
        |b| match field_problems(b) {
            p if p.is_empty() => Ok(()),
            p => Err(ApiError::Unprocessable(p)),
        },
    )
}
