//! Template rendering: a snapshot of every email kind in every language (each greeting
//! its recipient by name), escaping, subject sanitising, locale fallback, strict
//! templates and completeness of translations.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use cxc_domain::calendar::web_calendar_links;
use cxc_domain::notify::{
    AgendaChange, ApplicationNote, ChangedItem, Commitment, ContactInvitation, Email,
    ExchangeFacts, Frame, HostAnswer, PasswordChanged, PasswordReset, PaymentOverdue,
    PaymentRecorded, ReportDue, VerifyEmail, VisitFacts, VisitNote, Waitlisted,
};
use cxc_email::{KINDS, LOCALES, Rendered, normalise_locale, render};
use uuid::Uuid;

const EVIL: &str = r#"<script>alert(1)</script> & "quotes""#;
const NAME: &str = "Ona Petraitytė";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn exchange() -> ExchangeFacts {
    ExchangeFacts {
        application_id: Uuid::from_u128(0x0190_f1c2_7d1e_7a3b_9c4d_5e6f_7a8b_9c0d),
        call_title: "Big Science Exchange Call 2026".into(),
        participant_name: "Jonas Jonaitis".into(),
        visitor_org: "Vilnius Laser Cluster".into(),
        host_org: "Danish Space Cluster".into(),
        city: "Copenhagen".into(),
        start_date: day("2026-03-02"),
        end_date: day("2026-03-13"),
        grant_cents: Some(110_000),
        objectives: "Learn about cryogenic testing".into(),
    }
}

fn visit() -> VisitFacts {
    let (start, end) = (day("2026-05-11"), day("2026-05-13"));
    VisitFacts {
        visit_id: Uuid::from_u128(0x0190_f1c2_aaaa_7a3b_9c4d_5e6f_7a8b_9c0d),
        visit_title: "ESS and MAX IV".into(),
        city: "Lund".into(),
        start_date: start,
        end_date: end,
        add_to_calendar: web_calendar_links("ESS and MAX IV", start, end, "Lund", "Group visit"),
    }
}

fn note(comment: Option<&str>) -> ApplicationNote {
    ApplicationNote {
        exchange: exchange(),
        comment: comment.map(str::to_owned),
    }
}

/// One email of every kind, with every optional value present.
fn every_kind() -> Vec<Email> {
    let comment = Some("Great fit with our roadmap.");
    let items = |t: &[&str]| -> Vec<ChangedItem> {
        t.iter()
            .map(|t| ChangedItem {
                title: (*t).to_owned(),
            })
            .collect()
    };
    vec![
        Email::Welcome,
        Email::ApplicationSubmitted(exchange()),
        Email::ApplicationSubmittedCoordinator(exchange()),
        Email::HostResponseRequested(exchange()),
        Email::HostResponse(HostAnswer {
            exchange: exchange(),
            accepted: true,
            comment: comment.map(str::to_owned),
        }),
        Email::DecisionApproved(note(comment)),
        Email::DecisionRejected(note(comment)),
        Email::DecisionWaitlisted(note(comment)),
        Email::CommitmentSignatureNeeded(Commitment {
            exchange: exchange(),
            signed_count: 2,
        }),
        Email::CommitmentCompleted(Commitment {
            exchange: exchange(),
            signed_count: 4,
        }),
        Email::ApplicationWithdrawn(note(comment)),
        Email::ApplicationCancelled(note(comment)),
        Email::ReportDue(ReportDue {
            exchange: exchange(),
            report_due_date: day("2026-04-12"),
        }),
        Email::ReportValidated(note(comment)),
        Email::PaymentRecorded(PaymentRecorded {
            exchange: exchange(),
            amount_cents: 110_000,
            paid_on: day("2026-05-04"),
        }),
        Email::PaymentOverdue(PaymentOverdue {
            exchange: exchange(),
            days_overdue: 12,
        }),
        Email::VisitRegistrationConfirmed(visit()),
        Email::VisitRegistrationWaitlisted(Waitlisted {
            visit: visit(),
            position: 3,
        }),
        Email::VisitRegistrationPromoted(visit()),
        Email::VisitRegistrationCancelled(visit()),
        Email::AgendaChanged(AgendaChange {
            visit: visit(),
            added: items(&["Welcome coffee"]),
            moved: items(&["Tour of the target station"]),
            removed: items(&["Closing dinner"]),
            changed: items(&["Workshop on procurement"]),
        }),
        Email::VisitCancelled(VisitNote {
            visit: visit(),
            comment: comment.map(str::to_owned),
        }),
        Email::ReminderExchangeStart(exchange()),
        Email::ReminderVisitStart(visit()),
        Email::VerifyEmail(VerifyEmail {
            action_url: "https://app.clusterxchange.eu/verify-email?token=T0KEN".into(),
            valid_hours: 48,
        }),
        Email::PasswordReset(PasswordReset {
            action_url: "https://app.clusterxchange.eu/reset-password?token=T0KEN".into(),
            valid_minutes: 60,
        }),
        Email::PasswordChanged(PasswordChanged {
            action_url: "https://app.clusterxchange.eu/forgot-password?T0KEN".into(),
            changed_at: "2026-11-29 14:05 UTC".into(),
        }),
        Email::ContactInvitation(ContactInvitation {
            organisation_name: "Vilnius Laser Cluster".into(),
            inviter_name: Some("Jonas <b>Jonaitis</b>".into()),
            action_url: "https://app.clusterxchange.eu/invitations/T0KEN".into(),
            expires_on: day("2026-12-13"),
        }),
    ]
}

