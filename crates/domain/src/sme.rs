//! EU SME definition (Commission Recommendation 2003/361/EC, domain-rules §10) for R06.
//!
//! Figures are consolidated (Art. 6): own figures, plus partner enterprises (stake
//! 25 %..=50 %) in proportion to the stake, plus linked enterprises (and stakes above 50 %,
//! i.e. control, also by holders acting jointly) at 100 %. Stakes below 25 % leave the
//! enterprise autonomous and are ignored. The chain of Art. 6(3)/(4): a partner's own
//! linked enterprises are added to the partner before its stake is applied, and a linked
//! enterprise's own partners are added to it in proportion.
//!
//! Art. 3(2) investors (public investment corporations, venture capital companies,
//! business angels investing < €1.25 M, universities, non-profit research centres,
//! institutional investors, autonomous local authorities with a budget < €10 M and
//! < 5,000 inhabitants) holding 25 %..50 %, alone and with the holders they act jointly
//! with, are left out of the figures and of public control (Art. 3(4)).
//!
//! Two periods (Art. 4(2)): a declaration may carry the previous closed period's figures;
//! the category changes only when both periods agree, otherwise the previous period's
//! category stands. A first-year enterprise has no previous period and is judged on its
//! current figures or bona fide estimate (Art. 4(3)).

use serde::Serialize;

use crate::grant::format_eur;
use crate::organisation::{
    EnterpriseFigures, InvestorType, LinkedEnterprise, OrganisationFacts, PartnerEnterprise,
};

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
    /// Public control as judged: the declared share, or the stakes of public holders
    /// that are not Art. 3(2) investors, whichever is larger.
    pub public_control_percent: f64,
    /// How each related enterprise was counted, in plain words.
    pub notes: Vec<String>,
    /// Category of the previous period's figures, when given (Art. 4(2)).
    pub previous_period_category: Option<SmeCategory>,
}

/// Business angels' investment ceiling (Art. 3(2)(a)), exclusive.
pub const BUSINESS_ANGEL_MAX_CENTS: i64 = 125_000_000;
/// Local authorities' budget ceiling (Art. 3(2)(d)), exclusive.
pub const LOCAL_AUTHORITY_MAX_BUDGET_CENTS: i64 = 1_000_000_000;
/// Local authorities' population ceiling (Art. 3(2)(d)), exclusive.
pub const LOCAL_AUTHORITY_MAX_INHABITANTS: u64 = 5_000;

/// Running consolidation; `None` marks a figure that some contributor did not declare.
struct Totals {
    headcount: Option<f64>,
    turnover: Option<i64>,
    balance: Option<i64>,
    known: (f64, i64, i64),
    missing: Vec<String>,
    notes: Vec<String>,
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

/// Whether an Art. 3(2) investor meets its own conditions; the reason when not.
fn investor_conditions(p: &PartnerEnterprise, t: InvestorType) -> Result<(), String> {
    match t {
        InvestorType::BusinessAngel => match p.investment_cents {
            Some(c) if c < BUSINESS_ANGEL_MAX_CENTS => Ok(()),
            Some(c) => Err(format!(
                "the business angels' investment of {} is not below {}",
                format_eur(c),
                format_eur(BUSINESS_ANGEL_MAX_CENTS)
            )),
            None => Err("the business angels' total investment is not stated".to_owned()),
        },
        InvestorType::LocalAuthority => match (p.annual_budget_cents, p.inhabitants) {
            (Some(b), Some(i))
                if b < LOCAL_AUTHORITY_MAX_BUDGET_CENTS && i < LOCAL_AUTHORITY_MAX_INHABITANTS =>
            {
                Ok(())
            }
            (Some(_), Some(_)) => Err(format!(
                "the local authority needs an annual budget below {} and fewer than {LOCAL_AUTHORITY_MAX_INHABITANTS} inhabitants",
                format_eur(LOCAL_AUTHORITY_MAX_BUDGET_CENTS)
            )),
            _ => Err("the local authority's budget and inhabitants are not stated".to_owned()),
        },
        _ => Ok(()),
    }
}

/// How one holder's data are counted.
enum Counted {
    Ignored(String),
    Exempt(String),
    Proportional(f64, String),
    Full(String),
}

/// The stake of the holder's joint group (its own stake when it acts alone).
fn group_stake(all: &[PartnerEnterprise], p: &PartnerEnterprise) -> f64 {
    match p.acting_jointly_group.as_deref().map(str::trim) {
        Some(g) if !g.is_empty() => all
            .iter()
            .filter(|o| o.acting_jointly_group.as_deref().map(str::trim) == Some(g))
            .map(|o| o.stake_percent)
            .sum(),
        _ => p.stake_percent,
    }
}

fn classify(all: &[PartnerEnterprise], p: &PartnerEnterprise, who: &str) -> Counted {
    let stake = p.stake_percent;
    let group = group_stake(all, p);
    if stake > LINKED_ABOVE_PERCENT {
        return Counted::Full(format!(
            "{who} holds {stake}%, more than 50%: linked, counted at 100%"
        ));
    }
    if group > LINKED_ABOVE_PERCENT {
        return Counted::Full(format!(
            "{who} acts jointly with holders of {group}% in total, more than 50%: linked, counted at 100%"
        ));
    }
    if stake < PARTNER_FROM_PERCENT {
        return Counted::Ignored(format!("{who} holds {stake}%, less than 25%: not counted"));
    }
    if let Some(t) = p.investor_type {
        match investor_conditions(p, t) {
            Ok(()) => {
                return Counted::Exempt(format!(
                    "{who} is {} holding {stake}% (not more than 50%): an Art. 3(2) investor, not counted and not public control",
                    article(t.label())
                ));
            }
            Err(why) => {
                return Counted::Proportional(
                    stake / 100.0,
                    format!("{who} is counted as a partner at {stake}%: {why} (Art. 3(2))"),
                );
            }
        }
    }
    Counted::Proportional(
        stake / 100.0,
        format!("{who} holds {stake}%: partner, counted at {stake}%"),
    )
}

fn article(label: &str) -> String {
    if label.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {label}")
    } else {
        format!("a {label}")
    }
}

