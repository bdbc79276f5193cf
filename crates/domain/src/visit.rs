//! States of a group visit and of a registration for it.

/// A group visit: drafted by its partnership, then published (open for registration) or
/// cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::DeriveValueType),
    sea_orm(
        value_type = "String",
        from_str = "crate::codes::Code::from_code",
        to_str = "crate::codes::Code::code"
    )
)]
pub enum VisitStatus {
    Draft,
    Published,
    Cancelled,
}

impl VisitStatus {
    pub const ALL: [Self; 3] = [Self::Draft, Self::Published, Self::Cancelled];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Cancelled => "cancelled",
        }
    }
}
crate::impl_code!(VisitStatus, "visit status");

/// A registration holds a place (confirmed), waits for one (waitlisted, in queue order)
/// or was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::DeriveValueType),
    sea_orm(
        value_type = "String",
        from_str = "crate::codes::Code::from_code",
        to_str = "crate::codes::Code::code"
    )
)]
pub enum RegistrationStatus {
    Confirmed,
    Waitlisted,
    Cancelled,
}

impl RegistrationStatus {
    pub const ALL: [Self; 3] = [Self::Confirmed, Self::Waitlisted, Self::Cancelled];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Waitlisted => "waitlisted",
            Self::Cancelled => "cancelled",
        }
    }
}
crate::impl_code!(RegistrationStatus, "registration status");
