//! EU SME definition (Commission Recommendation 2003/361/EC, domain-rules §10) for R06.
//!
//! Figures are consolidated: own figures, plus partner enterprises (stake 25 %..=50 %) in
//! proportion to the stake, plus linked enterprises (and stakes above 50 %, i.e. control)
//! at 100 %. Stakes below 25 % leave the enterprise autonomous and are ignored.
//! Not modelled (UNCONFIRMED need, no data collected): the investor exceptions that keep
//! autonomy above 25 %, and the "two consecutive accounting periods" rule.

use serde::Serialize;

use crate::grant::format_eur;
use crate::organisation::{EnterpriseFigures, OrganisationFacts};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmeCategory {
    Micro,
    Small,
    Medium,
}

impl SmeCategory {
    pub fn as_str(&self) -> &'static str {
        match self {
            SmeCategory::Micro => "micro",
            SmeCategory::Small => "small",
            SmeCategory::Medium => "medium",
        }
    }
}

/// (category, headcount strictly below, turnover ceiling, balance-sheet ceiling), smallest first.
const LIMITS: [(SmeCategory, f64, i64, i64); 3] = [
    (SmeCategory::Micro, 10.0, 200_000_000, 200_000_000),
    (SmeCategory::Small, 50.0, 1_000_000_000, 1_000_000_000),
    (SmeCategory::Medium, 250.0, 5_000_000_000, 4_300_000_000),
];

/// Public bodies controlling this share or more disqualify the enterprise.
pub const PUBLIC_CONTROL_LIMIT_PERCENT: f64 = 25.0;
/// Stakes from here up to `LINKED_ABOVE_PERCENT` make a partner enterprise.
pub const PARTNER_FROM_PERCENT: f64 = 25.0;
/// Stakes above this mean control: a linked enterprise counted in full.
pub const LINKED_ABOVE_PERCENT: f64 = 50.0;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmeAssessment {
    pub category: Option<SmeCategory>,
    /// Consolidated figures; a missing contribution counts as 0 here and is named in `reasons`.
    pub headcount: f64,
    pub turnover_cents: i64,
    pub balance_sheet_cents: i64,
    /// Why it is not an SME (or cannot be assessed), human readable; empty for an SME.
    pub reasons: Vec<String>,
    /// Headcount below 250; `None` when a headcount is missing.
    pub headcount_ok: Option<bool>,
    /// Turnover <= €50 M or balance sheet <= €43 M; `None` when that cannot be established.
    pub financial_ok: Option<bool>,
    /// Public bodies control less than 25 %.
    pub public_control_ok: bool,
}

/// Running consolidation; `None` marks a figure that some contributor did not declare.
struct Totals {
    headcount: Option<f64>,
    turnover: Option<i64>,
    balance: Option<i64>,
    known: (f64, i64, i64),
    missing: Vec<String>,
}

impl Totals {
    fn add(&mut self, who: &str, f: &EnterpriseFigures, share: f64) {
        let scale = |v: i64| (v as f64 * share).round() as i64;
        match f.headcount {
            Some(h) => {
                self.known.0 += h * share;
                self.headcount = self.headcount.map(|t| t + h * share);
            }
            None => {
                self.headcount = None;
                self.missing
                    .push(format!("the staff headcount of {who} is missing"));
            }
        }
        if let Some(t) = f.annual_turnover_cents {
            self.known.1 = self.known.1.saturating_add(scale(t));
        }
        self.turnover = f
            .annual_turnover_cents
            .and_then(|t| Some(self.turnover?.saturating_add(scale(t))));
        if let Some(b) = f.balance_sheet_total_cents {
            self.known.2 = self.known.2.saturating_add(scale(b));
        }
        self.balance = f
            .balance_sheet_total_cents
            .and_then(|b| Some(self.balance?.saturating_add(scale(b))));
        if f.annual_turnover_cents.is_none() && f.balance_sheet_total_cents.is_none() {
            self.missing.push(format!(
                "neither turnover nor balance-sheet total of {who} is given"
            ));
        }
    }
}

/// Some(true) if either known figure is within its ceiling, Some(false) if both are known and
/// above, None if the one(s) known are above and the other is unknown.
fn financial_within(t: Option<i64>, b: Option<i64>, t_max: i64, b_max: i64) -> Option<bool> {
    if t.is_some_and(|t| t <= t_max) || b.is_some_and(|b| b <= b_max) {
        Some(true)
    } else if t.is_some() && b.is_some() {
        Some(false)
    } else {
        None
    }
}

fn consolidate(org: &OrganisationFacts) -> Totals {
    let mut t = Totals {
        headcount: Some(0.0),
        turnover: Some(0),
        balance: Some(0),
        known: (0.0, 0, 0),
        missing: Vec::new(),
    };
    t.add("the organisation itself", &org.own, 1.0);
    for (i, p) in org.partner_enterprises.iter().enumerate() {
        let who = format!("partner enterprise {} ({}% stake)", i + 1, p.stake_percent);
        if p.stake_percent > LINKED_ABOVE_PERCENT {
            t.add(&who, &p.figures, 1.0);
        } else if p.stake_percent >= PARTNER_FROM_PERCENT {
            t.add(&who, &p.figures, p.stake_percent / 100.0);
        }
    }
    for (i, l) in org.linked_enterprises.iter().enumerate() {
        t.add(&format!("linked enterprise {}", i + 1), l, 1.0);
    }
    t
}

/// Assess the organisation against the SME thresholds using consolidated figures.
pub fn assess_sme(org: &OrganisationFacts) -> SmeAssessment {
    let t = consolidate(org);
    let public_pct = org.public_bodies_control_percent.unwrap_or(0.0);
    let public_control_ok = public_pct < PUBLIC_CONTROL_LIMIT_PERCENT;
    let (_, _, t_max, b_max) = LIMITS[2];
    let headcount_ok = t.headcount.map(|h| h < LIMITS[2].1);
    let financial_ok = financial_within(t.turnover, t.balance, t_max, b_max);

    let category = match (public_control_ok, t.headcount) {
        (true, Some(h)) => LIMITS
            .iter()
            .find(|(_, h_max, tm, bm)| {
                h < *h_max && financial_within(t.turnover, t.balance, *tm, *bm) == Some(true)
            })
            .map(|(c, ..)| *c),
        _ => None,
    };

    let mut reasons = Vec::new();
    if category.is_none() {
        if !public_control_ok {
            reasons.push(format!(
                "public bodies control {public_pct}% of its capital or voting rights (25% or more is not allowed)"
            ));
        }
        if headcount_ok == Some(false) {
            reasons.push(format!(
                "its staff headcount of {} annual work units (including partner and linked enterprises) is not below 250",
                t.known.0
            ));
        }
        match financial_ok {
            Some(false) => reasons.push(format!(
                "its annual turnover of {} exceeds {} and its balance-sheet total of {} exceeds {}",
                format_eur(t.known.1),
                format_eur(t_max),
                format_eur(t.known.2),
                format_eur(b_max)
            )),
            None => reasons.push(format!(
                "it cannot be shown that turnover is at most {} or the balance-sheet total at most {}, because figures are missing",
                format_eur(t_max),
                format_eur(b_max)
            )),
            Some(true) => {}
        }
        reasons.extend(t.missing);
    }
    SmeAssessment {
        category,
        headcount: t.known.0,
        turnover_cents: t.known.1,
        balance_sheet_cents: t.known.2,
        reasons,
        headcount_ok,
        financial_ok,
        public_control_ok,
    }
}

#[cfg(test)]
#[path = "eligibility/tests_sme.rs"]
mod tests;
