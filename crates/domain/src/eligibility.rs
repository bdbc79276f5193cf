//! The pure eligibility engine: every rule of domain-rules §14 that concerns an organisation
//! or an exchange, evaluated all at once so a user sees every reason together.
//!
//! Rule ids (stable, snake_case; the API exposes them as `checks[].rule`):
//!
//! | id | rule | scope |
//! |---|---|---|
//! | `visitor_type_allowed` | R01 visitor profile is one of the three ECCP profiles | visitor |
//! | `host_type_allowed` | R02 host profile is ECCP or host-only type | host |
//! | `host_only_type_cannot_visit` | R03 training provider / large company / public authority only host | visitor |
//! | `cluster_membership` | R04 member of a cluster organisation with an ECCP profile | both |
//! | `non_member_sme_host_exception` | R05 non-member SME hosts only with agency approval | host SME |
//! | `sme_status` | R06 EU SME definition (2003/361/EC) | SME profile |
//! | `sme_headcount` | R06 sub-check: consolidated headcount < 250 AWU | SME profile |
//! | `sme_financial_ceiling` | R06 sub-check: turnover <= €50 M or balance sheet <= €43 M | SME profile |
//! | `sme_public_control` | R06 sub-check: public bodies control < 25 % | SME profile |
//! | `visitor_country_eligible` | R07 visitor country participates on the date | visitor |
//! | `host_country_eligible` | R08 host country participates on the date | host |
//! | `transnational` | R09 host and visitor in different countries | exchange |
//! | `residence_basis` | R10 representative based in a registered establishment | exchange |
//! | `third_country_national` | R11 183 days' permit + business for non-nationals | exchange |
//! | `min_working_days` | R12 at least 3 working days at the host | exchange |
//! | `max_duration` | R13 at most `max_days` calendar days (one month) | exchange |
//! | `consecutive_stay` | R14 start <= end, travel days inside the stay | exchange |
//! | `visit_once` | R15 the visitor organisation has not visited before | exchange |
//! | `call_open` | the call accepts applications | exchange |
//! | `lump_sum_ceiling` | R21 host-country amount within the €1,100 ceiling | exchange |
//! | `lump_sum_halving` | R22 informational: whether and why the sum is halved | exchange |
//!
//! R16 (hosting is unlimited) and R29 (no age check) deliberately have no check.
//! R17-R20 and R23-R28 are workflow/payment rules and live elsewhere.

mod exchange_rules;
mod org_rules;

use chrono::NaiveDate;
use serde::Serialize;

use crate::countries::ProgrammeCountries;
use crate::geo::Distance;
use crate::holidays::HolidayCalendars;
use crate::organisation::{OrganisationFacts, Profile, Role};
use crate::sme::SmeCategory;
use crate::working_days::WorkingDays;

/// Rule id constants, so callers never retype the strings.
pub mod rule {
    pub const VISITOR_TYPE_ALLOWED: &str = "visitor_type_allowed";
    pub const HOST_TYPE_ALLOWED: &str = "host_type_allowed";
    pub const HOST_ONLY_TYPE_CANNOT_VISIT: &str = "host_only_type_cannot_visit";
    pub const CLUSTER_MEMBERSHIP: &str = "cluster_membership";
    pub const NON_MEMBER_SME_HOST_EXCEPTION: &str = "non_member_sme_host_exception";
    pub const SME_STATUS: &str = "sme_status";
    pub const SME_HEADCOUNT: &str = "sme_headcount";
    pub const SME_FINANCIAL_CEILING: &str = "sme_financial_ceiling";
    pub const SME_PUBLIC_CONTROL: &str = "sme_public_control";
    pub const VISITOR_COUNTRY_ELIGIBLE: &str = "visitor_country_eligible";
    pub const HOST_COUNTRY_ELIGIBLE: &str = "host_country_eligible";
    pub const TRANSNATIONAL: &str = "transnational";
    pub const RESIDENCE_BASIS: &str = "residence_basis";
    pub const THIRD_COUNTRY_NATIONAL: &str = "third_country_national";
    pub const MIN_WORKING_DAYS: &str = "min_working_days";
    pub const MAX_DURATION: &str = "max_duration";
    pub const CONSECUTIVE_STAY: &str = "consecutive_stay";
    pub const VISIT_ONCE: &str = "visit_once";
    pub const CALL_OPEN: &str = "call_open";
    pub const LUMP_SUM_CEILING: &str = "lump_sum_ceiling";
    pub const LUMP_SUM_HALVING: &str = "lump_sum_halving";

