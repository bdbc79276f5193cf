//! Unique violations mapped by constraint (ADR 0008): the one table of which stored
//! uniqueness rule answers which conflict. A use case lets the database decide a race
//! (two sign-ups with one address, two payments) and the `?` turns the violation into the
//! conflict named here; no call site matches database errors.
//!
//! PostgreSQL reports the constraint's name (`users_email_key` for an inline `UNIQUE`,
//! `<table>_pkey`, or our `ix_<table>_<cols>` indexes); SQLite reports the columns
//! (`UNIQUE constraint failed: users.email`). Each entry names both.
use sea_orm::{DbErr, SqlErr};

/// One uniqueness rule and the conflict it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unique {
    /// PostgreSQL's constraint or index name.
    pub name: &'static str,
    /// SQLite's `table.column, table.column` list.
    pub columns: &'static str,
    /// The problem code and message the API answers with (409).
    pub code: &'static str,
    pub message: &'static str,
}

/// Every uniqueness rule a request can run into. Others (random tokens, idempotency keys,
/// history sequence numbers) answer the generic `duplicate` conflict.
pub const UNIQUE: &[Unique] = &[
    Unique {
        name: "users_email_key",
        columns: "users.email",
        code: "email_taken",
        message: "an account with this email already exists",
    },
    Unique {
        name: "organisation_contacts_pkey",
        columns: "organisation_contacts.organisation_id, organisation_contacts.user_id",
        code: "already_contact",
        message: "this user is already a contact",
    },
    Unique {
        name: "ix_organisation_invitations_organisation_id_user_id",
        columns: "organisation_invitations.organisation_id, organisation_invitations.user_id",
        code: "already_invited",
        message: "this person already has a pending invitation",
    },
    Unique {
        name: "payments_pkey",
        columns: "payments.application_id",
        code: "already_paid",
        message: "only one payment is allowed",
    },
    Unique {
        name: "ix_registrations_active_key",
        columns: "registrations.active_key",
        code: "already_registered",
        message: "you are already registered for this",
    },
];

/// The rule a unique violation broke: `Some(None)` for a violation not in [`UNIQUE`],
/// `None` when the error is not a unique violation at all.
#[must_use]
pub fn unique_violation(e: &DbErr) -> Option<Option<&'static Unique>> {
    let Some(SqlErr::UniqueConstraintViolation(message)) = e.sql_err() else {
        return None;
    };
    Some(find(&message))
}

fn find(message: &str) -> Option<&'static Unique> {
    // PostgreSQL: `duplicate key value violates unique constraint "users_email_key"`.
    if let Some(name) = message
        .split_once("unique constraint \"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(name, _)| name)
    {
        return UNIQUE.iter().find(|u| u.name == name);
    }
    // SQLite: `UNIQUE constraint failed: users.email` (possibly with a code suffix).
    let columns = message
        .split_once("constraint failed: ")
        .map(|(_, rest)| rest.split(" (").next().unwrap_or(rest).trim())?;
    UNIQUE.iter().find(|u| u.columns == columns)
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn both_databases_name_the_same_rule() {
        let pg = find(r#"duplicate key value violates unique constraint "payments_pkey""#);
        let lite = find("UNIQUE constraint failed: payments.application_id");
        assert_eq!(pg.map(|u| u.code), Some("already_paid"));
        assert_eq!(pg, lite);
        let two = find(
            "UNIQUE constraint failed: organisation_contacts.organisation_id, organisation_contacts.user_id",
        );
        assert_eq!(two.map(|u| u.code), Some("already_contact"));
        assert_eq!(find("UNIQUE constraint failed: sessions.token_hash"), None);
        assert_eq!(find(r#"violates unique constraint "ix_other""#), None);
    }
}
