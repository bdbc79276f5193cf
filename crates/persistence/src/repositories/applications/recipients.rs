//! Who receives the messages of a change, in one query: each kind of recipient
//! ([`To`]) is a branch of a `UNION ALL` over `users`, tagged with the branch. It replaced
//! five queries for a submission (the applicant; the host's contacts and the
//! coordinators, each as ids and then users), run under the write lock (issue 17).
use sea_orm::{
    ColumnTrait, ConnectionTrait, FromQueryResult, Iterable,
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, UnionType},
};

use super::change::To;
use crate::{
    RepoResult,
    entities::{applications, organisation_contacts, role_grants, users},
};

/// The people of each kind in `to` (a person may appear under several kinds).
pub(super) async fn recipients<C: ConnectionTrait>(
    conn: &C,
    app: &applications::Model,
    to: &[To],
) -> RepoResult<Vec<(To, users::Model)>> {
    let mut union: Option<SelectStatement> = None;
    for (tag, kind) in to.iter().enumerate() {
        let branch = branch(app, *kind, i32::try_from(tag).unwrap_or(i32::MAX));
        match &mut union {
            None => union = Some(branch),
            Some(u) => {
                u.union(UnionType::All, branch);
            }
        }
    }
    let Some(union) = union else {
        return Ok(Vec::new());
    };
    let rows = conn.query_all(&union).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let tag: i32 = row.try_get("", "recipient_kind")?;
        let kind = usize::try_from(tag).ok().and_then(|t| to.get(t));
        if let Some(kind) = kind {
            out.push((*kind, users::Model::from_query_result(&row, "")?));
        }
    }
    Ok(out)
}

/// `SELECT <tag>, users.* FROM users …` for one kind of recipient. The applicant is read
/// by id whether erased or not, the others skip erased accounts (as the queries this
/// replaced did).
fn branch(app: &applications::Model, kind: To, tag: i32) -> SelectStatement {
    let mut q = Query::select();
    q.expr_as(Expr::val(tag), Alias::new("recipient_kind"));
    for c in users::Column::iter() {
        q.column((users::Entity, c));
    }
    q.from(users::Entity);
    let coordinators = |q: &mut SelectStatement, partnership| {
        q.inner_join(
            role_grants::Entity,
            Expr::col((role_grants::Entity, role_grants::Column::UserId))
                .equals((users::Entity, users::Column::Id)),
        )
        .and_where(role_grants::Column::Role.eq(cxc_domain::policy::Role::Coordinator))
        .and_where(role_grants::Column::PartnershipId.eq(partnership))
        .and_where(users::Column::ErasedAt.is_null());
    };
    match kind {
        To::Applicant => {
            q.and_where(users::Column::Id.eq(app.applicant_id));
        }
        To::HostContacts => {
            q.inner_join(
                organisation_contacts::Entity,
                Expr::col((
                    organisation_contacts::Entity,
                    organisation_contacts::Column::UserId,
                ))
                .equals((users::Entity, users::Column::Id)),
            )
            .and_where(organisation_contacts::Column::OrganisationId.eq(app.host_organisation_id))
            .and_where(users::Column::ErasedAt.is_null());
        }
        To::VopCoordinators => coordinators(&mut q, app.partnership_id),
        To::HopCoordinators => coordinators(&mut q, app.host_partnership_id),
    }
    q
}
