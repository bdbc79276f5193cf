//! Who may act: the one access policy. Pure functions over a caller's grants and
//! relations (role grants per partnership, the organisations they are a contact of,
//! the clusters those organisations belong to, the parties an application recorded when
//! it was submitted) answering "allowed" or "denied, by this rule, because …".
//!
//! Handlers and repositories gather the facts and ask here; they do not decide
//! themselves. A denial carries a stable rule id (the problem document's `rule`) and a
//! reason a person can read, and says how to answer: 403, 404 (the caller may not even
//! know the record exists) or 409 (the contract lists the case as a state conflict).
use uuid::Uuid;

mod accounts;
mod applications;
mod group_visits;
mod organisations;
mod partnerships;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_applications;

pub use accounts::{AccountAction, Grantee, account_action, grant_role, may_receive};
pub use applications::{
    AppAction, OwnParties, Parties, Relation, Signatures, application_action, may_read, signatory,
};
pub use group_visits::{cancel_registration, manage_visit, register_for_visit};
pub use organisations::{OrgAccess, edit_organisation, organisation_access};
pub use partnerships::{PartnershipAction, partnership_action};

crate::code_enum! {
    /// A role a user can be granted.
    pub enum Role: "role" {
        Partner = "partner",
        Coordinator = "coordinator",
        Admin = "admin",
    }
}

crate::code_enum! {
    /// A user's headline role (`users.role`): the strongest role they hold, `applicant`
    /// without any grant. See [`AccountRole::headline`].
    pub enum AccountRole: "account role" {
        Applicant = "applicant",
        Partner = "partner",
        Coordinator = "coordinator",
        Admin = "admin",
    }
}

impl AccountRole {
    /// The headline role of someone holding these granted roles: the strongest, else
    /// `applicant`. `admin_without_grant` keeps an admin made on the command line (who
    /// holds no admin grant row) an admin.
    #[must_use]
    pub fn headline(admin_without_grant: bool, roles: impl IntoIterator<Item = Role>) -> Self {
        let strongest = roles.into_iter().map(Self::from).max_by_key(|r| r.rank());
        match strongest {
            _ if admin_without_grant => Self::Admin,
            Some(r) => r,
            None => Self::Applicant,
        }
    }

    fn rank(self) -> u8 {
        match self {
            Self::Applicant => 0,
            Self::Partner => 1,
            Self::Coordinator => 2,
            Self::Admin => 3,
        }
    }
}

impl From<Role> for AccountRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Partner => Self::Partner,
            Role::Coordinator => Self::Coordinator,
            Role::Admin => Self::Admin,
        }
    }
}

crate::code_enum! {
    /// What a member organisation is in its partnership (`partnership_members.role`).
    pub enum MemberRole: "partnership member role" {
        Coordinator = "coordinator",
        Partner = "partner",
    }
}

/// One grant: a role, for one partnership or (`None`) for every partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub partnership: Option<Uuid>,
}

/// Everything the policy needs to know about the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    pub id: Uuid,
    /// The account's headline role is `admin`.
    pub admin: bool,
    pub grants: Vec<Grant>,
    /// Organisations (clusters included) the caller is a contact of.
    pub organisations: Vec<Uuid>,
}

impl Actor {
    /// Coordinator of this partnership (admins count as coordinators everywhere).
    #[must_use]
    pub fn coordinates(&self, partnership: Uuid) -> bool {
        self.admin || self.holds(Role::Coordinator, partnership)
    }

    /// Coordinator of this partnership by an actual grant, not by being an admin: the
    /// only kind of coordinator who may sign on the partnership's behalf.
    #[must_use]
    pub fn holds(&self, role: Role, partnership: Uuid) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == role && g.partnership.is_none_or(|p| p == partnership))
    }

    /// Partner or coordinator of this partnership.
    #[must_use]
    pub fn works_for(&self, partnership: Uuid) -> bool {
        self.coordinates(partnership) || self.holds(Role::Partner, partnership)
    }

    /// Partnerships the caller works for; `None` means all (admin or unscoped grant).
    #[must_use]
    pub fn partnerships(&self) -> Option<Vec<Uuid>> {
        if self.admin || self.grants.iter().any(|g| g.partnership.is_none()) {
            return None;
        }
        Some(self.grants.iter().filter_map(|g| g.partnership).collect())
    }

    /// A contact of this organisation.
    #[must_use]
    pub fn contact_of(&self, organisation: Uuid) -> bool {
        self.organisations.contains(&organisation)
    }
}

/// How a denial is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 403: the caller knows the record and may not do this.
    Forbidden,
    /// 404: the caller may not know the record exists.
    Hidden,
    /// 409: the contract treats the case as a conflict with the record's state.
    Conflict,
}

/// Why an action is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Denied {
    /// Stable snake_case id of the rule that refused.
    pub rule: &'static str,
    pub reason: String,
    pub refusal: Refusal,
}

impl Denied {
    #[must_use]
    pub fn forbidden(rule: &'static str, reason: impl Into<String>) -> Self {
        Self {
            rule,
            reason: reason.into(),
            refusal: Refusal::Forbidden,
        }
    }

    #[must_use]
    pub fn hidden(rule: &'static str) -> Self {
        Self {
            rule,
            reason: "not found".into(),
            refusal: Refusal::Hidden,
        }
    }

    #[must_use]
    pub fn conflict(rule: &'static str, reason: impl Into<String>) -> Self {
        Self {
            rule,
            reason: reason.into(),
            refusal: Refusal::Conflict,
        }
    }
}

/// The answer of every policy function.
pub type Verdict<T = ()> = Result<T, Denied>;

/// Allowed when `ok`, else denied (403) by `rule` for `reason`.
fn require(ok: bool, rule: &'static str, reason: &str) -> Verdict {
    if ok {
        Ok(())
    } else {
        Err(Denied::forbidden(rule, reason))
    }
}