    /// The rule's id in domain-rules.md §14 (`R12`); `None` for `call_open`.
    pub fn reference(id: &str) -> Option<&'static str> {
        Some(match id {
            VISITOR_TYPE_ALLOWED => "R01",
            HOST_TYPE_ALLOWED => "R02",
            HOST_ONLY_TYPE_CANNOT_VISIT => "R03",
            CLUSTER_MEMBERSHIP => "R04",
            NON_MEMBER_SME_HOST_EXCEPTION => "R05",
            SME_STATUS | SME_HEADCOUNT | SME_FINANCIAL_CEILING | SME_PUBLIC_CONTROL => "R06",
            VISITOR_COUNTRY_ELIGIBLE => "R07",
            HOST_COUNTRY_ELIGIBLE => "R08",
            TRANSNATIONAL => "R09",
            RESIDENCE_BASIS => "R10",
            THIRD_COUNTRY_NATIONAL => "R11",
            MIN_WORKING_DAYS => "R12",
            MAX_DURATION => "R13",
            CONSECUTIVE_STAY => "R14",
            VISIT_ONCE => "R15",
            LUMP_SUM_CEILING => "R21",
            LUMP_SUM_HALVING => "R22",
            _ => return None,
        })
    }

    pub const ALL: [&str; 21] = [
        VISITOR_TYPE_ALLOWED,
        HOST_TYPE_ALLOWED,
        HOST_ONLY_TYPE_CANNOT_VISIT,
        CLUSTER_MEMBERSHIP,
        NON_MEMBER_SME_HOST_EXCEPTION,
        SME_STATUS,
        SME_HEADCOUNT,
        SME_FINANCIAL_CEILING,
        SME_PUBLIC_CONTROL,
        VISITOR_COUNTRY_ELIGIBLE,
        HOST_COUNTRY_ELIGIBLE,
        TRANSNATIONAL,
        RESIDENCE_BASIS,
        THIRD_COUNTRY_NATIONAL,
        MIN_WORKING_DAYS,
        MAX_DURATION,
        CONSECUTIVE_STAY,
        VISIT_ONCE,
        CALL_OPEN,
        LUMP_SUM_CEILING,
        LUMP_SUM_HALVING,
    ];
}

/// One evaluated rule; `message` is written for a non-expert, whether passed or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub rule: &'static str,
    pub passed: bool,
    pub message: String,
}

impl Check {
    pub fn new(rule: &'static str, passed: bool, message: impl Into<String>) -> Self {
        Check {
            rule,
            passed,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EligibilityReport {
    pub eligible: bool,
    pub role: Role,
    pub profile: Profile,
    pub sme_category: Option<SmeCategory>,
    pub checks: Vec<Check>,
}

/// Tunable values; the UNCONFIRMED ones (§4, §5, §8) must stay configurable.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleConfig {
    pub min_working_days: u32,
    /// "One month" as inclusive calendar days (counting method UNCONFIRMED, §4).
    pub max_days: u32,
    pub halving_distance_km: f64,
    pub halving_working_days: u32,
    /// Absolute cap per visiting organisation: €1,100.
    pub lump_sum_ceiling_cents: i64,
    pub countries: ProgrammeCountries,
    pub holidays: HolidayCalendars,
}

impl Default for RuleConfig {
    fn default() -> Self {
        RuleConfig {
            min_working_days: 3,
            max_days: 31,
            halving_distance_km: 200.0,
            halving_working_days: 5,
            lump_sum_ceiling_cents: 110_000,
            countries: ProgrammeCountries::builtin(),
            holidays: HolidayCalendars::builtin(),
        }
    }
}

/// Every organisation rule relevant to `role`, judged on date `on`; all listed, passed or not.
pub fn check_organisation(
    org: &OrganisationFacts,
    role: Role,
    on: NaiveDate,
    cfg: &RuleConfig,
) -> EligibilityReport {
    let (checks, sme_category) = org_rules::organisation_checks(org, role, on, cfg);
    EligibilityReport {
        eligible: checks.iter().all(|c| c.passed),
        role,
        profile: org.profile,
        sme_category,
        checks,
    }
}

/// The representative who travels.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize)]
pub struct Participant {
    pub full_name: String,
    pub nationality: String,
    pub base_country: String,
    pub residence_permit_days: Option<u32>,
    pub business_started_or_intended: Option<bool>,
}

/// Everything needed to judge one exchange application.
#[derive(Debug, Clone, Copy)]
pub struct ExchangeFacts<'a> {
    pub visitor: &'a OrganisationFacts,
    pub host: &'a OrganisationFacts,
    pub participant: &'a Participant,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub travel_days: &'a [NaiveDate],
    /// Other non-cancelled/withdrawn exchanges of the visitor organisation.
    pub previous_visits: &'a [uuid::Uuid],
    pub call_open: bool,
    /// The call's amount for the host country.
    pub lump_sum_for_host_cents: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExchangeReport {
    pub eligible: bool,
    pub checks: Vec<Check>,
    pub working_days: u32,
    pub distance_km: f64,
    /// The grant the exchange would receive; computed even when not eligible.
    pub grant_cents: i64,
    pub halved: bool,
    pub visitor_sme_category: Option<SmeCategory>,
    pub host_sme_category: Option<SmeCategory>,
    /// The host-country amount within the ceiling, before any halving.
    pub full_lump_sum_cents: i64,
    /// Why the lump sum is halved; empty when it is not.
    pub halving_reasons: Vec<String>,
    /// The working-day figure with every excluded day and the calendar used.
    pub working_days_detail: WorkingDays,
    /// The distance with its method and the comparison with the threshold.
    pub distance: Distance,
}

/// All of R01-R15, `call_open`, R21 and R22 for one exchange; every check listed.
pub fn check_exchange(x: &ExchangeFacts, cfg: &RuleConfig) -> ExchangeReport {
    exchange_rules::exchange_report(x, cfg)
}

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests_exchange;
#[cfg(test)]
mod tests_org;
