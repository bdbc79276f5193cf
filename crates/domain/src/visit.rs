//! States of a group visit and of a registration for it.

crate::code_enum! {
    /// A group visit: drafted by its partnership, then published (open for registration) or
    /// cancelled.
    pub enum VisitStatus: "visit status" {
        Draft = "draft",
        Published = "published",
        Cancelled = "cancelled",
    }
}

crate::code_enum! {
    /// A registration holds a place (confirmed), waits for one (waitlisted, in queue order)
    /// or was cancelled.
    pub enum RegistrationStatus: "registration status" {
        Confirmed = "confirmed",
        Waitlisted = "waitlisted",
        Cancelled = "cancelled",
    }
}

pub mod registration;
