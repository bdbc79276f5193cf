//! Accounts: who grants and takes away roles, disables accounts, ends sessions and
//! reads the audit trail, and the service's admin-only corners.
use uuid::Uuid;

use super::{Actor, Denied, Role, Verdict, require};

/// The facts about the person receiving a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grantee {
    pub id: Uuid,
    /// The account's email address is verified: an unverified account receives no
    /// grant (issue 12, "account lifecycle").
    pub verified: bool,
    pub disabled: bool,
}

/// Actions on accounts and on the service as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountAction {
    /// List users with their grants.
    ListUsers,
    /// Read the trail of grants, revocations and account changes.
    ReadAudit,
    /// Take a role away from someone.
    Revoke {
        target: Uuid,
        role: Role,
    },
    Disable {
        target: Uuid,
    },
    Enable {
        target: Uuid,
    },
    /// End every session of someone else (one's own: log out).
    EndSessions {
        target: Uuid,
    },
    /// The outbox of emails and its retries.
    Outbox,
    /// `/metrics` when it is configured as admin-only.
    Metrics,
    /// Create a partnership.
    CreatePartnership,
    /// Grant a role (whether the grantee may receive it: [`may_receive`]).
    Grant,
}

const ADMIN_ONLY: &str = "admin_only";

/// May the actor do this?
///
/// # Errors
/// `admin_only` for everyone but admins; `self_lockout` when an admin would disable
/// themselves, take away their own admin role (the last way back in) or end their own
/// sessions through the admin route.
pub fn account_action(actor: &Actor, action: AccountAction) -> Verdict {
    let what = match action {
        AccountAction::ListUsers => "only admins list users",
        AccountAction::ReadAudit => "only admins read the audit trail",
        AccountAction::Revoke { .. } => "only admins revoke roles",
        AccountAction::Disable { .. } | AccountAction::Enable { .. } => {
            "only admins disable or enable accounts"
        }
        AccountAction::EndSessions { .. } => "only admins end someone's sessions",
        AccountAction::Outbox => "the outbox is for admins",
        AccountAction::Metrics => "metrics are for admins",
        AccountAction::CreatePartnership => "only admins create partnerships",
        AccountAction::Grant => "only admins grant roles",
    };
    require(actor.admin, ADMIN_ONLY, what)?;
    match action {
        AccountAction::Disable { target } if target == actor.id => Err(Denied::forbidden(
            "self_lockout",
            "an admin cannot disable their own account; ask another admin",
        )),
        AccountAction::Revoke {
            target,
            role: Role::Admin,
        } if target == actor.id => Err(Denied::forbidden(
            "self_lockout",
            "an admin cannot take away their own admin role; ask another admin",
        )),
        // One's own sessions end by logging out; this route would cut off the admin
        // mid-work (and a fuzzer holding an admin token).
        AccountAction::EndSessions { target } if target == actor.id => Err(Denied::forbidden(
            "self_lockout",
            "end your own session by logging out; this is for someone else's sessions",
        )),
        _ => Ok(()),
    }
}

/// May the actor grant `role` to `grantee`? (Whether the role and partnership fit
/// together is input validation, answered with 422 before this.)
///
/// # Errors
/// `admin_only`; `grantee_disabled` and `account_unverified` (409: the account's state).
pub fn grant_role(actor: &Actor, grantee: &Grantee, role: Role) -> Verdict {
    account_action(actor, AccountAction::Grant)?;
    may_receive(grantee, role)
}

/// May this account receive `role`?
///
/// # Errors
/// `grantee_disabled` and `account_unverified` (409: the account's state).
pub fn may_receive(grantee: &Grantee, role: Role) -> Verdict {
    if grantee.disabled {
        return Err(Denied::conflict(
            "grantee_disabled",
            "the account is disabled; enable it before granting a role",
        ));
    }
    if !grantee.verified {
        return Err(Denied::conflict(
            "account_unverified",
            format!(
                "this account has not confirmed its email address yet; a {} role goes to verified accounts only",
                role.as_str()
            ),
        ));
    }
    Ok(())
}
