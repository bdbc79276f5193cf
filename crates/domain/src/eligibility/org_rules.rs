//! Organisation-level rules: R01-R08 for one organisation in one role.

use chrono::NaiveDate;

use super::{Check, RuleConfig, rule};
use crate::grant::format_eur;
use crate::organisation::{ClusterRef, OrganisationFacts, Profile, Role};
use crate::sme::{SmeAssessment, SmeCategory, assess_sme};

pub(super) fn organisation_checks(
    org: &OrganisationFacts,
    role: Role,
    on: NaiveDate,
    cfg: &RuleConfig,
) -> (Vec<Check>, Option<SmeCategory>) {
    let mut checks = Vec::new();
    match role {
        Role::Visitor => {
            checks.push(visitor_type(org));
            checks.push(host_only_cannot_visit(org));
        }
        Role::Host => checks.push(host_type(org)),
    }
    checks.push(cluster_membership(org, role));
    if role == Role::Host && org.profile == Profile::Sme {
        checks.push(non_member_exception(org));
    }
    let sme = assess_sme(org);
    if org.profile == Profile::Sme {
        checks.extend(sme_checks(org, &sme));
    }
    checks.push(country_on_date(org, role, on, cfg));
    (checks, sme.category)
}

fn visitor_type(org: &OrganisationFacts) -> Check {
    let label = org.profile.label();
    if org.profile.can_visit() {
        Check::new(
            rule::VISITOR_TYPE_ALLOWED,
            true,
            format!(
                "'{}' is {}, a type that may visit.",
                org.name,
                org.profile.label_with_article()
            ),
        )
    } else {
        Check::new(
            rule::VISITOR_TYPE_ALLOWED,
            false,
            format!(
                "Visiting organisation type '{label}' is not eligible. Visitors must be a cluster/business-network organisation, a scaling-up support organisation or an SME."
            ),
        )
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn host_only_cannot_visit(org: &OrganisationFacts) -> Check {
    let msg = if org.profile.can_visit() {
        format!(
            "{} may take part as a visiting organisation.",
            capitalise(&org.profile.label_with_article())
        )
    } else {
        format!(
            "{} may take part only as a host, not as a visiting organisation.",
            capitalise(&org.profile.label_with_article())
        )
    };
    Check::new(
        rule::HOST_ONLY_TYPE_CANNOT_VISIT,
        org.profile.can_visit(),
        msg,
    )
}

/// Every profile the API accepts may host (§3.2), so this only fails if the profile list
/// grows; it is still listed so the report shows the host type was considered.
fn host_type(org: &OrganisationFacts) -> Check {
    let label = org.profile.label();
    let allowed = crate::organisation::Profile::ALL.contains(&org.profile);
    let msg = if allowed {
        format!(
            "'{}' is a {label}, a type that may host exchanges.",
            org.name
        )
    } else {
        format!(
            "Host organisation type '{label}' is not eligible to host ClusterXchange exchanges."
        )
    };
    Check::new(rule::HOST_TYPE_ALLOWED, allowed, msg)
}

/// A membership only counts if the cluster is a cluster organisation with an ECCP profile
/// (§3.3: business-network membership alone is not enough).
fn qualifying_cluster(org: &OrganisationFacts) -> Option<&ClusterRef> {
    org.clusters
        .iter()
        .find(|c| c.profile == Profile::ClusterOrganisation && c.has_eccp_profile)
}

fn exception_ref(org: &OrganisationFacts) -> Option<&str> {
    org.agency_exception_ref
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
}

fn cluster_membership(org: &OrganisationFacts, role: Role) -> Check {
    let name = &org.name;
    if org.profile == Profile::ClusterOrganisation {
        let msg = format!(
            "'{name}' is itself a cluster organisation, so it needs no cluster membership."
        );
        return Check::new(rule::CLUSTER_MEMBERSHIP, true, msg);
    }
    if let Some(c) = qualifying_cluster(org) {
        let msg = format!(
            "'{name}' is a member of '{}', a cluster organisation registered on the ECCP.",
            c.name
        );
        return Check::new(rule::CLUSTER_MEMBERSHIP, true, msg);
    }
    // R05: the one way a non-member can take part; judged in detail by its own check.
    if role == Role::Host
        && org.profile == Profile::Sme
        && let Some(r) = exception_ref(org)
    {
        let msg = format!(
            "'{name}' is not a member of a cluster organisation registered on the ECCP, but may host under prior agency approval {r}."
        );
        return Check::new(rule::CLUSTER_MEMBERSHIP, true, msg);
    }
    let mut msg = format!(
        "{name} must be a member of a cluster organisation registered on the ECCP. Membership of a business network alone is not sufficient."
    );
    let unprofiled: Vec<&str> = org
        .clusters
        .iter()
        .filter(|c| !c.has_eccp_profile)
        .map(|c| c.name.as_str())
        .collect();
    if !unprofiled.is_empty() {
        msg.push_str(&format!(
            " Not registered on the ECCP: {}.",
            unprofiled.join(", ")
        ));
    }
    if org.profile == Profile::Sme && role == Role::Visitor {
        msg.push_str(" An SME outside such a cluster may only host, with prior agency approval.");
    }
    Check::new(rule::CLUSTER_MEMBERSHIP, false, msg)
}

fn non_member_exception(org: &OrganisationFacts) -> Check {
    let name = &org.name;
    if qualifying_cluster(org).is_some() {
        let msg = format!(
            "'{name}' is a member of an ECCP-profiled cluster; no agency exception is needed."
        );
        return Check::new(rule::NON_MEMBER_SME_HOST_EXCEPTION, true, msg);
    }
    match exception_ref(org) {
        Some(r) => Check::new(
            rule::NON_MEMBER_SME_HOST_EXCEPTION,
            true,
            format!(
                "'{name}' is not a member of an ECCP-profiled cluster and hosts with prior agency approval {r}."
            ),
        ),
        None => Check::new(
            rule::NON_MEMBER_SME_HOST_EXCEPTION,
            false,
            "This SME is not a member of an ECCP-profiled cluster. It may only host, and only with prior agency approval (missing approval reference).",
        ),
    }
}

/// How related enterprises were counted, appended to the SME status message.
fn notes(s: &SmeAssessment) -> String {
    if s.notes.is_empty() {
        String::new()
    } else {
        format!(" How related enterprises count: {}.", s.notes.join("; "))
    }
}

fn sme_checks(org: &OrganisationFacts, s: &SmeAssessment) -> Vec<Check> {
    let status = match s.category {
        Some(c) => Check::new(
            rule::SME_STATUS,
            true,
            format!(
                "'{}' meets the EU SME definition as a {} enterprise.{}",
                org.name,
                c.as_str(),
                notes(s)
            ),
        ),
        None => Check::new(
            rule::SME_STATUS,
            false,
            format!(
                "The organisation '{}' does not meet the EU SME definition (Recommendation 2003/361/EC): {}.{}",
                org.name,
                s.reasons.join("; "),
                notes(s)
            ),
        ),
    };
    let headcount = match s.headcount_ok {
        Some(ok) => Check::new(
            rule::SME_HEADCOUNT,
            ok,
            format!(
                "Staff headcount, including partner and linked enterprises, is {} annual work units; an SME must have fewer than 250.",
                s.headcount
            ),
        ),
        None => Check::new(
            rule::SME_HEADCOUNT,
            false,
            "The staff headcount (annual work units) is missing, so SME status cannot be assessed.",
        ),
    };
    let financial = Check::new(
        rule::SME_FINANCIAL_CEILING,
        s.financial_ok == Some(true),
        format!(
            "Annual turnover is {} and balance-sheet total {} (including partner and linked enterprises); an SME needs turnover of at most €50,000,000 or a balance-sheet total of at most €43,000,000.{}",
            format_eur(s.turnover_cents),
            format_eur(s.balance_sheet_cents),
            if s.financial_ok.is_none() {
                " Some figures are missing."
            } else {
                ""
            }
        ),
    );
    let pct = s.public_control_percent;
    let public = Check::new(
        rule::SME_PUBLIC_CONTROL,
        s.public_control_ok,
        format!(
            "Public bodies control {pct}% of the capital or voting rights; an SME must be less than 25% publicly controlled."
        ),
    );
    vec![status, headcount, financial, public]
}

fn country_on_date(org: &OrganisationFacts, role: Role, on: NaiveDate, cfg: &RuleConfig) -> Check {
    let cc = cfg.countries.describe(&org.country);
    let ok = cfg.countries.is_participating(&org.country, on);
    let (id, who) = match role {
        Role::Visitor => (rule::VISITOR_COUNTRY_ELIGIBLE, "Visiting organisation"),
        Role::Host => (rule::HOST_COUNTRY_ELIGIBLE, "Host organisation"),
    };
    let msg = if ok {
        format!("{who} country {cc} is a programme participating country on {on}.")
    } else {
        format!("{who} country {cc} is not a programme participating country on {on}.")
    };
    Check::new(id, ok, msg)
}
