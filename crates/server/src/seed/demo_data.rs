//! The demonstration data, from `shared/seeds/*.txt` and domain-rules §11.
//!
//! Real: the partnerships BIGINN and LASER-GO, their clusters, the Danish Technological
//! Institute and FTMC (Vilnius), with their towns. Invented (marked "demo"): the member SMEs,
//! their figures, every coordinate refinement below town level, the ECCP profile addresses
//! and the call with its per-country lump sums (the official table is UNCONFIRMED, §5).
use chrono::NaiveDate;
use cxc_domain::{
    organisation::{Profile, SupportType},
    policy::MemberRole,
};
use cxc_persistence::repositories::organisations::OrgInput;

/// The Big Science top five sectors (ENRIITC survey as quoted by BIGINN, §11).
pub const TOP_FIVE: [&str; 5] = [
    "electrical_electronic_engineering",
    "mechanical_engineering",
    "energy",
    "ict_data",
    "space",
];

/// Who creates (and so becomes the first contact of) an organisation: one of the demo
/// accounts (listed in `cxc_domain::demo`, which the sign-in page reads too).
pub use cxc_domain::demo::DemoRole as Owner;

/// Which partnership manages the organisation's profile, once it exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Managed {
    None,
    Biginn,
}

pub struct DemoOrg {
    pub input: OrgInput,
    /// Names of the clusters it is a member of.
    pub clusters: &'static [&'static str],
    pub owner: Owner,
    pub managed: Managed,
}

pub fn tags(t: &[&str]) -> Vec<String> {
    t.iter().map(|s| (*s).to_owned()).collect()
}

pub fn base(
    name: &str,
    country: &str,
    city: &str,
    (lat, lon): (f64, f64),
    profile: Profile,
) -> OrgInput {
    OrgInput {
        name: name.to_owned(),
        country: country.to_owned(),
        city: city.to_owned(),
        latitude: lat,
        longitude: lon,
        profile,
        support_type: None,
        eccp_profile_url: None,
        cluster_ids: vec![],
        managing_partnership_id: None,
        headcount: None,
        annual_turnover_cents: None,
        balance_sheet_total_cents: None,
        partner_enterprises: vec![],
        linked_enterprises: vec![],
        public_bodies_control_percent: None,
        sectors: vec![],
        competencies: vec![],
        website: None,
        agency_exception_ref: None,
        region: None,
        previous_period: None,
        establishments: vec![],
    }
}

/// `(name, country, city, (latitude, longitude))`
type Place<'a> = (&'a str, &'a str, &'a str, (f64, f64));

fn cluster(
    (name, cc, city, at): Place<'_>,
    slug: &str,
    web: &str,
    sectors: &[&str],
    comps: &[&str],
    owner: Owner,
) -> DemoOrg {
    let mut input = base(name, cc, city, at, Profile::ClusterOrganisation);
    input.eccp_profile_url = Some(format!(
        "https://clustercollaboration.eu/cluster-organisations/{slug}"
    ));
    input.website = Some(web.to_owned());
    input.sectors = tags(sectors);
    input.competencies = tags(comps);
    DemoOrg {
        input,
        clusters: &[],
        owner,
        managed: Managed::None,
    }
}

/// Cluster organisations; they must exist before the partnerships.
pub fn clusters() -> Vec<DemoOrg> {
    vec![
        cluster(
            ("BigScience.dk", "DK", "Taastrup", (55.6527, 12.2939)),
            "bigsciencedk",
            "https://bigscience.dk",
            &TOP_FIVE,
            &["big_science_procurement", "cryogenics", "vacuum_technology"],
            // Not the coordinator: the demo host is a member, and whoever decides on an
            // exchange acts for neither organisation nor their clusters.
            Owner::Host,
        ),
        cluster(
            ("INEUSTAR", "ES", "Madrid", (40.4378, -3.6795)),
            "ineustar",
            "https://www.ineustar.com",
            &[
                "electrical_electronic_engineering",
                "mechanical_engineering",
                "energy",
                "space",
            ],
            &[
                "scientific_instrumentation",
                "precision_mechanics",
                "big_science_procurement",
            ],
            Owner::Admin,
        ),
        cluster(
            ("LITEK", "LT", "Vilnius", (54.6601, 25.2110)),
            "litek",
            "https://litek.lt",
            &["electrical_electronic_engineering", "ict_data", "energy"],
            &["laser_technology", "photonics", "optoelectronics"],
            Owner::Partner,
        ),
        cluster(
            ("OpticsValley", "FR", "Palaiseau", (48.7146, 2.2456)),
            "opticsvalley",
            "https://www.opticsvalley.org",
            &["electrical_electronic_engineering", "ict_data"],
            &["optics", "photonics", "embedded_software"],
            Owner::Admin,
        ),
        cluster(
            ("Human Technology Styria", "AT", "Graz", (47.0707, 15.4395)),
            "human-technology-styria",
            "https://www.humantechnology.at",
            &["life_sciences_health"],
            &["medical_devices", "biomedical_engineering", "photonics"],
            Owner::Admin,
        ),
    ]
}

fn member(
    mut input: OrgInput,
    clusters: &'static [&'static str],
    sectors: &[&str],
    comps: &[&str],
    owner: Owner,
) -> DemoOrg {
    input.sectors = tags(sectors);
    input.competencies = tags(comps);
    DemoOrg {
        input,
        clusters,
        owner,
        managed: Managed::Biginn,
    }
}

