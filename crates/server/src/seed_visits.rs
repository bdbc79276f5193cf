//! Demo 360ºXchange group visits of BIGINN (domain-rules §11, seed texts): three days at
//! CERN (Geneva) and three at ESS (Lund), each with facility visits, workshops,
//! stakeholder visits, a conference, networking and transfers, published.
//!
//! Real: the facilities and their cities, BIGINN's 360ºXchange building blocks. Invented
//! (demo): the dates, times, venues' programme and capacities.
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use cxc_domain::agenda::{ItemKind, parse_local};
use cxc_persistence::{
    entities::{role_grants, users},
    repositories::{
        Store, accounts::Caller, group_visits::VisitInput, group_visits::agenda::ItemInput,
        group_visits::list::VisitFilter,
    },
    sea_orm::{ColumnTrait, EntityTrait, QueryFilter},
};
use uuid::Uuid;

use ItemKind::{
    Conference as Conf, FacilityVisit as Facility, Networking as Net, Seminar,
    StakeholderVisit as Stake, Transfer, Workshop,
};

/// `(kind, title, start, end, venue, facility, capacity)`; times are local.
type Row = (
    ItemKind,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<i32>,
);

struct DemoVisit {
    title: &'static str,
    description: &'static str,
    country: &'static str,
    city: &'static str,
    timezone: &'static str,
    dates: (&'static str, &'static str),
    closes: &'static str,
    capacity: i32,
    agenda: &'static [Row],
}

// One item per line reads as a programme; rustfmt would spread each over nine.
#[rustfmt::skip]
const CERN: DemoVisit = DemoVisit {
    title: "BIGINN 360ºXchange: CERN, Geneva",
    description: "Three days in the CERN ecosystem: the laboratory's facilities, how CERN buys, \
                  knowledge transfer, Geneva's innovation players and a Big Science business session.",
    country: "CH",
    city: "Geneva",
    timezone: "Europe/Zurich",
    dates: ("2027-04-13", "2027-04-15"),
    closes: "2027-03-30T12:00:00Z",
    capacity: 25,
    agenda: &[
        (Transfer, "Shuttle from Geneva Airport to CERN Meyrin", "2027-04-13T08:30", "2027-04-13T09:15", "Geneva Airport", None, None),
        (Facility, "Welcome and introduction to CERN", "2027-04-13T09:30", "2027-04-13T11:00", "CERN Science Gateway", Some("Science Gateway"), None),
        (Seminar, "Doing business with CERN: procurement rules and supplier registration", "2027-04-13T11:30", "2027-04-13T12:30", "CERN Council Chamber", None, None),
        (Net, "Lunch with CERN industrial liaison officers", "2027-04-13T13:00", "2027-04-13T14:00", "Restaurant 1, CERN", None, None),
        (Facility, "SM18 superconducting magnet test facility", "2027-04-13T14:30", "2027-04-13T16:00", "SM18", Some("SM18"), Some(15)),
        (Transfer, "Bus to ATLAS Point 1", "2027-04-13T16:00", "2027-04-13T16:30", "CERN bus stop", None, None),
        (Facility, "ATLAS visitor centre and control room", "2027-04-13T16:30", "2027-04-13T18:00", "ATLAS Point 1", Some("ATLAS"), None),
        (Net, "Welcome dinner", "2027-04-13T19:30", "2027-04-13T22:00", "Geneva old town", None, None),
        (Workshop, "Knowledge transfer: licensing CERN technologies", "2027-04-14T09:00", "2027-04-14T11:00", "CERN Building 40", None, None),
        (Workshop, "Supplier pitches in the Big Science top-five sectors", "2027-04-14T11:15", "2027-04-14T13:00", "CERN Building 40", None, None),
        (Transfer, "Coach to Campus Biotech", "2027-04-14T13:00", "2027-04-14T13:45", "CERN main entrance", None, None),
        (Stake, "Campus Biotech and the Geneva innovation ecosystem", "2027-04-14T14:00", "2027-04-14T16:00", "Campus Biotech", None, None),
        (Stake, "Visit to a Geneva start-up incubator", "2027-04-14T16:30", "2027-04-14T17:30", "Plan-les-Ouates", None, None),
        (Conf, "Big Science business session: procurement outlook of CERN, ESS, ESO and F4E", "2027-04-15T09:00", "2027-04-15T12:00", "CICG Geneva", None, None),
        (Net, "B2B matchmaking meetings", "2027-04-15T13:30", "2027-04-15T16:30", "CICG Geneva", None, None),
        (Transfer, "Shuttle to Geneva Airport", "2027-04-15T17:00", "2027-04-15T17:45", "CICG Geneva", None, None),
    ],
};

