//! The lump sum paid to the visitor (domain-rules §5, R21, R22).

use crate::eligibility::RuleConfig;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GrantInput {
    /// The call's amount for the host country.
    pub lump_sum_for_host_cents: i64,
    pub working_days: u32,
    pub distance_km: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Grant {
    pub cents: i64,
    pub halved: bool,
    /// Why it was halved (empty when not), human readable.
    pub reasons: Vec<String>,
}

/// Does the halving rule apply? Returns the reasons; empty = full amount.
/// Strict "<": exactly 5 working days or exactly 200 km keeps the full amount (§5: "shorter
/// than 5 working days", "less than 200 km").
pub fn halving_reasons(working_days: u32, distance_km: f64, cfg: &RuleConfig) -> Vec<String> {
    let mut reasons = Vec::new();
    if working_days < cfg.halving_working_days {
        reasons.push(format!(
            "the stay is {working_days} working day(s), shorter than {} working days",
            cfg.halving_working_days
        ));
    }
    if distance_km < cfg.halving_distance_km {
        reasons.push(format!(
            "the organisations are {distance_km:.1} km apart ({distance_km:.3} km exactly), less than {:.0} km",
            cfg.halving_distance_km
        ));
    }
    reasons
}

/// min(host-country amount, absolute ceiling), then halved once (the "and/or" of §5 is read
/// as a single halving, DERIVED) rounding down to whole cents. Negative amounts pay nothing.
pub fn compute_grant(g: &GrantInput, cfg: &RuleConfig) -> Grant {
    let base = g
        .lump_sum_for_host_cents
        .min(cfg.lump_sum_ceiling_cents)
        .max(0);
    let reasons = halving_reasons(g.working_days, g.distance_km, cfg);
    let halved = !reasons.is_empty();
    // `base` is non-negative, so integer division rounds down.
    let cents = if halved { base / 2 } else { base };
    Grant {
        cents,
        halved,
        reasons,
    }
}

/// "€1,100" for whole euros, "€390.50" otherwise; for rule messages.
pub fn format_eur(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let (euros, rest) = (abs / 100, abs % 100);
    let digits = euros.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if rest == 0 {
        format!("{sign}€{grouped}")
    } else {
        format!("{sign}€{grouped}.{rest:02}")
    }
}

#[cfg(test)]
#[path = "eligibility/tests_grant.rs"]
mod tests;
