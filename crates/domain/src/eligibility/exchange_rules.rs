//! Exchange-level rules: R09-R15, `call_open`, R21, R22, plus both organisations' rules.

use std::collections::BTreeSet;

use super::{Check, ExchangeFacts, ExchangeReport, RuleConfig, org_rules, rule};
use crate::countries::ProgrammeCountries;
use crate::geo::distance;
use crate::grant::{GrantInput, compute_grant, format_eur};
use crate::organisation::Role;
use crate::working_days::{HostPlace, WorkingDays, calendar_days, count_working_days};

/// R11 threshold: days of permitted residence a third-country national needs (§3.4).
pub const THIRD_COUNTRY_MIN_RESIDENCE_DAYS: u32 = 183;

pub(super) fn exchange_report(x: &ExchangeFacts, cfg: &RuleConfig) -> ExchangeReport {
    let (mut checks, visitor_sme_category) =
        org_rules::organisation_checks(x.visitor, Role::Visitor, x.start_date, cfg);
    let (host_checks, host_sme_category) =
        org_rules::organisation_checks(x.host, Role::Host, x.start_date, cfg);
    checks.extend(host_checks);

    let detail = count_working_days(
        x.start_date,
        x.end_date,
        x.travel_days,
        HostPlace {
            country: &x.host.country,
            region: x.host.region.as_deref(),
        },
        &cfg.holidays,
    );
    let wd = detail.count;
    let dist = distance(
        x.visitor.latitude,
        x.visitor.longitude,
        x.host.latitude,
        x.host.longitude,
        cfg.halving_distance_km,
    );
    let distance_km = dist.km;
    let grant = compute_grant(
        &GrantInput {
            lump_sum_for_host_cents: x.lump_sum_for_host_cents,
            working_days: wd,
            distance_km,
        },
        cfg,
    );

    checks.push(transnational(x, cfg));
    checks.push(residence_basis(x, cfg));
    checks.push(third_country_national(x, cfg));
    checks.push(min_working_days(&detail, cfg));
    checks.push(max_duration(x, cfg));
    checks.push(consecutive_stay(x));
    checks.push(visit_once(x));
    checks.push(call_open(x));
    checks.push(lump_sum_ceiling(x, cfg));
    let full = x
        .lump_sum_for_host_cents
        .min(cfg.lump_sum_ceiling_cents)
        .max(0);
    let halving_msg = if grant.halved {
        format!(
            "The lump sum must be halved: {} (expected {} instead of {}).",
            grant.reasons.join(" and "),
            format_eur(grant.cents),
            format_eur(full)
        )
    } else {
        format!(
            "The full lump sum of {} applies: {wd} working days ({} or more) and {} between the organisations ({distance_km:.3} km exactly, not less than {} km).",
            format_eur(grant.cents),
            cfg.halving_working_days,
            dist.display,
            cfg.halving_distance_km
        )
    };
    // Informational only: halving changes the amount, never the eligibility.
    checks.push(Check::new(rule::LUMP_SUM_HALVING, true, halving_msg));

    ExchangeReport {
        eligible: checks.iter().all(|c| c.passed),
        checks,
        working_days: wd,
        distance_km,
        grant_cents: grant.cents,
        halved: grant.halved,
        full_lump_sum_cents: full,
        halving_reasons: grant.reasons,
        working_days_detail: detail,
        distance: dist,
        visitor_sme_category,
        host_sme_category,
    }
}

fn transnational(x: &ExchangeFacts, cfg: &RuleConfig) -> Check {
    let v = ProgrammeCountries::normalise(&x.visitor.country);
    let h = ProgrammeCountries::normalise(&x.host.country);
    if v == h {
        let cc = cfg.countries.describe(&v);
        let msg = format!(
            "Host and visiting organisation are both in {cc}. An exchange must take place in another country."
        );
        Check::new(rule::TRANSNATIONAL, false, msg)
    } else {
        let msg =
            format!("The visiting organisation ({v}) travels to a host in another country ({h}).");
        Check::new(rule::TRANSNATIONAL, true, msg)
    }
}

fn residence_basis(x: &ExchangeFacts, cfg: &RuleConfig) -> Check {
    let registered: BTreeSet<String> = std::iter::once(&x.visitor.country)
        .chain(&x.visitor.establishments)
        .map(|c| ProgrammeCountries::normalise(c))
        .collect();
    let base = ProgrammeCountries::normalise(&x.participant.base_country);
    let cc = cfg.countries.describe(&base);
    let ok = registered.contains(&base) && cfg.countries.is_participating(&base, x.start_date);
    let msg = if ok {
        format!(
            "The representative is based in {cc}, where the visiting organisation is registered."
        )
    } else {
        format!(
            "The representative's base country {cc} is not one of the organisation's registered establishments in a participating country (registered in: {}).",
            registered.into_iter().collect::<Vec<_>>().join(", ")
        )
    };
    Check::new(rule::RESIDENCE_BASIS, ok, msg)
}

