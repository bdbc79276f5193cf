//! One demo exchange application in every workflow state, walked there through the same
//! repository calls the API makes (so history, emails and call totals are real).
use anyhow::Context;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use cxc_domain::{
    organisation::Profile,
    policy::{Grant, Role},
    workflow::Status,
};
use cxc_persistence::{
    RepoError,
    entities::applications,
    repositories::{
        Store,
        accounts::Caller,
        applications::{ApplicationInput, Decision, ParticipantData, ReportInput},
    },
    sea_orm::{ActiveModelTrait, EntityTrait, Set},
};
use uuid::Uuid;

use super::demo_data::{base, tags};

fn repo(e: RepoError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

async fn caller(store: &Store, id: Uuid, grants: Vec<Grant>) -> anyhow::Result<Caller> {
    Ok(Caller::new(
        store.user(id).await.map_err(repo)?,
        Uuid::nil(),
        grants,
        store.organisation_ids_of(id).await.map_err(repo)?,
    ))
}

fn next_monday(from: NaiveDate) -> NaiveDate {
    let mut d = from;
    while d.weekday() != Weekday::Mon {
        d += Duration::days(1);
    }
    d
}

/// Moves an exchange's dates back in time, as if it had taken place.
async fn took_place(store: &Store, id: Uuid) -> anyhow::Result<()> {
    let m = applications::Entity::find_by_id(id)
        .one(&store.db().conn)
        .await?
        .context("application")?;
    let shift = m.end_date - store.today() + Duration::days(20);
    let mut am: applications::ActiveModel = m.clone().into();
    am.start_date = Set(m.start_date - shift);
    am.end_date = Set(m.end_date - shift);
    am.update(&store.db().conn).await?;
    Ok(())
}

pub struct People {
    pub applicant: Uuid,
    pub coordinator: Uuid,
    pub host_coordinator: Uuid,
    pub host_contact: Uuid,
    pub partnership: Uuid,
    pub call: Uuid,
    pub lt_cluster: Uuid,
    pub host: Uuid,
}

/// Creates one visiting SME per state and walks its application there.
///
/// # Errors
/// When a step is refused (the demo data is inconsistent).
pub async fn every_state(store: &Store, p: &People) -> anyhow::Result<usize> {
    let applicant = caller(store, p.applicant, vec![]).await?;
    let coordinator = caller(
        store,
        p.coordinator,
        vec![Grant {
            role: Role::Coordinator,
            partnership: Some(p.partnership),
        }],
    )
    .await?;
    let parties = Parties {
        host: caller(store, p.host_contact, vec![]).await?,
        hop: caller(
            store,
            p.host_coordinator,
            vec![Grant {
                role: Role::Coordinator,
                partnership: Some(p.partnership),
            }],
        )
        .await?,
    };
    let start = next_monday(store.today() + Duration::days(45));
    let mut n = 0;
    for (i, target) in Status::ALL.into_iter().enumerate() {
        let mut org = base(
            &format!("Demo visitor {} (demo)", target.as_str()),
            "LT",
            "Kaunas",
            (54.8985 + i as f64 / 100.0, 23.9036),
            Profile::Sme,
        );
        org.headcount = Some(12.0);
        org.annual_turnover_cents = Some(150_000_000);
        org.balance_sheet_total_cents = Some(90_000_000);
        org.cluster_ids = vec![p.lt_cluster];
        org.managing_partnership_id = Some(p.partnership);
        org.sectors = tags(&["energy", "space"]);
        let visitor = store
            .create_organisation(&org, p.applicant)
            .await
            .map_err(repo)?;
        let input = ApplicationInput {
            organisation_id: visitor.id,
            participant: ParticipantData {
                full_name: format!("Demo Participant {}", i + 1),
                email: format!("participant{}@clusterxchange-demo.example", i + 1),
                job_title: "Engineer".into(),
                nationality: "LT".into(),
                base_country: "LT".into(),
                residence_permit_days: None,
                business_started_or_intended: None,
            },
            host_organisation_id: p.host,
            start_date: start,
            end_date: start + Duration::days(4),
            travel_days: vec![],
            objectives: "Meet Big Science suppliers and learn their procurement".into(),
            activities: vec!["site visit".into(), "workshop".into()],
            sectors: vec!["energy".into()],
        };
        let app = store
            .create_application(&applicant, p.call, &input)
            .await
            .map_err(repo)?;
        walk(store, &applicant, &coordinator, &parties, app.id, target)
            .await
            .with_context(|| format!("walking to {target}"))?;
        n += 1;
    }
    Ok(n)
}

/// The host's contact and the second coordinator (for the host's partnership).
struct Parties {
    host: Caller,
    hop: Caller,
}

async fn walk(
    store: &Store,
    applicant: &Caller,
    coord: &Caller,
    others: &Parties,
    id: Uuid,
    target: Status,
) -> anyhow::Result<()> {
    use Status as S;
    let reached = |s: S| s == target;
    if reached(S::Draft) {
        return Ok(());
    }
    if reached(S::Withdrawn) {
        store
            .withdraw_application(applicant, id, Some("plans changed"))
            .await
            .map_err(repo)?;
        return Ok(());
    }
    store
        .submit_application(applicant, id)
        .await
        .map_err(repo)?;
    if reached(S::Submitted) {
        return Ok(());
    }
    store
        .host_respond(&others.host, id, true, Some("Welcome"))
        .await
        .map_err(repo)?;
    let app = store
        .review_application(coord, id, None)
        .await
        .map_err(repo)?;
    if reached(S::UnderReview) {
        return Ok(());
    }
    let decision = match target {
        S::Rejected => Decision::Reject,
        S::Waitlisted => Decision::Waitlist,
        _ => Decision::Approve,
    };
    store
        .decide(coord, id, app.version, decision, Some("Demo decision"))
        .await
        .map_err(repo)?;
    if matches!(target, S::Approved | S::Rejected | S::Waitlisted) {
        return Ok(());
    }
    if reached(S::Cancelled) {
        store
            .cancel_application(coord, id, Some("Demo cancellation"))
            .await
            .map_err(repo)?;
        return Ok(());
    }
    store
        .sign_commitment(
            applicant,
            id,
            Some("Learn procurement"),
            Some("Day 1 visit, day 2 workshop"),
        )
        .await
        .map_err(repo)?;
    // Four signatures, four people.
    for signer in [&others.host, coord, &others.hop] {
        store
            .sign_commitment(signer, id, None, None)
            .await
            .map_err(repo)?;
    }
    if reached(S::Committed) {
        return Ok(());
    }
    took_place(store, id).await?;
    let report = ReportInput {
        summary: "Productive visit".into(),
        outcomes: "Two supplier leads".into(),
        would_recommend: true,
        evidence: vec!["boarding-pass.pdf".into()],
    };
    store
        .submit_report(applicant, id, report)
        .await
        .map_err(repo)?;
    if reached(S::Reported) {
        return Ok(());
    }
    let app = store.validate_report(coord, id, None).await.map_err(repo)?;
    if reached(S::Completed) {
        return Ok(());
    }
    store
        .record_payment(coord, id, store.today(), app.grant_cents.unwrap_or(0))
        .await
        .map_err(repo)?;
    Ok(())
}
