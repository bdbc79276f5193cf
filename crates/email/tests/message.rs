//! MIME structure and headers produced by `build_message`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cxc_email::{Attachment, BuildError, EmailSettings, OutgoingEmail, build_message};

const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ClusterXchange//EN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n";

fn email<'a>(attachments: &'a [Attachment], unsubscribe: Option<&'a str>) -> OutgoingEmail<'a> {
    OutgoingEmail {
        message_id: "0190f1c2-7d1e-7a3b-9c4d-5e6f7a8b9c0d@clusterxchange.eu",
        to_email: "ona@example.lt",
        to_name: Some("Ona Petraitytė"),
        subject: "Your exchange application was approved — sign the Commitment to Quality",
        text: "Hello Ona,\n\nplain body",
        html: "<p>Hello Ona,</p>",
        attachments,
        list_unsubscribe_url: unsubscribe,
        content_language: Some("lt-LT"),
    }
}

/// The header block, unfolded per RFC 5322 §2.2.3, as (name, value) pairs.
fn unfolded_headers(raw: &str) -> Vec<(String, String)> {
    let head = &raw[..raw.find("\r\n\r\n").unwrap()];
    head.replace("\r\n ", " ")
        .split("\r\n")
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_owned(), v.trim().to_owned())
        })
        .collect()
}

#[test]
fn long_to_and_list_unsubscribe_lines_are_folded() {
    let url = "https://app.clusterxchange.eu/api/v1/unsubscribe/AZDxwn0eejucTV5vensMDQ2Xl2Yc9kB2tLMZqVnX4nQjx0v5N2fX3k1m0a9b8c7d6e5f";
    let mut m = email(&[], Some(url));
    m.to_name = Some("Ona Petraitytė-Kazlauskienė of the Vilnius Laser Cluster Association Board");
    m.to_email = "ona.petraityte-kazlauskiene.board@vilnius-laser-cluster-association.example.lt";
    let out = formatted(&m);
    let head = &out[..out.find("\r\n\r\n").unwrap()];
    for line in head.split("\r\n") {
        // A line may only be longer than 78 when it is one unbreakable word (the URL).
        let words = line.split_whitespace().count();
        assert!(
            line.len() <= 78 || (words == 1 && line.starts_with(' ')),
            "line of {} characters: {line:?}\n{head}",
            line.len()
        );
        assert!(line.len() <= 998, "RFC 5322 hard limit");
    }
    assert!(
        head.contains("\r\n <ona.petraityte-kazlauskiene.board@"),
        "{head}"
    );
    assert!(head.contains("List-Unsubscribe: \r\n <https://"), "{head}");
    let headers = unfolded_headers(&out);
    let get = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(
        get("List-Unsubscribe"),
        format!("<{url}>"),
        "unfolds to the same URL"
    );
    assert!(get("To").ends_with(&format!("<{}>", m.to_email)));
    assert_eq!(get("Content-Language"), "lt");
    // The envelope still goes to the address.
    let msg = build_message(&EmailSettings::default(), &m).unwrap();
    assert_eq!(msg.envelope().to()[0].to_string(), m.to_email);
}

#[test]
fn short_headers_stay_on_one_line() {
    let out = formatted(&email(&[], Some("https://app.clusterxchange.eu/u/abc")));
    assert!(out.contains("List-Unsubscribe: <https://app.clusterxchange.eu/u/abc>\r\n"));
    assert!(out.contains("\r\nTo: =?utf-8?b?"), "{out}");
    assert!(out.contains("?= <ona@example.lt>\r\n"), "{out}");
}

fn formatted(m: &OutgoingEmail) -> String {
    let msg = build_message(&EmailSettings::default(), m).unwrap();
    String::from_utf8(msg.formatted()).unwrap()
}

