//! Template rendering: snapshots of representative kinds/locales, escaping,
//! subject sanitising, locale fallback and completeness of translations.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cxc_email::{KINDS, LOCALES, RenderError, Rendered, is_optional, normalise_locale, render};
use serde_json::{Value, json};

const EVIL: &str = r#"<script>alert(1)</script> & "quotes""#;

/// A context with every variable any template uses.
fn full_ctx() -> Value {
    json!({
        "recipient_name": "Ona Petraitytė",
        "application_id": "0190f1c2-7d1e-7a3b-9c4d-5e6f7a8b9c0d",
        "visit_id": "0190f1c2-aaaa-7a3b-9c4d-5e6f7a8b9c0d",
        "call_title": "Big Science Exchange Call 2026",
        "participant_name": "Ona Petraitytė",
        "visitor_org": "Vilnius Laser Cluster",
        "host_org": "Danish Space Cluster",
        "start_date": "2026-03-02",
        "end_date": "2026-03-13",
        "objectives": "Learn about cryogenic testing",
        "comment": "Great fit with our roadmap.",
        "accepted": true,
        "grant_cents": 110000,
        "amount_cents": 110000,
        "paid_on": "2026-05-04",
        "signed_count": 2,
        "report_due_date": "2026-04-13",
        "days_overdue": 12,
        "visit_title": "ESS and MAX IV",
        "city": "Lund",
        "position": 3,
        "added": ["Welcome coffee"],
        "moved": [{"title": "Tour of the target station"}],
        "removed": ["Closing dinner"],
        "app_url": "https://app.clusterxchange.eu",
        "unsubscribe_url": "https://app.clusterxchange.eu/unsubscribe?t=abc",
    })
}

fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    base
}

fn show(r: &Rendered) -> String {
    format!(
        "SUBJECT: {}\n\n===== TEXT =====\n{}\n===== HTML =====\n{}",
        r.subject, r.text, r.html
    )
}

#[test]
fn snapshots_of_representative_kinds() {
    let cases: &[(&str, &str, Value)] = &[
        (
            "welcome",
            "en",
            json!({"recipient_name": "Ana", "app_url": "https://app.example"}),
        ),
        ("application_submitted", "lt", full_ctx()),
        (
            "host_response",
            "da",
            with(
                full_ctx(),
                json!({"accepted": false, "comment": "No capacity in March."}),
            ),
        ),
        ("decision_approved", "en", full_ctx()),
        ("decision_approved", "lt", full_ctx()),
        ("decision_approved", "da", full_ctx()),
        ("decision_approved", "es", full_ctx()),
        ("visit_registration_waitlisted", "en", full_ctx()),
        ("agenda_changed", "es", full_ctx()),
        ("reminder_visit_start", "en", full_ctx()),
        ("payment_overdue", "en", full_ctx()),
    ];
    for (kind, locale, ctx) in cases {
        let r = render(kind, locale, ctx).unwrap();
        insta::assert_snapshot!(format!("{kind}__{locale}"), show(&r));
    }
}

#[test]
fn html_escapes_user_text_but_text_does_not() {
    let ctx = with(full_ctx(), json!({"recipient_name": EVIL, "comment": EVIL}));
    let r = render("decision_rejected", "en", &ctx).unwrap();
    assert!(!r.html.contains("<script>"), "{}", r.html);
    assert!(
        r.html
            .contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; &quot;quotes&quot;")
    );
    assert!(r.text.contains(EVIL));
    insta::assert_snapshot!("escaping__decision_rejected__en", show(&r));
}

#[test]
fn subject_is_single_line_without_control_chars() {
    let ctx = json!({"visitor_org": "Evil Org\r\nBcc: victim@example.com\u{0}\t"});
    let r = render("host_response_requested", "en", &ctx).unwrap();
    assert_eq!(
        r.subject,
        "Exchange request from Evil Org Bcc: victim@example.com — please accept or decline"
    );
    assert!(!r.subject.chars().any(char::is_control));
    insta::assert_snapshot!("subject_crlf_stripped", r.subject);
}

#[test]
fn unknown_locale_falls_back_to_english() {
    let ctx = full_ctx();
    let en = render("decision_approved", "en", &ctx).unwrap();
    assert_eq!(render("decision_approved", "fr", &ctx).unwrap(), en);
    assert_eq!(render("decision_approved", "en-GB", &ctx).unwrap(), en);
    assert_eq!(render("decision_approved", "", &ctx).unwrap(), en);
    let lt = render("decision_approved", "lt-LT", &ctx).unwrap();
    assert!(lt.subject.starts_with("Jūsų mainų paraiška patvirtinta"));
    assert!(lt.text.contains("1\u{a0}100,00\u{a0}€"));
    assert!(en.text.contains("€1,100.00"));
}

#[test]
fn normalise_locale_cases() {
    assert_eq!(normalise_locale("en-GB"), "en");
    assert_eq!(normalise_locale("DA_dk"), "da");
    assert_eq!(normalise_locale(" es "), "es");
    assert_eq!(normalise_locale("fr"), "en");
    assert_eq!(normalise_locale(""), "en");
}