/// The account-lifecycle mails (issue 12): the link in both bodies, the inviter's name
/// escaped in HTML.
#[test]
fn account_mails_carry_their_link_and_escape_names() {
    for email in every_kind().iter().rev().take(4) {
        for locale in LOCALES {
            let r = render(email, &frame(email), locale).unwrap();
            let kind = email.kind();
            assert!(
                r.text.contains("T0KEN") && r.html.contains("T0KEN"),
                "{kind} {locale}"
            );
            assert!(
                !r.html.contains("<b>"),
                "escaped inviter name in {kind} {locale}"
            );
        }
    }
}

fn frame(email: &Email) -> Frame {
    Frame {
        recipient_name: NAME.into(),
        app_url: "https://app.clusterxchange.eu".into(),
        unsubscribe_url: email
            .is_optional()
            .then(|| "https://app.clusterxchange.eu/api/v1/unsubscribe/abc".into()),
    }
}

fn show(r: &Rendered) -> String {
    format!(
        "SUBJECT: {}\n\n===== TEXT =====\n{}\n===== HTML =====\n{}",
        r.subject, r.text, r.html
    )
}

/// The greeting line of each language, with the name.
fn greeting(locale: &str) -> String {
    let hello = match locale {
        "lt" => "Sveiki, ",
        "da" => "Hej ",
        "es" => "Hola, ",
        _ => "Hello ",
    };
    format!("{hello}{NAME}")
}

#[test]
fn snapshots_of_every_kind_in_every_language_greet_by_name() {
    let all = every_kind();
    let kinds: Vec<&str> = all.iter().map(|e| e.kind().as_str()).collect();
    assert_eq!(
        kinds, KINDS,
        "every template folder has a typed kind, in order"
    );
    for email in &all {
        let mut snapshot = String::new();
        for locale in LOCALES {
            let r = render(email, &frame(email), locale)
                .unwrap_or_else(|e| panic!("{}/{locale}: {e}", email.kind()));
            assert!(
                r.text.contains(&greeting(locale)) && r.html.contains(&greeting(locale)),
                "{}/{locale} greets {NAME}:\n{}",
                email.kind(),
                r.text
            );
            snapshot.push_str(&format!("######## {locale}\n{}\n", show(&r)));
        }
        insta::assert_snapshot!(email.kind().as_str(), snapshot);
    }
}

#[test]
fn translations_are_real_and_complete() {
    for email in every_kind() {
        let kind = email.kind();
        let en = render(&email, &frame(&email), "en").unwrap();
        for locale in LOCALES {
            let r = render(&email, &frame(&email), locale).unwrap();
            assert!(!r.subject.is_empty() && !r.subject.contains('\n'), "{kind}");
            assert!(!r.text.contains("{{") && !r.html.contains("{%"), "{kind}");
            assert!(r.html.contains(&format!("<html lang=\"{locale}\">")));
            if locale != "en" {
                assert_ne!(
                    r.subject, en.subject,
                    "{kind}/{locale} subject untranslated"
                );
                assert_ne!(r.text, en.text, "{kind}/{locale} text untranslated");
            }
            // The unsubscribe link only appears on optional (reminder) mail.
            assert_eq!(
                r.text.contains("unsubscribe/abc"),
                email.is_optional(),
                "{kind}"
            );
            assert_eq!(
                r.html.contains("unsubscribe/abc"),
                email.is_optional(),
                "{kind}"
            );
        }
    }
}

