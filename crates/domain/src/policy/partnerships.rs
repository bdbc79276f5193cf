//! Partnerships, their calls, reports and group visits: staff act for their own
//! partnership, coordinators manage it, admins everything.
use uuid::Uuid;

use super::{Actor, Verdict, require};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnershipAction {
    /// Create or change a call, read a call's application report.
    ManageCalls,
    /// Read the partnership's report.
    ReadReport,
    /// Create, change, publish or cancel a group visit; see its registrations.
    ManageVisits,
}

/// May the actor do this for `partnership`?
///
/// # Errors
/// `coordinator_only` for calls, `staff_only` for reports and visits.
pub fn partnership_action(actor: &Actor, partnership: Uuid, action: PartnershipAction) -> Verdict {
    match action {
        PartnershipAction::ManageCalls => require(
            actor.coordinates(partnership),
            "coordinator_only",
            "only a coordinator of this partnership (or an admin) may do this",
        ),
        PartnershipAction::ReadReport => require(
            actor.works_for(partnership),
            "staff_only",
            "only the partnership's partners and coordinators (or an admin) read its report",
        ),
        PartnershipAction::ManageVisits => require(
            actor.works_for(partnership),
            "staff_only",
            "only the partnership's partners and coordinators (or an admin) manage its group visits",
        ),
    }
}
