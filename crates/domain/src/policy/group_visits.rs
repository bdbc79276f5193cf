//! Group visits: the partnership's staff manage a visit; contacts register their
//! organisation; a registration is changed by its registrant or the visit's managers.
use uuid::Uuid;

use super::{Actor, Denied, PartnershipAction, Verdict, partnership_action, require};

/// May the actor change the visit (its fields, agenda, publication, cancellation)?
/// `public`: anyone may see the visit (published, or cancelled after publication).
///
/// # Errors
/// `staff_only` (403) for outsiders of a public visit; `not_visible` (404) when they
/// may not even know an unpublished visit exists.
pub fn manage_visit(actor: &Actor, partnership: Uuid, public: bool) -> Verdict {
    if partnership_action(actor, partnership, PartnershipAction::ManageVisits).is_ok() {
        Ok(())
    } else if public {
        Err(Denied::forbidden(
            "staff_only",
            "only partners and coordinators of the visit's partnership may change it",
        ))
    } else {
        Err(Denied::hidden("not_visible"))
    }
}

/// May the actor register for a visit on behalf of an organisation? Its contacts may.
/// `contact` is read from storage in the same request, not taken from the session, so a
/// contact removed a moment ago cannot register any more.
///
/// # Errors
/// `contact_only` (403).
pub fn register_for_visit(contact: bool) -> Verdict {
    require(
        contact,
        "contact_only",
        "you are not a contact of this organisation",
    )
}

/// May the actor cancel a group-visit registration of `registrant` on a visit of
/// `partnership`? The registrant and the visit's managers may; for anyone else the
/// registration does not exist.
///
/// # Errors
/// `not_visible` (404).
pub fn cancel_registration(actor: &Actor, registrant: Uuid, partnership: Uuid) -> Verdict {
    if registrant == actor.id
        || partnership_action(actor, partnership, PartnershipAction::ManageVisits).is_ok()
    {
        Ok(())
    } else {
        Err(Denied::hidden("not_visible"))
    }
}
