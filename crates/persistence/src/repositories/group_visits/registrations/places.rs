//! Places on a visit or activity. Capacity is guaranteed by the database itself: a
//! place is taken only by a conditional increment (`confirmed_count < capacity`), so no
//! interleaving of requests can overbook.
use cxc_domain::visit::RegistrationStatus;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, prelude::Expr,
    sea_query::ExprTrait,
};
use uuid::Uuid;

use crate::{
    RepoResult,
    entities::{agenda_items, group_visits, registrations},
};

pub(crate) fn scope(item: Option<Uuid>) -> sea_orm::Condition {
    match item {
        Some(i) => sea_orm::Condition::all().add(registrations::Column::ItemId.eq(i)),
        None => sea_orm::Condition::all().add(registrations::Column::ItemId.is_null()),
    }
}

/// Takes one place on the visit or the item if one is left.
pub(crate) async fn take_place(
    tx: &DatabaseTransaction,
    visit: Uuid,
    item: Option<Uuid>,
) -> RepoResult<bool> {
    let res = match item {
        None => {
            use group_visits::Column as C;
            group_visits::Entity::update_many()
                .col_expr(C::ConfirmedCount, Expr::col(C::ConfirmedCount).add(1))
                .filter(C::Id.eq(visit))
                .filter(Expr::col(C::ConfirmedCount).lt(Expr::col(C::Capacity)))
                .exec(tx)
                .await?
        }
        Some(i) => {
            use agenda_items::Column as C;
            agenda_items::Entity::update_many()
                .col_expr(C::ConfirmedCount, Expr::col(C::ConfirmedCount).add(1))
                .filter(C::Id.eq(i))
                .filter(Expr::col(C::ConfirmedCount).lt(Expr::col(C::Capacity)))
                .exec(tx)
                .await?
        }
    };
    Ok(res.rows_affected == 1)
}

/// Gives one place back.
pub(crate) async fn free_place(
    tx: &DatabaseTransaction,
    visit: Uuid,
    item: Option<Uuid>,
) -> RepoResult<()> {
    match item {
        None => {
            use group_visits::Column as C;
            group_visits::Entity::update_many()
                .col_expr(C::ConfirmedCount, Expr::col(C::ConfirmedCount).sub(1))
                .filter(C::Id.eq(visit))
                .filter(C::ConfirmedCount.gt(0))
                .exec(tx)
                .await?;
        }
        Some(i) => {
            use agenda_items::Column as C;
            agenda_items::Entity::update_many()
                .col_expr(C::ConfirmedCount, Expr::col(C::ConfirmedCount).sub(1))
                .filter(C::Id.eq(i))
                .filter(C::ConfirmedCount.gt(0))
                .exec(tx)
                .await?;
        }
    }
    Ok(())
}

/// Position of a waitlisted registration among those of its scope.
pub(crate) async fn position(
    tx: &DatabaseTransaction,
    r: &registrations::Model,
) -> RepoResult<i64> {
    let ahead = registrations::Entity::find()
        .filter(registrations::Column::VisitId.eq(r.visit_id))
        .filter(scope(r.item_id))
        .filter(registrations::Column::Status.eq(RegistrationStatus::Waitlisted))
        .filter(registrations::Column::QueueSeq.lt(r.queue_seq))
        .count(tx)
        .await?;
    Ok(i64::try_from(ahead).unwrap_or(i64::MAX) + 1)
}
