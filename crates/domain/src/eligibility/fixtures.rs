//! Shared test builders: realistic organisations in Copenhagen, Madrid and Vilnius.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;

use crate::eligibility::{ExchangeFacts, Participant};
use crate::organisation::{ClusterRef, EnterpriseFigures, OrganisationFacts, Profile};

pub const CPH: (f64, f64) = (55.6761, 12.5683);
pub const MAD: (f64, f64) = (40.4168, -3.7038);
pub const VNO: (f64, f64) = (54.6872, 25.2797);

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn cluster(name: &str, profile: Profile, eccp: bool) -> ClusterRef {
    ClusterRef {
        id: uuid::Uuid::nil(),
        name: name.into(),
        profile,
        has_eccp_profile: eccp,
    }
}

pub fn eccp_cluster() -> ClusterRef {
    cluster("BigScience.dk", Profile::ClusterOrganisation, true)
}

/// Figures in whole euros for readability.
pub fn figures(headcount: f64, turnover_eur: i64, balance_eur: i64) -> EnterpriseFigures {
    EnterpriseFigures {
        headcount: Some(headcount),
        annual_turnover_cents: Some(turnover_eur * 100),
        balance_sheet_total_cents: Some(balance_eur * 100),
    }
}

/// A valid organisation of `profile`; non-cluster profiles are members of an ECCP cluster,
/// and every profile carries small-SME figures so that only the tested fact varies.
pub fn org(
    name: &str,
    country: &str,
    (lat, lon): (f64, f64),
    profile: Profile,
) -> OrganisationFacts {
    let clusters = if profile == Profile::ClusterOrganisation {
        vec![]
    } else {
        vec![eccp_cluster()]
    };
    OrganisationFacts {
        name: name.into(),
        country: country.into(),
        latitude: lat,
        longitude: lon,
        profile,
        support_type: None,
        eccp_profile_url: None,
        clusters,
        own: figures(20.0, 3_000_000, 2_500_000),
        partner_enterprises: vec![],
        linked_enterprises: vec![],
        public_bodies_control_percent: None,
        agency_exception_ref: None,
        establishments: vec![],
        region: None,
        previous_period: None,
    }
}

pub fn sme(name: &str, country: &str, at: (f64, f64)) -> OrganisationFacts {
    org(name, country, at, Profile::Sme)
}

pub fn participant(nationality: &str, base: &str) -> Participant {
    Participant {
        full_name: "Esther Example".into(),
        nationality: nationality.into(),
        base_country: base.into(),
        residence_permit_days: None,
        business_started_or_intended: None,
    }
}

/// Mon 2 Mar 2026 .. Fri 13 Mar 2026 with both ends as travel days: 8 working days.
pub fn exchange<'a>(
    visitor: &'a OrganisationFacts,
    host: &'a OrganisationFacts,
    p: &'a Participant,
    travel: &'a [NaiveDate],
) -> ExchangeFacts<'a> {
    ExchangeFacts {
        visitor,
        host,
        participant: p,
        start_date: d(2026, 3, 2),
        end_date: d(2026, 3, 13),
        travel_days: travel,
        previous_visits: &[],
        call_open: true,
        lump_sum_for_host_cents: 78_000,
    }
}
