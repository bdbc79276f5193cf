//! Turns rendered content into a MIME message.

use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue, Headers};
use lettre::message::{Attachment as MimeAttachment, Mailbox, MultiPart, SinglePart};

use crate::settings::EmailSettings;

/// Stored in the outbox row with the message (`cxc_domain::notify::Attachment`).
pub use cxc_domain::notify::Attachment;

/// Everything needed to build one message; borrowed from the outbox row.
#[derive(Debug, Clone, Copy)]
pub struct OutgoingEmail<'a> {
    /// Without angle brackets, stable per outbox row (`<uuid>@domain`), so a
    /// retried send is recognisable as the same message by receivers.
    pub message_id: &'a str,
    pub to_email: &'a str,
    pub to_name: Option<&'a str>,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    pub attachments: &'a [Attachment],
    pub list_unsubscribe_url: Option<&'a str>,
    /// The language the message is written in (`Content-Language`, RFC 3282).
    pub content_language: Option<&'a str>,
}

/// The message cannot be built; retrying will not help (permanent).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("invalid address {0:?}: {1}")]
    InvalidAddress(String, String),
    #[error("invalid header {0}: {1}")]
    InvalidHeader(&'static str, String),
    #[error("invalid content type {0:?}")]
    InvalidContentType(String),
    #[error("cannot build message: {0}")]
    Message(String),
    #[error("cannot set up transport: {0}")]
    Transport(String),
}

const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
const LIST_UNSUBSCRIBE_POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");
const CONTENT_LANGUAGE: HeaderName = HeaderName::new_from_ascii_str("Content-Language");

/// Builds `multipart/alternative` (text + HTML), wrapped in `multipart/mixed`
/// when there are attachments.
pub fn build_message(settings: &EmailSettings, m: &OutgoingEmail) -> Result<Message, BuildError> {
    let from = mailbox(Some(&settings.from_name), &settings.from_address)?;
    let to = mailbox(m.to_name, m.to_email)?;
    let message_id = m
        .message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>');
    if !is_header_token(message_id) || !message_id.contains('@') {
        return Err(BuildError::InvalidHeader(
            "Message-ID",
            message_id.to_owned(),
        ));
    }
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        // Subjects are cleaned by `render`, but outbox rows may come from
        // elsewhere; cleaning again keeps header injection impossible here.
        .subject(crate::format::single_line(m.subject))
        .message_id(Some(format!("<{message_id}>")));
    if let Some(lang) = m.content_language.map(crate::normalise_locale) {
        builder = builder.raw_header(HeaderValue::new(CONTENT_LANGUAGE, lang.to_owned()));
    }
    if let Some(url) = m.list_unsubscribe_url {
        if !is_header_token(url) {
            return Err(BuildError::InvalidHeader(
                "List-Unsubscribe",
                url.to_owned(),
            ));
        }
        builder = builder
            .raw_header(HeaderValue::new(LIST_UNSUBSCRIBE, format!("<{url}>")))
            // RFC 8058 one-click: mail clients POST to the URL directly.
            .raw_header(HeaderValue::new(
                LIST_UNSUBSCRIBE_POST,
                "List-Unsubscribe=One-Click".to_owned(),
            ));
    }
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(m.text.to_owned()))
        .singlepart(SinglePart::html(m.html.to_owned()));
    let result = if m.attachments.is_empty() {
        builder.multipart(alternative)
    } else {
        let mut mixed = MultiPart::mixed().multipart(alternative);
        for a in m.attachments {
            mixed = mixed.singlepart(attachment_part(a)?);
        }
        builder.multipart(mixed)
    };
    let mut message = result.map_err(|e| BuildError::Message(e.to_string()))?;
    for name in ["To", "List-Unsubscribe"] {
        refold(message.headers_mut(), name);
    }
    Ok(message)
}

/// Longest line RFC 5322 §2.1.1 asks for (excluding CRLF).
const LINE: usize = 78;

/// Lettre folds at the spaces it meets while encoding, but leaves a long address after
/// an encoded display name, or a long URL, on the line it started: `To:` and
/// `List-Unsubscribe:` lines of well over 78 characters. This folds lettre's encoded
/// value again, greedily, before any word that would cross 78. Only whitespace moves
/// (FWS unfolds to the same value); a single word longer than a line (a URL) gets a
/// line of its own, the best RFC 5322 allows without breaking it.
fn refold(headers: &mut Headers, name: &'static str) {
    let Some(raw) = headers.get_raw(name).map(str::to_owned) else {
        return;
    };
    let Some(value) = headers.remove_raw(name) else {
        return;
    };
    let mut one = Headers::new();
    one.insert_raw(value.clone());
    let line = one.to_string();
    let encoded = line
        .strip_prefix(&format!("{name}: "))
        .and_then(|v| v.strip_suffix("\r\n"))
        .map(|v| v.replace("\r\n ", " "));
    let Some(encoded) = encoded else {
        headers.insert_raw(value);
        return;
    };
    let mut out = String::with_capacity(encoded.len() + 8);
    let mut len = name.len() + 2; // lettre writes "Name: " before the value
    for (i, word) in encoded.split(' ').enumerate() {
        let gap = usize::from(i > 0);
        if !word.is_empty() && len + gap + word.len() > LINE {
            // CRLF + the space that separated the words: unfolds to the same value.
            out.push_str("\r\n ");
            len = 1;
        } else if i > 0 {
            out.push(' ');
            len += 1;
        }
        out.push_str(word);
        len += word.len();
    }
    headers.insert_raw(HeaderValue::dangerous_new_pre_encoded(
        HeaderName::new_from_ascii_str(name),
        raw,
        out,
    ));
}

fn mailbox(name: Option<&str>, email: &str) -> Result<Mailbox, BuildError> {
    let address = email
        .trim()
        .parse()
        .map_err(|e: lettre::address::AddressError| {
            BuildError::InvalidAddress(email.to_owned(), e.to_string())
        })?;
    let name = name
        .map(crate::format::single_line)
        .filter(|n| !n.is_empty());
    Ok(Mailbox::new(name, address))
}

fn attachment_part(a: &Attachment) -> Result<SinglePart, BuildError> {
    let mut ct = a.content_type.trim().to_owned();
    let lower = ct.to_ascii_lowercase();
    // Calendar clients only offer "add to calendar" for a published
    // (non-meeting-request) .ics when the method is declared.
    if lower.starts_with("text/calendar") && !lower.contains("method=") {
        ct.push_str("; method=PUBLISH");
    }
    if lower.starts_with("text/") && !lower.contains("charset=") {
        ct.push_str("; charset=utf-8");
    }
    let content_type =
        ContentType::parse(&ct).map_err(|_| BuildError::InvalidContentType(ct.clone()))?;
    let filename = crate::format::single_line(&a.filename);
    Ok(MimeAttachment::new(filename).body(a.content.clone(), content_type))
}

/// Non-empty, printable ASCII without spaces or angle brackets: safe inside
/// `<...>` in a header.
fn is_header_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>')
}
