//! Attempt counters for throttling (issue 12), kept in the database so every server
//! process on it enforces one limit.
//!
//! [`Store::throttle_reserve`] checks and counts in one conditional statement (an upsert
//! whose update only applies when the attempt is due), so of any number of concurrent
//! attempts each is decided against the state the previous ones left, and none is refused
//! for losing a race. 100 concurrent guesses against a limit of 5 thus let at most 5
//! through, on one process or several.
//!
//! The limit is a progressive delay, not a ban: after `free` attempts, the next is
//! allowed `base · 2^(n − free)` seconds after the previous one (capped at `max`), and a
//! counter untouched for `forget` seconds starts again from zero.
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set, prelude::Expr, sea_query::OnConflict};

use crate::repositories::Store;
use crate::{RepoResult, entities::throttle_counters as tc};

/// One kind of limited attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub struct ThrottleRule {
    /// Attempts without any delay.
    pub free: u32,
    /// Delay before the first attempt over `free`, doubled for each further one.
    pub base_secs: u64,
    /// Longest delay.
    pub max_secs: u64,
    /// A counter left alone this long is forgotten.
    pub forget_secs: u64,
}

impl ThrottleRule {
    /// The wait after the `n`th attempt.
    #[must_use]
    pub fn delay_after(&self, n: u32) -> Duration {
        if n < self.free {
            return Duration::zero();
        }
        let doublings = (n - self.free).min(40);
        let secs = self
            .base_secs
            .saturating_mul(1u64 << doublings)
            .min(self.max_secs);
        Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX / 1000))
    }
}

impl Store {
    /// Counts one attempt under `key` if it is allowed now; otherwise returns the seconds
    /// to wait (at least 1).
    ///
    /// Check and count are one statement, `INSERT … ON CONFLICT (key) DO UPDATE SET … WHERE
    /// allowed`: both databases run it atomically against the row's latest state (SQLite
    /// has one writer; PostgreSQL locks the conflicting row and re-evaluates the `WHERE`),
    /// so no attempt can be lost to a concurrent one and none has to retry. The previous
    /// read-then-compare-and-set gave up after a number of lost rounds and refused correct
    /// logins under load (issue 17).
    ///
    /// # Errors
    /// Database failures only.
    pub async fn throttle_reserve(
        &self,
        key: &str,
        rule: &ThrottleRule,
    ) -> RepoResult<Option<u64>> {
        if rand::random::<u8>() == 0 {
            self.throttle_sweep(rule).await?;
        }
        // A refused attempt reads the row to say how long to wait; if a concurrent clear
        // or refund changed it meanwhile so that it would now be allowed, try again (a
        // couple of rounds at most: each round is a fresh, atomic decision).
        for _ in 0..3 {
            let now = self.now();
            if self.throttle_count(key, rule, now).await? {
                return Ok(None);
            }
            let row = tc::Entity::find_by_id(key.to_owned())
                .one(&self.db.conn)
                .await?;
            if let Some(row) = row
                && row.updated_at >= now - secs(rule.forget_secs)
                && i64::from(row.count) >= i64::from(rule.free)
                && row.next_at > now
            {
                return Ok(Some(wait_secs(row.next_at, now)));
            }
        }
        Ok(Some(1))
    }