#[rustfmt::skip]
const ESS: DemoVisit = DemoVisit {
    title: "BIGINN 360ºXchange: ESS, Lund",
    description: "Three days around the European Spallation Source and MAX IV: facilities, in-kind \
                  procurement, the Lund science parks and a Nordic Big Science industry day.",
    country: "SE",
    city: "Lund",
    timezone: "Europe/Stockholm",
    dates: ("2027-05-18", "2027-05-20"),
    closes: "2027-05-04T12:00:00Z",
    capacity: 20,
    agenda: &[
        (Transfer, "Train from Copenhagen Airport to Lund C", "2027-05-18T08:00", "2027-05-18T08:45", "Copenhagen Airport", None, None),
        (Seminar, "Welcome to Lund and the Science Village", "2027-05-18T09:30", "2027-05-18T10:30", "Science Village Lund", None, None),
        (Facility, "European Spallation Source: linac tunnel and target station", "2027-05-18T11:00", "2027-05-18T13:00", "ESS site", Some("ESS linac and target"), Some(12)),
        (Net, "Lunch with ESS in-kind partners", "2027-05-18T13:00", "2027-05-18T14:00", "ESS site", None, None),
        (Facility, "MAX IV synchrotron", "2027-05-18T14:30", "2027-05-18T16:30", "MAX IV Laboratory", Some("MAX IV"), None),
        (Net, "Evening reception", "2027-05-18T18:30", "2027-05-18T21:00", "Lund University Palace", None, None),
        (Workshop, "Doing business with ESS: procurement and in-kind contributions", "2027-05-19T09:00", "2027-05-19T11:00", "ESS Lund office", None, None),
        (Workshop, "Vacuum, cryogenics and precision mechanics: supplier needs", "2027-05-19T11:15", "2027-05-19T13:00", "ESS Lund office", None, None),
        (Transfer, "Bus to Ideon Science Park", "2027-05-19T13:30", "2027-05-19T14:00", "ESS Lund office", None, None),
        (Stake, "Ideon Science Park and Medicon Village", "2027-05-19T14:00", "2027-05-19T16:30", "Ideon Science Park", None, None),
        (Net, "Cluster-to-cluster networking", "2027-05-19T17:00", "2027-05-19T19:00", "Ideon Science Park", None, None),
        (Conf, "Nordic Big Science industry day", "2027-05-20T09:00", "2027-05-20T12:30", "AF Borgen, Lund", None, None),
        (Net, "B2B meetings with BigScience.dk members", "2027-05-20T13:30", "2027-05-20T15:30", "AF Borgen, Lund", None, None),
        (Transfer, "Train from Lund C to Copenhagen Airport", "2027-05-20T16:00", "2027-05-20T16:45", "Lund C", None, None),
    ],
};

/// The BIGINN partnership and someone who works for it (an admin otherwise), once the
/// demo partnerships exist.
///
/// # Errors
/// Database failures.
pub async fn biginn(store: &Store) -> anyhow::Result<Option<(Uuid, Uuid)>> {
    let err = |e: cxc_persistence::RepoError| anyhow::anyhow!("{e}");
    let partnerships = store.list_partnerships(None, 200).await.map_err(err)?;
    let Some(p) = partnerships
        .iter()
        .find(|p| p.name.to_uppercase().contains("BIGINN"))
    else {
        return Ok(None);
    };
    let grant = role_grants::Entity::find()
        .filter(role_grants::Column::PartnershipId.eq(p.id))
        .filter(role_grants::Column::Role.is_in([
            cxc_domain::policy::Role::Coordinator,
            cxc_domain::policy::Role::Partner,
        ]))
        .one(&store.db().conn)
        .await?;
    let organiser = match grant {
        Some(g) => Some(g.user_id),
        None => users::Entity::find()
            .filter(users::Column::Role.eq(cxc_domain::policy::AccountRole::Admin))
            .one(&store.db().conn)
            .await?
            .map(|u| u.id),
    };
    Ok(organiser.map(|o| (p.id, o)))
}

/// Creates and publishes the two demo visits for `partnership_id`, organised by
/// `organiser`. Visits that already exist (same title) are left alone.
///
/// # Errors
/// When the organiser is unknown or the database refuses a write.
pub async fn visits(store: &Store, partnership_id: Uuid, organiser: Uuid) -> anyhow::Result<()> {
    let err = |e: cxc_persistence::RepoError| anyhow::anyhow!("{e}");
    let user = store
        .user(organiser)
        .await
        .map_err(err)
        .context("the visits' organiser")?;
    // The organiser acts as a coordinator of the partnership, whatever their grants.
    let organisations = store.organisation_ids_of(user.id).await.map_err(err)?;
    let caller = Caller::new(
        user,
        Uuid::nil(),
        vec![cxc_domain::policy::Grant {
            role: cxc_domain::policy::Role::Coordinator,
            partnership: Some(partnership_id),
        }],
        organisations,
    );
    let filter = VisitFilter {
        partnership_id: Some(partnership_id),
        limit: 200,
        ..Default::default()
    };
    let existing = store
        .list_visits(&filter, Some(&caller))
        .await
        .map_err(err)?;
    for demo in [&CERN, &ESS] {
        if existing.iter().any(|(v, _)| v.title == demo.title) {
            println!("group visit {:?} already there", demo.title);
            continue;
        }
        let date = |s: &str| s.parse::<NaiveDate>().context("demo date");
        let input = VisitInput {
            partnership_id,
            title: demo.title.into(),
            description: demo.description.into(),
            host_country: demo.country.into(),
            city: demo.city.into(),
            timezone: demo.timezone.into(),
            starts_on: date(demo.dates.0)?,
            ends_on: date(demo.dates.1)?,
            capacity: demo.capacity,
            registration_closes_at: demo
                .closes
                .parse::<DateTime<Utc>>()
                .context("demo deadline")?,
        };
        let visit = store.create_visit(&input, &caller).await.map_err(err)?;
        for &(kind, title, start, end, venue, facility, capacity) in demo.agenda {
            let item = ItemInput {
                kind,
                title: title.into(),
                starts_local: parse_local(start)?,
                ends_local: parse_local(end)?,
                venue: venue.into(),
                facility: facility.map(Into::into),
                description: None,
                capacity,
            };
            store
                .add_agenda_item(visit.id, &caller, None, item)
                .await
                .map_err(err)
                .with_context(|| format!("agenda item {title:?}"))?;
        }
        store
            .publish_visit(visit.id, &caller, None)
            .await
            .map_err(err)?;
        println!(
            "group visit {:?} published with {} agenda items",
            demo.title,
            demo.agenda.len()
        );
    }
    Ok(())
}
