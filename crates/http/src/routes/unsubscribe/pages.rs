//! The unsubscribe pages in the recipient's language. Plain HTML forms: the confirmation
//! works without JavaScript and answers with a page, not JSON.

/// The words of both pages in one language.
struct Words {
    lang: &'static str,
    confirm_title: &'static str,
    confirm_heading: &'static str,
    confirm_text: &'static str,
    button: &'static str,
    done_title: &'static str,
    done_heading: &'static str,
    done_text: &'static str,
}

const WORDS: [Words; 4] = [
    Words {
        lang: "en",
        confirm_title: "Unsubscribe from reminders",
        confirm_heading: "Stop reminder emails?",
        confirm_text: "You will still receive emails about your applications and visits.",
        button: "Unsubscribe from reminders",
        done_title: "Unsubscribed",
        done_heading: "You are unsubscribed from reminders.",
        done_text: "You can turn them on again in your notification preferences.",
    },
    Words {
        lang: "lt",
        confirm_title: "Atsisakyti priminimų",
        confirm_heading: "Nebegauti priminimų el. paštu?",
        confirm_text: "Laiškus apie savo paraiškas ir vizitus gausite ir toliau.",
        button: "Atsisakyti priminimų",
        done_title: "Priminimų atsisakyta",
        done_heading: "Priminimų nebegausite.",
        done_text: "Juos vėl galite įjungti pranešimų nustatymuose.",
    },
    Words {
        lang: "da",
        confirm_title: "Afmeld påmindelser",
        confirm_heading: "Stop påmindelser pr. e-mail?",
        confirm_text: "Du modtager stadig e-mails om dine ansøgninger og besøg.",
        button: "Afmeld påmindelser",
        done_title: "Afmeldt",
        done_heading: "Du er afmeldt påmindelser.",
        done_text: "Du kan slå dem til igen under dine indstillinger for notifikationer.",
    },
    Words {
        lang: "es",
        confirm_title: "Darse de baja de los recordatorios",
        confirm_heading: "¿Dejar de recibir recordatorios por correo?",
        confirm_text: "Seguirá recibiendo correos sobre sus solicitudes y visitas.",
        button: "Darse de baja de los recordatorios",
        done_title: "Baja confirmada",
        done_heading: "Ya no recibirá recordatorios.",
        done_text: "Puede volver a activarlos en sus preferencias de notificación.",
    },
];

/// The words for a locale tag; English for anything else.
fn words(locale: &str) -> &'static Words {
    let primary = locale.split(['-', '_']).next().unwrap_or("");
    WORDS
        .iter()
        .find(|w| w.lang.eq_ignore_ascii_case(primary))
        .unwrap_or(&WORDS[0])
}

fn page(w: &Words, title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"robots\" content=\"noindex\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head>\n<body>{body}</body></html>\n",
        lang = w.lang,
    )
}

/// The field the page's form adds, so its POST is answered with a page whatever the
/// browser's `Accept` says.
pub const FROM_PAGE: &str = "from=page";

/// Asks for confirmation; the button POSTs to the same address (RFC 8058 body included).
pub fn confirm(locale: &str) -> String {
    let w = words(locale);
    let body = format!(
        "<h1>{}</h1>\n<p>{}</p>\n<form method=\"post\">\
         <input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
         <input type=\"hidden\" name=\"from\" value=\"page\">\n\
         <button type=\"submit\">{}</button></form>",
        w.confirm_heading, w.confirm_text, w.button
    );
    page(w, w.confirm_title, &body)
}

/// After unsubscribing.
pub fn done(locale: &str) -> String {
    let w = words(locale);
    let body = format!("<h1>{}</h1>\n<p>{}</p>", w.done_heading, w.done_text);
    page(w, w.done_title, &body)
}