    /// The atomic step: inserts the counter at 1, or counts one more attempt on it when
    /// it is due (or forgotten). True when the attempt was counted.
    async fn throttle_count(
        &self,
        key: &str,
        rule: &ThrottleRule,
        now: DateTime<Utc>,
    ) -> RepoResult<bool> {
        use sea_orm::sea_query::ExprTrait;
        let col = |c: tc::Column| Expr::col((tc::Entity, c));
        let forgotten = col(tc::Column::UpdatedAt).lt(now - secs(rule.forget_secs));
        let next = col(tc::Column::Count).add(1);
        let update = OnConflict::column(tc::Column::Key)
            .values([
                (
                    tc::Column::Count,
                    Expr::case(forgotten.clone(), 1)
                        .finally(next.clone())
                        .into(),
                ),
                (tc::Column::Version, col(tc::Column::Version).add(1)),
                (
                    tc::Column::NextAt,
                    Expr::case(forgotten.clone(), now + rule.delay_after(1))
                        .finally(next_at_expr(next, rule, now))
                        .into(),
                ),
                (tc::Column::UpdatedAt, Expr::value(now)),
            ])
            // Due when forgotten, when the attempts so far were all free (no delay to
            // meet: deciding this on the count, not on `next_at`, keeps a request whose
            // clock reading is a moment older than a concurrent one's from being refused),
            // or when the delay has passed.
            .action_and_where(
                forgotten
                    .or(col(tc::Column::Count).lt(i64::from(rule.free)))
                    .or(col(tc::Column::NextAt).lte(now)),
            )
            .to_owned();
        let counted = tc::Entity::insert(tc::ActiveModel {
            key: Set(key.to_owned()),
            count: Set(1),
            version: Set(1),
            next_at: Set(now + rule.delay_after(1)),
            updated_at: Set(now),
        })
        .on_conflict(update)
        .exec_without_returning(&self.db.conn)
        .await?;
        Ok(counted == 1)
    }

    /// Gives back one reserved attempt (it succeeded, so it was no guess). The delay
    /// already set stays: a success does not open the door for the next guess.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn throttle_refund(&self, key: &str) -> RepoResult<()> {
        use sea_orm::sea_query::ExprTrait;
        tc::Entity::update_many()
            .col_expr(tc::Column::Count, Expr::col(tc::Column::Count).sub(1))
            .col_expr(tc::Column::Version, Expr::col(tc::Column::Version).add(1))
            .filter(tc::Column::Key.eq(key))
            .filter(tc::Column::Count.gt(0))
            .exec(&self.db.conn)
            .await?;
        Ok(())
    }

    /// Forgets a key (the owner signed in from this client).
    ///
    /// # Errors
    /// Database failures only.
    pub async fn throttle_clear(&self, key: &str) -> RepoResult<()> {
        tc::Entity::delete_by_id(key.to_owned())
            .exec(&self.db.conn)
            .await?;
        Ok(())
    }

    /// Drops counters nobody touched for a day (or the rule's `forget`, if longer), so
    /// the table stays as small as the set of recent clients.
    async fn throttle_sweep(&self, rule: &ThrottleRule) -> RepoResult<()> {
        let keep = secs(rule.forget_secs.max(rule.max_secs).max(86_400));
        tc::Entity::delete_many()
            .filter(tc::Column::UpdatedAt.lt(self.now() - keep))
            .exec(&self.db.conn)
            .await?;
        Ok(())
    }
}

/// `next_at` after the `n`th attempt, `n` being an SQL expression: `now + delay_after(n)`
/// as a `CASE` over the few counts where the delay still changes (it doubles up to the
/// cap, so at most 41 arms), with every moment computed here and bound as a value. This
/// keeps date arithmetic, which SQLite and PostgreSQL spell differently, out of the SQL.
fn next_at_expr(n: Expr, rule: &ThrottleRule, now: DateTime<Utc>) -> Expr {
    use sea_orm::sea_query::ExprTrait;
    let cap = rule.delay_after(u32::MAX);
    let mut case = Expr::case(n.clone().lt(i64::from(rule.free)), now);
    let mut at = rule.free;
    while rule.delay_after(at) < cap {
        case = case.case(n.clone().eq(i64::from(at)), now + rule.delay_after(at));
        let Some(following) = at.checked_add(1) else {
            break;
        };
        at = following;
    }
    case.finally(now + cap).into()
}

fn secs(s: u64) -> Duration {
    Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 1000))
}

fn wait_secs(until: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    let ms = (until - now).num_milliseconds().max(0);
    u64::try_from(ms.div_euclid(1000) + 1).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_the_free_attempts_and_double_up_to_the_cap() {
        let r = ThrottleRule {
            free: 5,
            base_secs: 1,
            max_secs: 900,
            forget_secs: 3600,
        };
        let d: Vec<i64> = (1..=17).map(|n| r.delay_after(n).num_seconds()).collect();
        assert_eq!(
            d,
            [
                0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900
            ]
        );
        assert_eq!(r.delay_after(u32::MAX).num_seconds(), 900);
    }
}