fn support(
    name: &str,
    cc: &str,
    city: &str,
    at: (f64, f64),
    t: SupportType,
    web: &str,
) -> OrgInput {
    let mut i = base(name, cc, city, at, Profile::ScaleUpSupport);
    i.support_type = Some(t);
    i.website = Some(web.to_owned());
    i
}

/// `headcount` in annual work units, money in whole euros.
fn sme(
    name: &str,
    cc: &str,
    city: &str,
    at: (f64, f64),
    headcount: f64,
    turnover_eur: i64,
    balance_eur: i64,
) -> OrgInput {
    let mut i = base(name, cc, city, at, Profile::Sme);
    i.headcount = Some(headcount);
    i.annual_turnover_cents = Some(turnover_eur * 100);
    i.balance_sheet_total_cents = Some(balance_eur * 100);
    i
}

/// Members of the clusters: scale-up support organisations and (invented) SMEs.
pub fn members() -> Vec<DemoOrg> {
    vec![
        member(
            support(
                "Danish Technological Institute",
                "DK",
                "Taastrup",
                (55.6536, 12.2931),
                SupportType::TechnologyCentre,
                "https://www.dti.dk",
            ),
            &["BigScience.dk"],
            &["mechanical_engineering", "energy", "space"],
            &["cryogenics", "additive_manufacturing", "metrology"],
            Owner::Admin,
        ),
        member(
            support(
                "Center for Physical Sciences and Technology (FTMC)",
                "LT",
                "Vilnius",
                (54.6620, 25.2154),
                SupportType::ResearchInstitute,
                "https://www.ftmc.lt",
            ),
            &["LITEK"],
            &["electrical_electronic_engineering", "energy"],
            &["laser_technology", "materials_characterisation"],
            Owner::Admin,
        ),
        member(
            sme(
                "Vilnius Photonics UAB (demo)",
                "LT",
                "Vilnius",
                (54.7126, 25.2650),
                32.0,
                4_200_000,
                3_100_000,
            ),
            &["LITEK"],
            &["electrical_electronic_engineering", "space"],
            &["laser_technology", "optical_coatings", "photonics"],
            Owner::Applicant,
        ),
        member(
            sme(
                "Nordic Cryo Engineering ApS (demo)",
                "DK",
                "Aarhus",
                (56.1629, 10.2039),
                18.0,
                2_600_000,
                1_900_000,
            ),
            &["BigScience.dk"],
            &["mechanical_engineering", "energy"],
            &["cryogenics", "vacuum_technology", "precision_mechanics"],
            Owner::Host,
        ),
        member(
            sme(
                "Ibérica Vacuum Systems S.L. (demo)",
                "ES",
                "Bilbao",
                (43.2630, -2.9350),
                45.0,
                7_800_000,
                6_400_000,
            ),
            &["INEUSTAR"],
            &["mechanical_engineering", "energy", "space"],
            &["vacuum_technology", "precision_mechanics", "welding"],
            Owner::Admin,
        ),
        member(
            sme(
                "Andalucía Space Electronics S.L. (demo)",
                "ES",
                "Seville",
                (37.3891, -5.9845),
                8.0,
                1_100_000,
                900_000,
            ),
            &["INEUSTAR"],
            &["space", "electrical_electronic_engineering", "ict_data"],
            &["radiation_hardened_electronics", "embedded_software"],
            Owner::Admin,
        ),
    ]
}

pub struct DemoPartnership {
    pub name: &'static str,
    pub grant_agreement: &'static str,
    pub budget_cents: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// `(cluster name, role)`
    pub partners: [(&'static str, MemberRole); 3],
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

pub fn partnerships() -> [DemoPartnership; 2] {
    [
        // GA 101037928, COS-CLUSTER-2020-3-03-1, €496,261, 24 months from February 2022 (§11).
        DemoPartnership {
            name: "BIGINN",
            grant_agreement: "101037928",
            budget_cents: 49_626_100,
            starts_on: date(2022, 2, 1),
            ends_on: date(2024, 1, 31),
            partners: [
                ("BigScience.dk", MemberRole::Coordinator),
                ("INEUSTAR", MemberRole::Partner),
                ("LITEK", MemberRole::Partner),
            ],
        },
        // Launched at the beginning of 2016 under COS-CLUSTER-2014-3-03 (seed 002); the grant
        // agreement number, budget and end date are not published (UNCONFIRMED): the call
        // identifier stands in for the number, and 24 months are assumed.
        DemoPartnership {
            name: "LASER-GO",
            grant_agreement: "COS-CLUSTER-2014-3-03",
            budget_cents: 0,
            starts_on: date(2016, 1, 1),
            ends_on: date(2017, 12, 31),
            partners: [
                ("LITEK", MemberRole::Coordinator),
                ("OpticsValley", MemberRole::Partner),
                ("Human Technology Styria", MemberRole::Partner),
            ],
        },
    ]
}

/// Per host country lump sums of the demo call, in cents (invented; at most €1,100).
pub const LUMP_SUMS: [(&str, i64); 6] = [
    ("DK", 78_000),
    ("ES", 66_000),
    ("LT", 54_000),
    ("FR", 78_000),
    ("AT", 72_000),
    ("DE", 78_000),
];
