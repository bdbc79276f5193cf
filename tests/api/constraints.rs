//! Unique violations answer the conflict their constraint means (ADR 0008), on both
//! databases: PostgreSQL names the constraint, SQLite the columns.
use cxc_domain::organisation::Profile;
use cxc_persistence::{RepoError, repositories::accounts::NewUser};

use crate::{both, group_visits::fixtures::org_input, helpers::TestApp};

fn code<T: std::fmt::Debug>(r: Result<T, RepoError>) -> &'static str {
    match r {
        Err(RepoError::Conflict { code, .. }) => code,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn violations_are_named_by_their_constraint(app: TestApp) {
    let user = |email: &'static str| NewUser {
        email,
        password_hash: "x".into(),
        full_name: "Ana",
        locale: "en",
        role: cxc_domain::policy::AccountRole::Applicant,
    };
    // users.email (an inline UNIQUE: `users_email_key` / `users.email`).
    let ana = app
        .store
        .create_user(user("ana@photonics.lt"))
        .await
        .unwrap();
    assert_eq!(
        code(app.store.create_user(user("ana@photonics.lt")).await),
        "email_taken"
    );
    // organisation_contacts' primary key (two columns).
    let org = app
        .store
        .create_organisation(
            &org_input("LITEK", "LT", Profile::ClusterOrganisation),
            ana.id,
        )
        .await
        .unwrap();
    app.store
        .create_user(user("ben@photonics.lt"))
        .await
        .unwrap();
    app.store
        .add_contact(org.id, "ben@photonics.lt")
        .await
        .unwrap();
    assert_eq!(
        code(app.store.add_contact(org.id, "ben@photonics.lt").await),
        "already_contact"
    );
}
both!(violations_are_named_by_their_constraint);
