//! Data volume in bulk (`Store::insert_many`): applications in every state across the
//! partnerships and countries, approval candidates for the race, and queued emails.
use anyhow::Context;
use chrono::{Duration, Utc};
use cxc_domain::workflow::{HostResponse, Status};
use cxc_persistence::{
    RepoError, Stored,
    entities::{applications, outbox},
    repositories::applications::ParticipantData,
    repositories::{Store, new_id},
    sea_orm::{
        ActiveValue::Set, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait,
        QueryFilter, QueryOrder, QuerySelect,
    },
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use uuid::Uuid;

use crate::world::World;

const SECTORS: [&str; 5] = [
    "electrical_electronic_engineering",
    "mechanical_engineering",
    "energy",
    "ict_data",
    "space",
];
/// Rows generated per insert_many call (memory stays bounded for a million rows).
const CHUNK: usize = 20_000;

fn repo(e: RepoError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

fn application(
    w: &World,
    rng: &mut StdRng,
    status: Status,
    call: (Uuid, Uuid),
) -> applications::ActiveModel {
    let v = &w.smes[rng.random_range(0..w.smes.len())];
    let mut h = &w.smes[rng.random_range(0..w.smes.len())];
    while h.country == v.country {
        h = &w.smes[rng.random_range(0..w.smes.len())];
    }
    let now = Utc::now();
    let start = w.start + Duration::weeks(rng.random_range(0..40));
    let submitted = !matches!(status, Status::Draft);
    let decided = matches!(
        status,
        Status::Approved
            | Status::Rejected
            | Status::Waitlisted
            | Status::Committed
            | Status::Reported
            | Status::Completed
            | Status::Paid
            | Status::Cancelled
    );
    let granted = matches!(
        status,
        Status::Approved
            | Status::Committed
            | Status::Reported
            | Status::Completed
            | Status::Paid
            | Status::Cancelled
    );
    let sector = SECTORS[rng.random_range(0..SECTORS.len())];
    applications::ActiveModel {
        id: Set(new_id()),
        call_id: Set(call.0),
        partnership_id: Set(call.1),
        host_partnership_id: Set(call.1),
        applicant_id: Set(v.contact),
        organisation_id: Set(v.id),
        host_organisation_id: Set(h.id),
        visitor_country: Set(v.country.clone()),
        host_country: Set(h.country.clone()),
        participant: Set(Stored(ParticipantData {
            full_name: "Rūta Jonaitė".into(),
            email: "ruta@example.eu".into(),
            job_title: "Engineer".into(),
            nationality: v.country.clone(),
            base_country: v.country.clone(),
            ..Default::default()
        })),
        start_date: Set(start),
        end_date: Set(start + Duration::days(4)),
        travel_days: Set(Stored::default()),
        objectives: Set(
            "Learn how Big Science procurement works and meet the facility's suppliers".into(),
        ),
        activities: Set(Stored(vec!["workshop".into(), "site visit".into()])),
        sectors: Set(Stored(vec![sector.into()])),
        primary_sector: Set(Some(sector.into())),
        status: Set(status),
        host_response: Set(if submitted {
            HostResponse::Accepted
        } else {
            HostResponse::Pending
        }),
        grant_cents: Set(granted.then_some(80_000)),
        working_days: Set(submitted.then_some(5)),
        distance_km: Set(submitted.then_some(850.0)),
        eligibility: Set(None),
        submitted_at: Set(submitted.then_some(now)),
        decided_at: Set(decided.then_some(now)),
        validated_at: Set(matches!(status, Status::Completed | Status::Paid).then_some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        anonymised_at: Set(None),
    }
}

/// Adds `n` applications, every state equally likely, in the background calls.
///
/// # Errors
/// Database failures.
pub async fn add_applications(store: &Store, w: &World, n: usize, seed: u64) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut left = n;
    while left > 0 {
        let k = left.min(CHUNK);
        let rows = (0..k)
            .map(|_| {
                let status = Status::ALL[rng.random_range(0..Status::ALL.len())];
                let call = w.background_calls[rng.random_range(0..w.background_calls.len())];
                application(w, &mut rng, status, call)
            })
            .collect();
        store.insert_many(rows).await.map_err(repo)?;
        left -= k;
    }
    Ok(())
}

/// `n` reviewed applications (host accepted) in the race call; returns their ids.
///
/// # Errors
/// Database failures.
pub async fn race_candidates(store: &Store, w: &World, n: usize) -> anyhow::Result<Vec<Uuid>> {
    let mut rng = StdRng::seed_from_u64(7);
    let rows: Vec<applications::ActiveModel> = (0..n)
        .map(|_| {
            application(
                w,
                &mut rng,
                Status::UnderReview,
                (w.race_call, w.partnership),
            )
        })
        .collect();
    let ids = rows
        .iter()
        .filter_map(|r| match &r.id {
            Set(id) => Some(*id),
            _ => None,
        })
        .collect();
    store.insert_many(rows).await.map_err(repo)?;
    Ok(ids)
}

/// The coordinator's view: applications of partnership A in either role.
fn visible(w: &World) -> Condition {
    Condition::any()
        .add(applications::Column::PartnershipId.eq(w.partnership))
        .add(applications::Column::HostPartnershipId.eq(w.partnership))
}

/// Up to `n` ids the coordinator may read.
///
/// # Errors
/// Database failures.
pub async fn readable_ids(store: &Store, w: &World, n: u64) -> anyhow::Result<Vec<Uuid>> {
    Ok(applications::Entity::find()
        .select_only()
        .column(applications::Column::Id)
        .filter(visible(w))
        .filter(applications::Column::CallId.ne(w.race_call))
        .limit(n)
        .into_tuple()
        .all(&store.db().conn)
        .await?)
}

/// The cursor of a page `depth` (0..1) of the way through the filtered list, and how
/// many rows the filter matches.
///
/// # Errors
/// Database failures.
pub async fn deep_cursor(
    store: &Store,
    w: &World,
    status: &str,
    depth: f64,
) -> anyhow::Result<(Uuid, u64)> {
    let q = applications::Entity::find()
        .filter(visible(w))
        .filter(applications::Column::Status.eq(status));
    let total = q.clone().count(&store.db().conn).await?;
    let at = ((total as f64) * depth) as u64;
    let id: Uuid = q
        .select_only()
        .column(applications::Column::Id)
        .order_by_desc(applications::Column::Id)
        .offset(at)
        .limit(1)
        .into_tuple()
        .one(&store.db().conn)
        .await?
        .context("no application matches the list filter")?;
    Ok((id, total))
}

/// Queues `n` copies of an email already rendered by the repositories (the welcome
/// message), each to its own address. Returns how many messages are due now (scheduled
/// reminders queued by the scenarios wait for their date and are not counted).
///
/// # Errors
/// When no rendered message exists to copy.
pub async fn queue_emails(store: &Store, n: usize) -> anyhow::Result<u64> {
    let template = outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("welcome"))
        .one(&store.db().conn)
        .await?
        .context("no welcome email in the outbox to copy")?;
    let mut left = n;
    while left > 0 {
        let k = left.min(CHUNK);
        let rows = (0..k)
            .map(|i| {
                let id = new_id();
                let mut m = template.clone().into_active_model();
                m.id = Set(id);
                m.message_id = Set(format!("{id}@bench.example"));
                m.to_email = Set(format!("reader-{i}@bench.example"));
                m.status = Set(cxc_domain::notify::OutboxStatus::Pending);
                m.attempts = Set(0);
                m.not_before = Set(Utc::now() - Duration::seconds(1));
                m.locked_until = Set(None);
                m.locked_by = Set(None);
                m.sent_at = Set(None);
                m
            })
            .collect();
        store.insert_many(rows).await.map_err(repo)?;
        left -= k;
    }
    Ok(outbox::Entity::find()
        .filter(outbox::Column::Status.is_in(["pending", "sending"]))
        .filter(outbox::Column::NotBefore.lte(Utc::now()))
        .count(&store.db().conn)
        .await?)
}