#[test]
fn headers_and_parts_with_attachment_and_unsubscribe() {
    let ics = [Attachment {
        filename: "agenda.ics".into(),
        content_type: "text/calendar".into(),
        content: ICS.into(),
    }];
    let out = formatted(&email(&ics, Some("https://app.clusterxchange.eu/u/abc")));
    assert!(
        out.contains("Message-ID: <0190f1c2-7d1e-7a3b-9c4d-5e6f7a8b9c0d@clusterxchange.eu>\r\n"),
        "{out}"
    );
    assert!(out.contains("List-Unsubscribe: <https://app.clusterxchange.eu/u/abc>\r\n"));
    assert!(out.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
    assert!(out.contains("From: ClusterXchange <noreply@clusterxchange.eu>\r\n"));
    assert!(
        out.contains("To: =?utf-8?"),
        "non-ASCII display name is RFC 2047 encoded"
    );
    assert!(out.contains("<ona@example.lt>"));
    // Only the non-ASCII word (the em dash) is RFC 2047 encoded; long lines fold.
    assert!(out.contains(
        "Subject: Your exchange application was approved =?utf-8?b?4oCU?= sign the\r\n Commitment to Quality\r\n"
    ));
    assert!(out.contains("MIME-Version: 1.0"));
    assert!(out.contains("Content-Type: multipart/mixed;"));
    assert!(out.contains("Content-Type: multipart/alternative;"));
    assert!(out.contains("Content-Type: text/plain; charset=utf-8"));
    assert!(out.contains("Content-Type: text/html; charset=utf-8"));
    assert!(
        out.contains("Content-Type: text/calendar; method=PUBLISH; charset=utf-8"),
        "{out}"
    );
    assert!(out.contains("Content-Disposition: attachment; filename=\"agenda.ics\""));
    assert!(out.contains("BEGIN:VCALENDAR"));
    // Text part before HTML part: clients show the last alternative they support.
    assert!(out.find("text/plain").unwrap() < out.find("text/html").unwrap());
}

#[test]
fn without_attachments_is_plain_alternative_and_no_unsubscribe() {
    let out = formatted(&email(&[], None));
    assert!(out.contains("Content-Type: multipart/alternative;"));
    assert!(!out.contains("multipart/mixed"));
    assert!(!out.contains("List-Unsubscribe"));
}

#[test]
fn angle_brackets_in_message_id_are_tolerated() {
    let mut m = email(&[], None);
    m.message_id = "<abc@clusterxchange.eu>";
    assert!(formatted(&m).contains("Message-ID: <abc@clusterxchange.eu>\r\n"));
}

#[test]
fn invalid_input_is_a_build_error() {
    let settings = EmailSettings::default();
    let mut m = email(&[], None);
    m.to_email = "not an address";
    assert!(matches!(
        build_message(&settings, &m),
        Err(BuildError::InvalidAddress(..))
    ));

    let mut m = email(&[], None);
    m.message_id = "abc@x\r\nBcc: evil@example.com";
    assert!(matches!(
        build_message(&settings, &m),
        Err(BuildError::InvalidHeader("Message-ID", _))
    ));

    let m = email(&[], Some("https://x/u\r\nBcc: evil@example.com"));
    assert!(matches!(
        build_message(&settings, &m),
        Err(BuildError::InvalidHeader("List-Unsubscribe", _))
    ));

    let bad = [Attachment {
        filename: "a.ics".into(),
        content_type: "not a type".into(),
        content: String::new(),
    }];
    assert!(matches!(
        build_message(&settings, &email(&bad, None)),
        Err(BuildError::InvalidContentType(_))
    ));
}

#[test]
fn subject_injection_is_neutralised_even_without_render() {
    let mut m = email(&[], None);
    m.subject = "Hi\r\nBcc: evil@example.com";
    let out = formatted(&m);
    assert!(
        out.contains("Subject: Hi Bcc: evil@example.com\r\n"),
        "{out}"
    );
    assert!(!out.contains("\r\nBcc:"));
}
