//! The one validation problem of the workspace: a rule the input broke, named by field and
//! code. The domain's checks, the storage layer and the HTTP layer all report this type;
//! the HTTP layer lists them in the `errors` of a 422 problem document.

use serde::Serialize;

/// One failed field or rule of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ProblemEntry))]
pub struct Problem {
    /// The input field (`cluster_ids[2]`, `participants[0].country`), or the rule's subject.
    pub field: String,
    /// Stable snake_case code clients can branch on (`invalid_country`).
    pub code: String,
    /// A sentence for people.
    pub message: String,
}

impl Problem {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}
