//! The one error type of the storage layer; `cxc-http` maps each variant to a status.
pub use cxc_domain::problem::Problem;
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// Unknown id, or one the caller may not see.
    #[error("not found")]
    NotFound,
    /// Wrong workflow state, duplicate, exhausted budget or capacity.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// The caller's `If-Match` version is not the current one.
    #[error("the resource was changed by someone else (current version {current})")]
    Stale { current: i32 },
    /// Well-formed but invalid input: one entry per failed rule.
    #[error("validation failed")]
    Invalid(Vec<Problem>),
    /// Authenticated but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// Refused by the access policy: 403, or 409 where the contract calls it a conflict.
    #[error("{0}")]
    Denied(cxc_domain::policy::Denied),
    #[error("database error: {0}")]
    Db(DbErr),
    /// An email of this kind could not be rendered (a template or its context is wrong);
    /// the change is rolled back with its outbox row.
    #[error("email template '{kind}': {cause}")]
    Template {
        kind: cxc_domain::notify::EmailKind,
        cause: String,
    },
}

pub type RepoResult<T> = Result<T, RepoError>;

impl RepoError {
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![Problem::new(field, code, message)])
    }
}

impl From<DbErr> for RepoError {
    fn from(e: DbErr) -> Self {
        // A unique violation is the conflict its constraint means (`constraints::UNIQUE`).
        match crate::constraints::unique_violation(&e) {
            Some(Some(u)) => Self::conflict(u.code, u.message),
            Some(None) => Self::conflict("duplicate", "a record with these values already exists"),
            None => match e {
                DbErr::RecordNotFound(_) => Self::NotFound,
                other => Self::Db(other),
            },
        }
    }
}
