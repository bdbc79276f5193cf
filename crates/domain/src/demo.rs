//! The demonstration accounts `cxc seed --demo` creates. Shared by the seed (which creates
//! them) and the sign-in page (which, when they exist, names them so a first-time visitor
//! can sign in without reading documentation).

/// The password of the demo accounts unless `CXC_DEMO_PASSWORD` chose another.
pub const DEFAULT_PASSWORD: &str = "demo-password-123";

/// What a demo account does in the scheme (the sign-in page names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DemoRole {
    Admin,
    Coordinator,
    Partner,
    Applicant,
}

/// `(role, email, full name, account role)` of each demo account.
pub const ACCOUNTS: [(DemoRole, &str, &str, &str); 4] = [
    (
        DemoRole::Admin,
        "admin@clusterxchange-demo.example",
        "Demo Admin",
        "admin",
    ),
    (
        DemoRole::Coordinator,
        "coordinator@clusterxchange-demo.example",
        "Demo Coordinator (BigScience.dk)",
        "applicant",
    ),
    (
        DemoRole::Partner,
        "partner@clusterxchange-demo.example",
        "Demo Partner (LITEK)",
        "applicant",
    ),
    (
        DemoRole::Applicant,
        "applicant@clusterxchange-demo.example",
        "Demo Applicant (Vilnius Photonics)",
        "applicant",
    ),
];