fn third_country_national(x: &ExchangeFacts, cfg: &RuleConfig) -> Check {
    let p = x.participant;
    let nat = cfg.countries.describe(&p.nationality);
    if cfg.countries.is_participating(&p.nationality, x.start_date) {
        let msg = format!("The representative is a national of {nat}, a participating country.");
        return Check::new(rule::THIRD_COUNTRY_NATIONAL, true, msg);
    }
    let days_ok = p
        .residence_permit_days
        .is_some_and(|d| d >= THIRD_COUNTRY_MIN_RESIDENCE_DAYS);
    let business_ok = p.business_started_or_intended == Some(true);
    let days = p
        .residence_permit_days
        .map_or("not stated".to_owned(), |d| format!("{d} days"));
    let business = match p.business_started_or_intended {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not stated",
    };
    let msg = if days_ok && business_ok {
        format!(
            "The representative ({nat} national) has {days} of permitted residence and an existing or intended business in a participating country."
        )
    } else {
        format!(
            "Representatives who are not nationals of a participating country need at least 183 days' permitted residence there and an existing or intended business (given: residence {days}, business {business})."
        )
    };
    Check::new(rule::THIRD_COUNTRY_NATIONAL, days_ok && business_ok, msg)
}

fn min_working_days(wd: &WorkingDays, cfg: &RuleConfig) -> Check {
    let min = cfg.min_working_days;
    let n = wd.count;
    let excluded: Vec<&str> = wd
        .excluded
        .iter()
        .filter(|e| e.reason != crate::working_days::Exclusion::Weekend)
        .map(|e| e.description.as_str())
        .collect();
    let not_counted = if excluded.is_empty() {
        String::new()
    } else {
        format!(" Not counted besides weekends: {}.", excluded.join(", "))
    };
    let msg = format!(
        "The exchange lasts {n} working day(s) at the host. The minimum is {min} working days, not counting travel days, weekends or public holidays.{not_counted} {}",
        wd.calendar_note
    );
    Check::new(rule::MIN_WORKING_DAYS, n >= min, msg)
}

fn max_duration(x: &ExchangeFacts, cfg: &RuleConfig) -> Check {
    let days = calendar_days(x.start_date, x.end_date);
    let max = cfg.max_days;
    if days <= max {
        let msg = format!(
            "The exchange spans {days} calendar day(s), within the maximum of one month ({max} days)."
        );
        Check::new(rule::MAX_DURATION, true, msg)
    } else {
        let msg = format!(
            "The exchange exceeds the maximum duration of one month: it spans {days} calendar days, the maximum is {max}."
        );
        Check::new(rule::MAX_DURATION, false, msg)
    }
}

/// The stay is the single block start..=end; travel days must sit inside it (§4: arrival and
/// departure days belong to the stay but are not working days).
fn consecutive_stay(x: &ExchangeFacts) -> Check {
    let (s, e) = (x.start_date, x.end_date);
    let mut problems = Vec::new();
    if e < s {
        problems.push(format!("the end date {e} is before the start date {s}"));
    }
    for d in x.travel_days.iter().filter(|d| **d < s || **d > e) {
        problems.push(format!("travel day {d} lies outside the stay {s} to {e}"));
    }
    if problems.is_empty() {
        let msg = format!("The exchange runs on consecutive days from {s} to {e}.");
        Check::new(rule::CONSECUTIVE_STAY, true, msg)
    } else {
        let msg = format!(
            "Exchange days must be consecutive: {}.",
            problems.join("; ")
        );
        Check::new(rule::CONSECUTIVE_STAY, false, msg)
    }
}

fn visit_once(x: &ExchangeFacts) -> Check {
    match x.previous_visits.first() {
        Some(id) => Check::new(
            rule::VISIT_ONCE,
            false,
            format!(
                "This organisation has already taken part as a visiting organisation (exchange {id}). An organisation may visit only once."
            ),
        ),
        None => Check::new(
            rule::VISIT_ONCE,
            true,
            format!(
                "'{}' has not taken part as a visiting organisation before.",
                x.visitor.name
            ),
        ),
    }
}

fn call_open(x: &ExchangeFacts) -> Check {
    if x.call_open {
        Check::new(rule::CALL_OPEN, true, "The call is open for applications.")
    } else {
        Check::new(
            rule::CALL_OPEN,
            false,
            "The call is not open for applications.",
        )
    }
}

fn lump_sum_ceiling(x: &ExchangeFacts, cfg: &RuleConfig) -> Check {
    let amount = x.lump_sum_for_host_cents;
    let cap = cfg.lump_sum_ceiling_cents;
    let cc = cfg.countries.describe(&x.host.country);
    let (eur, cap_eur) = (format_eur(amount), format_eur(cap));
    if amount < 0 {
        let msg = format!("The lump sum {eur} for host country {cc} must not be negative.");
        Check::new(rule::LUMP_SUM_CEILING, false, msg)
    } else if amount > cap {
        let msg = format!(
            "Requested lump sum {eur} exceeds the ceiling of {cap_eur} for host country {cc} (absolute maximum {cap_eur})."
        );
        Check::new(rule::LUMP_SUM_CEILING, false, msg)
    } else {
        let msg = format!(
            "The lump sum of {eur} for host country {cc} is within the absolute maximum of {cap_eur}."
        );
        Check::new(rule::LUMP_SUM_CEILING, true, msg)
    }
}
