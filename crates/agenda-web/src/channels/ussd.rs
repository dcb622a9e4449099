//! USSD for feature phones, as the common gateways speak it: each request carries the whole
//! path of the session so far in `text` (inputs joined by `*`), and the answer is plain text
//! starting with `CON ` (the menu goes on) or `END ` (the session ends). The dialogue is
//! therefore stateless: the path is replayed each time.
//!
//! A USSD string holds at most 160 octets (3GPP TS 24.090 and 23.038). In the GSM 7-bit
//! default alphabet that is 182 characters (a character of the alphabet's extension table,
//! such as `€` or `[`, takes two); a screen with any other character — Arabic, or `ç`, `ã`,
//! `á`, `ê`, `õ` in Portuguese — is sent in UCS-2, two octets a character: 80 characters. Each
//! screen is measured in the encoding its text needs, and lists show fewer entries a page in
//! UCS-2 so that each stays readable.
//!
//! Screens: language → main menu → (life events → services → what to bring and where) or
//! (type a question → services → what to bring and where).

use agenda_core::{Service, Snapshot};
use agenda_search::Finder;

use super::{CHANNEL_LANGS, brief, find_services, short_link, text_in};
use crate::site::{t, t_args};

/// The most characters a USSD screen may hold, in the GSM 7-bit alphabet.
pub const MAX_SCREEN: usize = 182;
/// The most characters (UTF-16 code units) a USSD screen may hold in UCS-2: 160 octets.
pub const MAX_SCREEN_UCS2: usize = 80;
/// Entries per screen of a list, in the GSM alphabet and in UCS-2.
const PER_PAGE: usize = 5;
const PER_PAGE_UCS2: usize = 2;

/// The encoding a USSD screen is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// The GSM 03.38 7-bit default alphabet (and its extension table).
    Gsm7,
    /// UCS-2, two octets a character.
    Ucs2,
}

/// The GSM 03.38 default alphabet (one septet each).
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The characters of its extension table (an escape and a septet: two each).
const GSM_EXTENDED: &str = "^{}\\[~]|€\u{000C}";

/// The encoding `text` needs: GSM 7-bit when every character is in the GSM alphabet, else UCS-2.
pub fn encoding(text: &str) -> Encoding {
    if text
        .chars()
        .all(|c| GSM_BASIC.contains(c) || GSM_EXTENDED.contains(c))
    {
        Encoding::Gsm7
    } else {
        Encoding::Ucs2
    }
}

/// The length of `text` in `enc`: septets in GSM 7-bit, UTF-16 code units in UCS-2.
pub fn length(text: &str, enc: Encoding) -> usize {
    match enc {
        Encoding::Gsm7 => text
            .chars()
            .map(|c| if GSM_EXTENDED.contains(c) { 2 } else { 1 })
            .sum(),
        Encoding::Ucs2 => text.encode_utf16().count(),
    }
}

/// The most a screen may hold in `enc`, measured as [`length`] does.
pub fn limit(enc: Encoding) -> usize {
    match enc {
        Encoding::Gsm7 => MAX_SCREEN,
        Encoding::Ucs2 => MAX_SCREEN_UCS2,
    }
}

/// Whether `text` fits one screen in the encoding it needs.
pub fn fits(text: &str) -> bool {
    let enc = encoding(text);
    length(text, enc) <= limit(enc)
}
/// The input that shows the next page of a list.
const MORE: &str = "9";
/// The input that goes back one step.
const BACK: &str = "0";

/// A screen: whether the session continues, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    /// `true` for `CON`, `false` for `END`.
    pub more: bool,
    /// The text after the prefix.
    pub text: String,
}

impl Screen {
    fn con(text: String) -> Screen {
        Screen { more: true, text }
    }

    fn end(text: String) -> Screen {
        Screen { more: false, text }
    }

    /// The gateway's answer: `CON …` or `END …`, cut to what one screen holds in the
    /// encoding it needs.
    pub fn render(&self) -> String {
        let full = format!("{} {}", if self.more { "CON" } else { "END" }, self.text);
        let enc = encoding(&full);
        cut(&full, limit(enc), enc)
    }
}

/// `s` cut to `max` in `enc` (as [`length`] measures), ending with `…` when cut. An ellipsis
/// is not in the GSM alphabet: a GSM text is cut with `...` instead.
fn cut(s: &str, max: usize, enc: Encoding) -> String {
    if length(s, enc) <= max {
        return s.to_owned();
    }
    let mark = match enc {
        Encoding::Gsm7 => "...",
        Encoding::Ucs2 => "…",
    };
    let room = max.saturating_sub(length(mark, enc));
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let mut b = [0u8; 4];
        let n = length(c.encode_utf8(&mut b), enc);
        if used + n > room {
            break;
        }
        used += n;
        out.push(c);
    }
    out.push_str(mark);
    out
}

