//! USSD for feature phones, as the common gateways speak it: each request carries the whole
//! path of the session so far in `text` (inputs joined by `*`), and the answer is plain text
//! starting with `CON ` (the menu goes on) or `END ` (the session ends), at most 182
//! characters per screen. The dialogue is therefore stateless: the path is replayed each time.
//!
//! Screens: language → main menu → (life events → services → what to bring and where) or
//! (type a question → services → what to bring and where).

use agenda_core::{Service, Snapshot};
use agenda_search::Finder;

use super::{brief, find_services, short_link, text_in};
use crate::site::{t, t_args};

/// The most characters a USSD screen may hold.
pub const MAX_SCREEN: usize = 182;
/// Entries per screen of a list.
const PER_PAGE: usize = 5;
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

    /// The gateway's answer: `CON …` or `END …`, cut to [`MAX_SCREEN`] characters.
    pub fn render(&self) -> String {
        let full = format!("{} {}", if self.more { "CON" } else { "END" }, self.text);
        cut(&full, MAX_SCREEN)
    }
}

/// `s` cut to `max` characters (not bytes: accents count once), ending with `…` when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// One numbered list screen, paged: `title`, entries `1`–`5`, `9` more, `0` back.
fn list(lang: &str, title: &str, entries: &[String], page: usize) -> Screen {
    let start = page * PER_PAGE;
    let mut footer = String::new();
    if start + PER_PAGE < entries.len() {
        footer.push_str(&format!("{MORE} {}\n", t(lang, "ussd-more")));
    }
    footer.push_str(&format!("{BACK} {}", t(lang, "ussd-back")));
    // "CON " and the footer are fixed; the title takes at most a third of what remains, and
    // the entries share the rest, so the whole page fits one screen and nothing is cut off.
    let budget = MAX_SCREEN - 4 - footer.chars().count();
    let mut text = cut(title, budget / 3);
    text.push('\n');
    let shown = entries.len().saturating_sub(start).min(PER_PAGE);
    for (n, e) in entries.iter().skip(start).take(PER_PAGE).enumerate() {
        let line = format!("{} {}", n + 1, e);
        let room = budget.saturating_sub(text.chars().count());
        let per_entry = room / (shown - n).max(1);
        text.push_str(&cut(&line, per_entry.saturating_sub(1).max(3)));
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

fn pick(input: &str, page: usize, n: usize) -> Pick {
    match input.trim() {
        BACK => Pick::Back,
        MORE if (page + 1) * PER_PAGE < n => Pick::NextPage,
        other => match other.parse::<usize>() {
            Ok(k) if (1..=PER_PAGE).contains(&k) && page * PER_PAGE + k - 1 < n => {
                Pick::Entry(page * PER_PAGE + k - 1)
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
    let budget = MAX_SCREEN - 4 - b.path.chars().count() - 1;
    let mut text = cut(&b.title, budget);
    let mut lines = Vec::new();
    if let Some(o) = &b.office {
        lines.push(match &o.phone {
            // The number first: if the line must be shortened, the name gives way.
            Some(p) => format!("{p} · {}", o.name),
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
    for line in lines.into_iter().chain(b.sentences(lang)) {
        let room = budget.saturating_sub(text.chars().count() + 1);
        if room < 12 {
            break;
        }
        text.push('\n');
        text.push_str(&cut(&line, room));
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
        return Screen::con(format!("{country}\n1 English\n2 Français\n3 Español"));
    };
    let lang = match first {
        "1" => "en",
        "2" => "fr",
        "3" => "es",
        _ => return Screen::con(format!("{country}\n1 English\n2 Français\n3 Español")),
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

/// Walks a paged list: returns the chosen entry and the inputs after it, or the screen to show.
fn walk<'a, 'i>(
    lang: &str,
    title: &str,
    labels: &[String],
    inputs: &'i [&'a str],
) -> Result<(usize, &'i [&'a str]), Screen> {
    let mut page = 0;
    let mut rest = inputs;
    loop {
        let Some((&input, after)) = rest.split_first() else {
            return Err(list(lang, title, labels, page));
        };
        match pick(input, page, labels.len()) {
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
