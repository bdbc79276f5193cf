//! Attempt counters for throttling (issue 12), kept in the database so every server
//! process on it enforces one limit.
//!
//! [`Store::throttle_reserve`] checks and counts in one step: it reads the counter and
//! writes the incremented one with a compare-and-set on `version`, so of any number of
//! concurrent attempts exactly one moves the counter from each state, and an attempt that
//! loses retries against the new state. 100 concurrent guesses against a limit of 5 thus
//! let at most 5 through, on one process or several.
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

/// Concurrent attempts that keep losing the compare-and-set are told to wait a second
/// rather than spin for ever (each round is one read and one conditional write).
const MAX_CAS_ROUNDS: usize = 64;

impl Store {
    /// Counts one attempt under `key` if it is allowed now; otherwise returns the seconds
    /// to wait (at least 1). Check and count are one atomic step.
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
        for _ in 0..MAX_CAS_ROUNDS {
            let now = Utc::now();
            let current = tc::Entity::find_by_id(key.to_owned())
                .one(&self.db.conn)
                .await?;
            let Some(row) = current else {
                let inserted = tc::Entity::insert(tc::ActiveModel {
                    key: Set(key.to_owned()),
                    count: Set(1),
                    version: Set(1),
                    next_at: Set(now + rule.delay_after(1)),
                    updated_at: Set(now),
                })
                .on_conflict(OnConflict::column(tc::Column::Key).do_nothing().to_owned())
                .exec_without_returning(&self.db.conn)
                .await?;
                if inserted == 1 {
                    return Ok(None);
                }
                continue;
            };
            let forgotten = now - row.updated_at > secs(rule.forget_secs);
            if !forgotten && row.next_at > now {
                return Ok(Some(wait_secs(row.next_at, now)));
            }
            let count = if forgotten {
                1
            } else {
                row.count.saturating_add(1)
            };
            let n = u32::try_from(count).unwrap_or(u32::MAX);
            let done = tc::Entity::update_many()
                .col_expr(tc::Column::Count, Expr::value(count))
                .col_expr(
                    tc::Column::Version,
                    Expr::value(row.version.wrapping_add(1)),
                )
                .col_expr(tc::Column::NextAt, Expr::value(now + rule.delay_after(n)))
                .col_expr(tc::Column::UpdatedAt, Expr::value(now))
                .filter(tc::Column::Key.eq(key))
                .filter(tc::Column::Version.eq(row.version))
                .exec(&self.db.conn)
                .await?;
            if done.rows_affected == 1 {
                return Ok(None);
            }
            tokio::task::yield_now().await;
        }
        Ok(Some(1))
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
            .filter(tc::Column::UpdatedAt.lt(Utc::now() - keep))
            .exec(&self.db.conn)
            .await?;
        Ok(())
    }
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