#[test]
fn unknown_kind_and_bad_context_are_errors() {
    assert!(matches!(
        render("no_such_kind", "en", &json!({})),
        Err(RenderError::UnknownKind(k)) if k == "no_such_kind"
    ));
    assert!(matches!(
        render("welcome", "en", &json!([1, 2])),
        Err(RenderError::Template(_))
    ));
    assert!(render("welcome", "en", &Value::Null).is_ok());
}

#[test]
fn every_kind_renders_in_every_locale_with_and_without_variables() {
    assert_eq!(KINDS.len(), 27);
    for kind in KINDS {
        let en = render(kind, "en", &full_ctx()).unwrap();
        for locale in LOCALES {
            for ctx in [full_ctx(), json!({})] {
                let r =
                    render(kind, locale, &ctx).unwrap_or_else(|e| panic!("{kind}/{locale}: {e}"));
                assert!(
                    !r.subject.is_empty() && !r.subject.contains('\n'),
                    "{kind}/{locale}"
                );
                assert!(!r.text.trim().is_empty() && !r.html.trim().is_empty());
                assert!(
                    !r.text.contains("{{") && !r.html.contains("{%"),
                    "{kind}/{locale}"
                );
                assert!(r.html.contains(&format!("<html lang=\"{locale}\">")));
            }
            let r = render(kind, locale, &full_ctx()).unwrap();
            if locale != "en" {
                // Real translations, not English copies.
                assert_ne!(
                    r.subject, en.subject,
                    "{kind}/{locale} subject untranslated"
                );
                assert_ne!(r.text, en.text, "{kind}/{locale} text untranslated");
            }
            // The unsubscribe link only appears on optional (reminder) mail.
            assert_eq!(
                r.text.contains("unsubscribe?t=abc"),
                is_optional(kind),
                "{kind}"
            );
            assert_eq!(
                r.html.contains("unsubscribe?t=abc"),
                is_optional(kind),
                "{kind}"
            );
        }
    }
}

#[test]
fn optional_kinds_are_the_reminders() {
    let optional: Vec<_> = KINDS.iter().filter(|k| is_optional(k)).collect();
    assert_eq!(
        optional,
        [&"reminder_exchange_start", &"reminder_visit_start"]
    );
}

#[test]
fn euros_filter_in_all_locales() {
    let ctx = json!({"grant_cents": 110000});
    let expect = [
        ("en", "€1,100.00"),
        ("lt", "1\u{a0}100,00\u{a0}€"),
        ("da", "1.100,00\u{a0}€"),
        ("es", "1.100,00\u{a0}€"),
    ];
    for (loc, amount) in expect {
        let r = render("decision_approved", loc, &ctx).unwrap();
        assert!(r.text.contains(amount), "{loc}: {}", r.text);
        assert!(r.html.contains(amount), "{loc}");
    }
    // Missing amount: the row is left out rather than failing.
    let r = render("decision_approved", "en", &json!({})).unwrap();
    assert!(!r.text.contains("Grant:"));
}

#[test]
fn host_response_declined_wording() {
    let r = render("host_response", "en", &json!({"accepted": false})).unwrap();
    assert!(r.subject.contains("declined"));
    let r = render("host_response", "en", &json!({"accepted": true})).unwrap();
    assert!(r.subject.contains("accepted"));
}

#[test]
fn urls_in_attributes_cannot_break_out() {
    let ctx = json!({"unsubscribe_url": "https://x.eu/u?a=1&b=\"><script>x</script>"});
    let r = render("reminder_exchange_start", "en", &ctx).unwrap();
    assert!(!r.html.contains("<script>"));
    assert!(
        r.html.contains(
            r#"href="https://x.eu/u?a=1&amp;b=&quot;&gt;&lt;script&gt;x&lt;/script&gt;""#
        ),
        "{}",
        r.html
    );
}

/// The account-lifecycle mails (issue 12) in every language: the link, its lifetime and
/// the "ignore if it was not you" advice must all be there.
#[test]
fn snapshots_of_account_mails_in_every_language() {
    let ctx = json!({
        "recipient_name": "Ona Petraitytė",
        "app_url": "https://app.clusterxchange.eu",
        "action_url": "https://app.clusterxchange.eu/verify-email?token=T0KEN",
        "valid_hours": 48,
        "valid_minutes": 60,
        "changed_at": "2026-11-29 14:05 UTC",
        "organisation_name": "Vilnius Laser Cluster",
        "inviter_name": "Jonas <b>Jonaitis</b>",
        "expires_on": "2026-12-13",
    });
    for kind in [
        "verify_email",
        "password_reset",
        "password_changed",
        "contact_invitation",
    ] {
        for locale in LOCALES {
            let r = render(kind, locale, &ctx).unwrap();
            assert!(
                r.text.contains("T0KEN") && r.html.contains("T0KEN"),
                "{kind} {locale}"
            );
            assert!(
                !r.html.contains("<b>"),
                "escaped inviter name in {kind} {locale}"
            );
            if locale != "en" {
                let en = render(kind, "en", &ctx).unwrap();
                assert_ne!(r.subject, en.subject, "{kind} is translated to {locale}");
            }
            insta::assert_snapshot!(format!("account__{kind}__{locale}"), show(&r));
        }
    }
}