/// The encoding of a list screen: that of everything it may show, on any of its pages, so that
/// its pages are the same whichever is shown.
fn list_encoding(lang: &str, title: &str, entries: &[String]) -> Encoding {
    let mut all = format!("{title}{}{}", t(lang, "ussd-more"), t(lang, "ussd-back"));
    for e in entries {
        all.push_str(e);
    }
    encoding(&all)
}

fn per_page(enc: Encoding) -> usize {
    match enc {
        Encoding::Gsm7 => PER_PAGE,
        Encoding::Ucs2 => PER_PAGE_UCS2,
    }
}

/// One numbered list screen, paged: `title`, entries `1`–`5` (`1`–`2` in UCS-2), `9` more,
/// `0` back.
fn list(lang: &str, title: &str, entries: &[String], page: usize) -> Screen {
    let enc = list_encoding(lang, title, entries);
    let per = per_page(enc);
    let start = page * per;
    let mut footer = String::new();
    if start + per < entries.len() {
        footer.push_str(&format!("{MORE} {}\n", t(lang, "ussd-more")));
    }
    footer.push_str(&format!("{BACK} {}", t(lang, "ussd-back")));
    // "CON " and the footer are fixed; the title takes at most a third of what remains (a
    // quarter in UCS-2, where the entries need the room), and the entries share the rest, so
    // the whole page fits one screen and nothing is cut off.
    let budget = limit(enc) - 4 - length(&footer, enc);
    let title_share = match enc {
        Encoding::Gsm7 => 3,
        Encoding::Ucs2 => 4,
    };
    let mut text = cut(title, budget / title_share, enc);
    text.push('\n');
    let shown = entries.len().saturating_sub(start).min(per);
    for (n, e) in entries.iter().skip(start).take(per).enumerate() {
        let line = format!("{} {}", n + 1, e);
        let room = budget.saturating_sub(length(&text, enc));
        let per_entry = room / (shown - n).max(1);
        text.push_str(&cut(&line, per_entry.saturating_sub(1).max(5), enc));
        text.push('\n');
    }
    text.push_str(&footer);
    Screen::con(text)
}

/// The choice of entry `input` on page `page` of a list of `n` entries.
enum Pick {
    Entry(usize),
    NextPage,
    Back,
    Invalid,
}

fn pick(input: &str, page: usize, n: usize, per: usize) -> Pick {
    match input.trim() {
        BACK => Pick::Back,
        MORE if (page + 1) * per < n => Pick::NextPage,
        other => match other.parse::<usize>() {
            Ok(k) if (1..=per).contains(&k) && page * per + k - 1 < n => {
                Pick::Entry(page * per + k - 1)
            }
            _ => Pick::Invalid,
        },
    }
}

/// The final screen about a service: what to bring, what the state holds, how and where.
fn service_screen(s: &Snapshot, svc: &Service, lang: &str) -> Screen {
    let b = brief(s, svc, lang);
    // The link always fits; then where to go (the office and its telephone, the online link
    // in short form) before anything else, since a feature phone cannot follow a link; the
    // sentences that follow go in while they fit whole, the first that does not is shortened,
    // the rest are left for the information sheet.
    let mut lines = Vec::new();
    if let Some(o) = &b.office {
        lines.push(match &o.phone {
            // The number first: if the line must be shortened, the name gives way. A hyphen,
            // not a middle dot, which is not in the GSM alphabet.
            Some(p) => format!("{p} - {}", o.name),
            None => o.name.clone(),
        });
    }
    if let Some(l) = &b.online {
        lines.push(t_args(
            lang,
            "ussd-online",
            &[("link", short_link(l).to_owned())],
        ));
    }
    let sentences = b.sentences(lang);
    // The encoding is that of everything the screen might hold: when only what is left out
    // needs UCS-2, the screen is held to the smaller limit — cautious, never over.
    let enc = encoding(&format!(
        "{}{}{}",
        b.title,
        lines.concat(),
        sentences.concat()
    ));
    let budget = limit(enc) - 4 - length(&b.path, enc) - 1;
    let mut text = cut(&b.title, budget, enc);
    for line in lines.into_iter().chain(sentences) {
        let room = budget.saturating_sub(length(&text, enc) + 1);
        if room < 12 {
            break;
        }
        text.push('\n');
        text.push_str(&cut(&line, room, enc));
    }
    text.push('\n');
    text.push_str(&b.path);
    Screen::end(text)
}

