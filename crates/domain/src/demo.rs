//! The demonstration accounts `cxc seed --demo` creates. Shared by the seed (which creates
//! them) and the sign-in page (which, when they exist, names them so a first-time visitor
//! can sign in without reading documentation).

use crate::policy::AccountRole;

/// The password of the demo accounts unless `CXC_DEMO_PASSWORD` chose another.
pub const DEFAULT_PASSWORD: &str = "demo-password-123";

/// What a demo account does in the scheme (the sign-in page names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DemoRole {
    Admin,
    Coordinator,
    /// The second BIGINN coordinator: signs for the host's partnership (BIGINN is both
    /// the visitors' and the host's), as each signature comes from a different person.
    HostCoordinator,
    Partner,
    Applicant,
    /// The host SME's contact (and of its cluster), who answers and signs for the host.
    Host,
}

/// `(role, email, full name, account role)` of each demo account.
pub const ACCOUNTS: [(DemoRole, &str, &str, AccountRole); 6] = [
    (
        DemoRole::Admin,
        "admin@clusterxchange-demo.example",
        "Demo Admin",
        AccountRole::Admin,
    ),
    (
        DemoRole::Coordinator,
        "coordinator@clusterxchange-demo.example",
        "Demo Coordinator (BIGINN)",
        AccountRole::Applicant,
    ),
    (
        DemoRole::HostCoordinator,
        "host-coordinator@clusterxchange-demo.example",
        "Demo Coordinator 2 (BIGINN)",
        AccountRole::Applicant,
    ),
    (
        DemoRole::Host,
        "host@clusterxchange-demo.example",
        "Demo Host (Nordic Cryo Engineering)",
        AccountRole::Applicant,
    ),
    (
        DemoRole::Partner,
        "partner@clusterxchange-demo.example",
        "Demo Partner (LITEK)",
        AccountRole::Applicant,
    ),
    (
        DemoRole::Applicant,
        "applicant@clusterxchange-demo.example",
        "Demo Applicant (Vilnius Photonics)",
        AccountRole::Applicant,
    ),
];

/// The email of the demo account with `role`.
#[must_use]
pub fn email_of(role: DemoRole) -> &'static str {
    ACCOUNTS
        .iter()
        .find(|(r, ..)| *r == role)
        .map_or("", |(_, email, ..)| email)
}