/// A partner's data with its own linked enterprises added (Art. 6(3)).
fn partner_data(t: &mut Totals, who: &str, p: &PartnerEnterprise, share: f64) {
    t.add(who, &p.figures, share);
    for (j, l) in p.linked_enterprises.iter().enumerate() {
        t.add(&format!("enterprise {} linked to {who}", j + 1), l, share);
    }
}

/// A linked enterprise's data with its own partners added in proportion (Art. 6(4)).
fn linked_data(t: &mut Totals, who: &str, l: &LinkedEnterprise) {
    t.add(who, &l.figures, 1.0);
    for (j, p) in l.partner_enterprises.iter().enumerate() {
        let pw = format!("partner {} of {who}", j + 1);
        match classify(&l.partner_enterprises, p, &pw) {
            Counted::Ignored(n) | Counted::Exempt(n) => t.notes.push(n),
            Counted::Proportional(s, n) => {
                t.notes.push(n);
                t.add(&pw, &p.figures, s);
            }
            Counted::Full(n) => {
                t.notes.push(n);
                t.add(&pw, &p.figures, 1.0);
            }
        }
    }
}

fn consolidate(org: &OrganisationFacts) -> (Totals, f64) {
    let mut t = Totals {
        headcount: Some(0.0),
        turnover: Some(0),
        balance: Some(0),
        known: (0.0, 0, 0),
        missing: Vec::new(),
        notes: Vec::new(),
    };
    let mut public = 0.0;
    t.add("the organisation itself", &org.own, 1.0);
    for (i, p) in org.partner_enterprises.iter().enumerate() {
        let who = format!("partner enterprise {} ({}% stake)", i + 1, p.stake_percent);
        let counted = classify(
            &org.partner_enterprises,
            p,
            &format!("partner enterprise {}", i + 1),
        );
        if p.public_body && !matches!(counted, Counted::Exempt(_)) {
            public += p.stake_percent;
        }
        match counted {
            Counted::Ignored(n) | Counted::Exempt(n) => t.notes.push(n),
            Counted::Proportional(share, n) => {
                t.notes.push(n);
                partner_data(&mut t, &who, p, share);
            }
            Counted::Full(n) => {
                t.notes.push(n);
                partner_data(&mut t, &who, p, 1.0);
            }
        }
    }
    for (i, l) in org.linked_enterprises.iter().enumerate() {
        linked_data(&mut t, &format!("linked enterprise {}", i + 1), l);
    }
    (t, public)
}

/// The category the figures alone support (ignoring public control).
fn category_of(h: Option<f64>, t: Option<i64>, b: Option<i64>) -> Option<SmeCategory> {
    let h = h?;
    LIMITS
        .iter()
        .find(|(_, h_max, tm, bm)| h < *h_max && financial_within(t, b, *tm, *bm) == Some(true))
        .map(|(c, ..)| *c)
}

/// Assess the organisation against the SME thresholds using consolidated figures.
pub fn assess_sme(org: &OrganisationFacts) -> SmeAssessment {
    let (t, partner_public) = consolidate(org);
    let public_pct = org
        .public_bodies_control_percent
        .unwrap_or(0.0)
        .max(partner_public);
    let public_control_ok = public_pct < PUBLIC_CONTROL_LIMIT_PERCENT;
    let (_, _, t_max, b_max) = LIMITS[2];
    let current = category_of(t.headcount, t.turnover, t.balance);
    let previous_period_category = org.previous_period.as_ref().map(|p| {
        category_of(
            p.headcount,
            p.annual_turnover_cents,
            p.balance_sheet_total_cents,
        )
    });
    let mut notes = t.notes.clone();
    // Art. 4(2): with two periods, a change of category needs both; otherwise the
    // earlier period's category stands.
    let by_figures = match previous_period_category {
        Some(prev) if prev != current => {
            notes.push(format!(
                "the last closed period's figures give {} but the period before gives {}: a category changes only after two consecutive periods (Art. 4(2)), so {} stands",
                describe(current),
                describe(prev),
                describe(prev)
            ));
            prev
        }
        Some(_) => current,
        None => current,
    };
    let headcount_ok = match (previous_period_category, by_figures) {
        // The two-period rule kept an SME category although this period's headcount is over.
        (Some(_), Some(_)) => Some(true),
        _ => t.headcount.map(|h| h < LIMITS[2].1),
    };
    let financial_ok = match (previous_period_category, by_figures) {
        (Some(_), Some(_)) => Some(true),
        _ => financial_within(t.turnover, t.balance, t_max, b_max),
    };
    let category = by_figures.filter(|_| public_control_ok);

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
        if previous_period_category.is_some() && by_figures.is_none() {
            reasons.push(if current.is_some() {
                "the period before the last closed one exceeded the ceilings, and a category is regained only after two consecutive periods within them (Art. 4(2))".to_owned()
            } else {
                "both of the last two closed accounting periods exceed the ceilings (Art. 4(2))".to_owned()
            });
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
        public_control_percent: public_pct,
        notes,
        previous_period_category: previous_period_category.flatten(),
    }
}

fn describe(c: Option<SmeCategory>) -> String {
    match c {
        Some(c) => format!("{} enterprise", c.as_str()),
        None => "no SME".to_owned(),
    }
}

#[cfg(test)]
#[path = "eligibility/tests_sme.rs"]
mod tests;
