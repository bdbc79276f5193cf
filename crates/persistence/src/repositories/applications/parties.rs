//! The facts the access policy needs about an application: its parties, the clusters
//! of both organisations and who acted for each side at submission (recorded then, in
//! `application_parties`). Current and recorded relations are merged, so the stricter
//! of the two decides (a cluster removed after submission still counts).
use cxc_domain::policy::{self, AppAction, Denied, Parties, Refusal, Relation};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::{
    RepoError, RepoResult, Stored,
    entities::{application_parties, applications, organisation_clusters, organisation_contacts},
    repositories::accounts::Caller,
};

fn merge(mut a: Vec<Uuid>, b: Vec<Uuid>) -> Vec<Uuid> {
    a.extend(b);
    a.sort_unstable();
    a.dedup();
    a
}

/// Clusters of each organisation now: `(visitor's, host's)`.
async fn clusters_now<C: ConnectionTrait>(
    conn: &C,
    app: &applications::Model,
) -> RepoResult<(Vec<Uuid>, Vec<Uuid>)> {
    let rows = organisation_clusters::Entity::find()
        .filter(
            organisation_clusters::Column::OrganisationId
                .is_in([app.organisation_id, app.host_organisation_id]),
        )
        .all(conn)
        .await?;
    let of = |org: Uuid| {
        rows.iter()
            .filter(|r| r.organisation_id == org)
            .map(|r| r.cluster_id)
            .collect::<Vec<_>>()
    };
    Ok((of(app.organisation_id), of(app.host_organisation_id)))
}

/// What the database holds about an application's parties: the clusters of both
/// organisations now and the row recorded at submission. Read once per change; the policy
/// ([`check_read`]) and the record at submission ([`record`]) both use it.
pub(crate) struct PartyRead {
    clusters_now: (Vec<Uuid>, Vec<Uuid>),
    recorded: Option<application_parties::Model>,
}

async fn read<C: ConnectionTrait>(conn: &C, app: &applications::Model) -> RepoResult<PartyRead> {
    Ok(PartyRead {
        clusters_now: clusters_now(conn, app).await?,
        recorded: application_parties::Entity::find_by_id(app.id)
            .one(conn)
            .await?,
    })
}

/// The application's own parties, as the row holds them.
pub(crate) fn own(app: &applications::Model) -> policy::OwnParties {
    policy::OwnParties {
        applicant: app.applicant_id,
        visiting_organisation: app.organisation_id,
        host_organisation: app.host_organisation_id,
        visiting_partnership: app.partnership_id,
        host_partnership: app.host_partnership_id,
    }
}

/// The parties of `app` with current and recorded relations merged.
fn merged(app: &applications::Model, stored: &PartyRead) -> RepoResult<Parties> {
    let (mut visitor_clusters, mut host_clusters) = stored.clusters_now.clone();
    let (mut visitor_side, mut host_side) = (Vec::new(), Vec::new());
    if let Some(rec) = &stored.recorded {
        visitor_clusters = merge(visitor_clusters, rec.visitor_clusters.0.clone());
        host_clusters = merge(host_clusters, rec.host_clusters.0.clone());
        visitor_side = rec.visitor_side.0.clone();
        host_side = rec.host_side.0.clone();
    }
    Ok(Parties {
        visitor_clusters,
        host_clusters,
        recorded_visitor_side: visitor_side,
        recorded_host_side: host_side,
        ..own(app).into()
    })
}

/// Records who acts for each side now (at submission): the contacts of each
/// organisation and of its clusters, the applicant on the visiting side. `stored` is what
/// the policy check read in the same transaction.
pub(crate) async fn record<C: ConnectionTrait>(
    conn: &C,
    app: &applications::Model,
    now: chrono::DateTime<chrono::Utc>,
    stored: PartyRead,
) -> RepoResult<()> {
    let (visitor_clusters, host_clusters) = stored.clusters_now;
    let visitor_orgs = merge(vec![app.organisation_id], visitor_clusters.clone());
    let host_orgs = merge(vec![app.host_organisation_id], host_clusters.clone());
    let contacts = organisation_contacts::Entity::find()
        .filter(
            organisation_contacts::Column::OrganisationId
                .is_in(merge(visitor_orgs.clone(), host_orgs.clone())),
        )
        .all(conn)
        .await?;
    let people = |orgs: &[Uuid]| {
        contacts
            .iter()
            .filter(|c| orgs.contains(&c.organisation_id))
            .map(|c| c.user_id)
            .collect::<Vec<_>>()
    };
    let visitor_side = merge(vec![app.applicant_id], people(&visitor_orgs));
    let host_side = merge(Vec::new(), people(&host_orgs));
    let row = application_parties::ActiveModel {
        application_id: Set(app.id),
        recorded_at: Set(now),
        visitor_clusters: Set(Stored(visitor_clusters)),
        host_clusters: Set(Stored(host_clusters)),
        visitor_side: Set(Stored(visitor_side)),
        host_side: Set(Stored(host_side)),
    };
    // A draft is submitted once; should a row exist (a resubmission after a manual
    // repair), the newer relations are added to the older ones, never replace them.
    match stored.recorded {
        None => {
            row.insert(conn).await?;
        }
        Some(old) => {
            let mut am: application_parties::ActiveModel = old.clone().into();
            for (col, new, before) in [
                (
                    &mut am.visitor_clusters,
                    &row.visitor_clusters,
                    &old.visitor_clusters,
                ),
                (
                    &mut am.host_clusters,
                    &row.host_clusters,
                    &old.host_clusters,
                ),
                (&mut am.visitor_side, &row.visitor_side, &old.visitor_side),
                (&mut am.host_side, &row.host_side, &old.host_side),
            ] {
                if let sea_orm::ActiveValue::Set(n) = new {
                    *col = Set(Stored(merge(n.0.clone(), before.0.clone())));
                }
            }
            am.update(conn).await?;
        }
    }
    Ok(())
}

/// Asks the policy whether `caller` may do `action` on `app`.
///
/// # Errors
/// The policy's denial (404 when hidden).
pub(crate) async fn check<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    app: &applications::Model,
    action: AppAction,
) -> RepoResult<(Relation, Parties)> {
    let (rel, p, _) = check_read(conn, caller, app, action).await?;
    Ok((rel, p))
}

/// [`check`], also returning what it read (for [`record`] in the same transaction).
///
/// # Errors
/// The policy's denial (404 when hidden).
pub(crate) async fn check_read<C: ConnectionTrait>(
    conn: &C,
    caller: &Caller,
    app: &applications::Model,
    action: AppAction,
) -> RepoResult<(Relation, Parties, PartyRead)> {
    let stored = read(conn, app).await?;
    let p = merged(app, &stored)?;
    let rel = policy::application_action(&caller.actor, &p, action).map_err(RepoError::from)?;
    Ok((rel, p, stored))
}

impl From<Denied> for RepoError {
    fn from(d: Denied) -> Self {
        match d.refusal {
            Refusal::Hidden => Self::NotFound,
            _ => Self::Denied(d),
        }
    }
}