/// Answers one USSD request: `text` is the whole path so far, inputs joined by `*`.
pub fn answer(s: &Snapshot, finder: &Finder, country: &str, text: &str) -> Screen {
    let inputs: Vec<&str> = if text.trim().is_empty() {
        Vec::new()
    } else {
        text.split('*').map(str::trim).collect()
    };
    // Going back is replayed by dropping the step and the `0` that undid it.
    let mut path: Vec<&str> = Vec::new();
    for i in inputs {
        if i == BACK && !path.is_empty() {
            path.pop();
        } else {
            path.push(i);
        }
    }
    let Some((&first, rest)) = path.split_first() else {
        return languages(country);
    };
    let Some(lang) = first
        .parse::<usize>()
        .ok()
        .and_then(|n| CHANNEL_LANGS.get(n.checked_sub(1)?))
        .copied()
    else {
        return languages(country);
    };
    let main = || {
        Screen::con(format!(
            "{}\n1 {}\n2 {}",
            t(lang, "ussd-welcome"),
            t(lang, "ussd-life-events"),
            t(lang, "ussd-ask")
        ))
    };
    let Some((&choice, rest)) = rest.split_first() else {
        return main();
    };
    match choice {
        "1" => life_events(s, lang, rest),
        "2" => question(s, finder, lang, rest),
        _ => main(),
    }
}

/// Each channel language's name in itself, for the first screen.
fn endonym(lang: &str) -> &'static str {
    match lang {
        "fr" => "Français",
        "es" => "Español",
        "ar" => "العربية",
        "pt" => "Português",
        _ => "English",
    }
}

/// The first screen: the country, then its channel languages, numbered.
fn languages(country: &str) -> Screen {
    let choices: Vec<String> = CHANNEL_LANGS
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{} {}", i + 1, endonym(l)))
        .collect();
    let choices = choices.join("\n");
    let enc = encoding(&format!("{country}{choices}"));
    // The country's name gives way to the languages when both do not fit.
    let room = limit(enc).saturating_sub(4 + 1 + length(&choices, enc));
    Screen::con(format!("{}\n{choices}", cut(country, room, enc)))
}

/// Walks a paged list: returns the chosen entry and the inputs after it, or the screen to show.
fn walk<'a, 'i>(
    lang: &str,
    title: &str,
    labels: &[String],
    inputs: &'i [&'a str],
) -> Result<(usize, &'i [&'a str]), Screen> {
    let per = per_page(list_encoding(lang, title, labels));
    let mut page = 0;
    let mut rest = inputs;
    loop {
        let Some((&input, after)) = rest.split_first() else {
            return Err(list(lang, title, labels, page));
        };
        match pick(input, page, labels.len(), per) {
            Pick::Entry(i) => return Ok((i, after)),
            Pick::NextPage => {
                page += 1;
                rest = after;
            }
            Pick::Back | Pick::Invalid => {
                rest = after;
                if rest.is_empty() {
                    return Err(list(lang, title, labels, page));
                }
            }
        }
    }
}

fn life_events(s: &Snapshot, lang: &str, inputs: &[&str]) -> Screen {
    let events: Vec<_> = s.life_events.values().collect();
    let labels: Vec<String> = events.iter().map(|e| text_in(&e.title, lang)).collect();
    let (i, rest) = match walk(lang, &t(lang, "ussd-life-events"), &labels, inputs) {
        Ok(x) => x,
        Err(screen) => return screen,
    };
    let event = events[i];
    let mut services: Vec<&Service> = s
        .services
        .values()
        .filter(|svc| svc.life_event.contains(&event.code) && svc.for_the_public())
        .collect();
    services.sort_by_key(|svc| std::cmp::Reverse(svc.annual_transactions.unwrap_or(0)));
    services_then_sheet(s, lang, &labels[i], &services, rest)
}

fn services_then_sheet(
    s: &Snapshot,
    lang: &str,
    title: &str,
    services: &[&Service],
    inputs: &[&str],
) -> Screen {
    if services.is_empty() {
        return Screen::end(t(lang, "ussd-nothing"));
    }
    let labels: Vec<String> = services
        .iter()
        .map(|svc| text_in(&svc.title, lang))
        .collect();
    match walk(lang, title, &labels, inputs) {
        Ok((i, _)) => service_screen(s, services[i], lang),
        Err(screen) => screen,
    }
}

fn question(s: &Snapshot, finder: &Finder, lang: &str, inputs: &[&str]) -> Screen {
    let Some((&q, rest)) = inputs.split_first() else {
        return Screen::con(t(lang, "ussd-type-question"));
    };
    let services = find_services(finder, s, q, lang, 10);
    if services.is_empty() {
        return Screen::end(t(lang, "ussd-nothing"));
    }
    services_then_sheet(s, lang, &t(lang, "ussd-results"), &services, rest)
}
