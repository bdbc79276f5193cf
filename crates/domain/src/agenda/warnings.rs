//! Soft warnings about the programme: they never block saving, they help organisers
//! spot moves between venues that leave no time to travel.

use chrono::Duration;
use uuid::Uuid;

use super::{AgendaItem, ItemKind};

/// A non-blocking remark about the agenda.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AgendaWarning {
    /// Currently always `"tight_transfer"`.
    pub code: &'static str,
    pub message: String,
    /// The earlier item, then the later one.
    pub item_ids: Vec<Uuid>,
}

/// Warns when participants must change venue with less than `buffer` between items.
///
/// For each non-transfer item, its predecessors are the items that end latest while
/// still ending no later than it starts (several when parallel sessions end together).
/// If any predecessor is a transfer, travel is planned and nothing is said. Otherwise
/// each predecessor at another venue with a gap shorter than `buffer` yields a warning.
/// Overlapping items are treated as parallel tracks, not as a travel problem.
pub fn transfer_warnings(items: &[AgendaItem], buffer: Duration) -> Vec<AgendaWarning> {
    let mut sorted: Vec<&AgendaItem> = items.iter().collect();
    sorted.sort_by_key(|i| (i.starts_utc, i.ends_utc, i.id));

    let mut out = Vec::new();
    for next in sorted.iter().filter(|i| i.kind != ItemKind::Transfer) {
        let before: Vec<&&AgendaItem> = sorted
            .iter()
            .filter(|p| p.id != next.id && p.ends_utc <= next.starts_utc)
            .collect();
        let Some(latest_end) = before.iter().map(|p| p.ends_utc).max() else {
            continue;
        };
        let preds: Vec<&&AgendaItem> = before
            .into_iter()
            .filter(|p| p.ends_utc == latest_end)
            .collect();
        if preds.iter().any(|p| p.kind == ItemKind::Transfer) {
            continue;
        }
        let gap = next.starts_utc - latest_end;
        if gap >= buffer {
            continue;
        }
        for prev in preds
            .into_iter()
            .filter(|p| p.venue_key() != next.venue_key())
        {
            out.push(AgendaWarning {
                code: "tight_transfer",
                message: format!(
                    "Only {} min between \"{}\" at {} and \"{}\" at {}; allow at least {} min \
                     to travel or add a transfer.",
                    gap.num_minutes(),
                    prev.title,
                    prev.venue.trim(),
                    next.title,
                    next.venue.trim(),
                    buffer.num_minutes()
                ),
                item_ids: vec![prev.id, next.id],
            });
        }
    }
    out
}