#[test]
fn optional_kinds_are_the_reminders() {
    let optional: Vec<_> = every_kind()
        .iter()
        .filter(|e| e.is_optional())
        .map(Email::kind)
        .collect();
    assert_eq!(
        optional,
        [
            cxc_domain::notify::EmailKind::ReminderExchangeStart,
            cxc_domain::notify::EmailKind::ReminderVisitStart
        ]
    );
}

#[test]
fn visit_emails_that_fill_a_diary_link_the_web_calendars() {
    for email in [
        Email::VisitRegistrationConfirmed(visit()),
        Email::VisitRegistrationPromoted(visit()),
        Email::ReminderVisitStart(visit()),
    ] {
        for locale in LOCALES {
            let r = render(&email, &frame(&email), locale).unwrap();
            assert!(
                r.text
                    .contains("https://calendar.google.com/calendar/render?action=TEMPLATE")
            );
            assert!(
                r.html
                    .contains("https://outlook.live.com/calendar/0/deeplink/compose?")
            );
            assert!(
                r.html
                    .contains("&amp;startdt=2026-05-11&amp;enddt=2026-05-13"),
                "{}",
                r.html
            );
        }
    }
}

#[test]
fn html_escapes_user_text_but_text_does_not() {
    let email = Email::DecisionRejected(note(Some(EVIL)));
    let f = Frame {
        recipient_name: EVIL.into(),
        ..frame(&email)
    };
    let r = render(&email, &f, "en").unwrap();
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
    let mut facts = exchange();
    facts.visitor_org = "Evil Org\r\nBcc: victim@example.com\u{0}\t".into();
    let email = Email::HostResponseRequested(facts);
    let r = render(&email, &frame(&email), "en").unwrap();
    assert_eq!(
        r.subject,
        "Exchange request from Evil Org Bcc: victim@example.com — please accept or decline"
    );
    assert!(!r.subject.chars().any(char::is_control));
}

#[test]
fn unknown_locale_falls_back_to_english() {
    let email = Email::DecisionApproved(note(None));
    let f = frame(&email);
    let en = render(&email, &f, "en").unwrap();
    assert_eq!(render(&email, &f, "fr").unwrap(), en);
    assert_eq!(render(&email, &f, "en-GB").unwrap(), en);
    assert_eq!(render(&email, &f, "").unwrap(), en);
    let lt = render(&email, &f, "lt-LT").unwrap();
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
fn euros_filter_in_all_locales_and_a_missing_grant_leaves_the_row_out() {
    let email = Email::DecisionApproved(note(None));
    let expect = [
        ("en", "€1,100.00"),
        ("lt", "1\u{a0}100,00\u{a0}€"),
        ("da", "1.100,00\u{a0}€"),
        ("es", "1.100,00\u{a0}€"),
    ];
    for (loc, amount) in expect {
        let r = render(&email, &frame(&email), loc).unwrap();
        assert!(r.text.contains(amount), "{loc}: {}", r.text);
        assert!(r.html.contains(amount), "{loc}");
    }
    let mut facts = note(None);
    facts.exchange.grant_cents = None;
    let email = Email::DecisionApproved(facts);
    let r = render(&email, &frame(&email), "en").unwrap();
    assert!(!r.text.contains("Grant:"));
}

#[test]
fn host_response_declined_wording() {
    let answer = |accepted| {
        Email::HostResponse(HostAnswer {
            exchange: exchange(),
            accepted,
            comment: None,
        })
    };
    let r = render(&answer(false), &frame(&answer(false)), "en").unwrap();
    assert!(r.subject.contains("declined"));
    let r = render(&answer(true), &frame(&answer(true)), "en").unwrap();
    assert!(r.subject.contains("accepted"));
}

#[test]
fn urls_in_attributes_cannot_break_out() {
    let email = Email::ReminderExchangeStart(exchange());
    let f = Frame {
        unsubscribe_url: Some("https://x.eu/u?a=1&b=\"><script>x</script>".into()),
        ..frame(&email)
    };
    let r = render(&email, &f, "en").unwrap();
    assert!(!r.html.contains("<script>"));
    assert!(
        r.html.contains(
            r#"href="https://x.eu/u?a=1&amp;b=&quot;&gt;&lt;script&gt;x&lt;/script&gt;""#
        ),
        "{}",
        r.html
    );
}
