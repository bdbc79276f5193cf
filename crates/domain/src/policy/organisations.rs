//! Organisations: their contacts act for them, admins look after the data, the staff
//! of any partnership read them (partnerships validate and match organisations across
//! partnerships), nobody else sees them.
use super::{Actor, Denied, Role, Verdict};

/// How the caller may use an organisation's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgAccess {
    Contact,
    Admin,
    /// Partner or coordinator of some partnership: reads only.
    Staff,
}

impl OrgAccess {
    #[must_use]
    pub fn can_edit(self) -> bool {
        matches!(self, Self::Contact | Self::Admin)
    }
}

/// The caller's access to an organisation they are (`is_contact`) or are not a contact
/// of.
///
/// # Errors
/// `not_visible` (404) for everyone else.
pub fn organisation_access(actor: &Actor, is_contact: bool) -> Verdict<OrgAccess> {
    if is_contact {
        Ok(OrgAccess::Contact)
    } else if actor.admin {
        Ok(OrgAccess::Admin)
    } else if actor
        .grants
        .iter()
        .any(|g| matches!(g.role, Role::Partner | Role::Coordinator))
    {
        Ok(OrgAccess::Staff)
    } else {
        Err(Denied::hidden("not_visible"))
    }
}

/// May the caller change the organisation (`what` names the change)?
///
/// # Errors
/// `not_visible` (404), `contacts_only` (403) for read-only staff.
pub fn edit_organisation(actor: &Actor, is_contact: bool, what: &str) -> Verdict<OrgAccess> {
    let access = organisation_access(actor, is_contact)?;
    if access.can_edit() {
        Ok(access)
    } else {
        Err(Denied::forbidden(
            "contacts_only",
            format!("only the organisation's contacts and admins may {what}"),
        ))
    }
}
