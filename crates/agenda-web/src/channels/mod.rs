//! The channels beyond the website — USSD for feature phones, voice (TwiML and VoiceXML) and
//! the chatbot — all answering from the one catalogue through the service finder. Each channel
//! is a small dialogue over the same pieces: find services for what the person says, then tell
//! what a service needs (and what the state already holds), how to use it and where.

pub mod chat;
pub mod http;
pub mod ussd;
pub mod voice;

#[cfg(test)]
mod tests;

use agenda_core::{Service, Snapshot, Text};
use agenda_search::{Finder, HitKind};

use crate::site::{t, t_args};

/// The languages the channels speak, as the finder and the interface know them.
pub const CHANNEL_LANGS: &[&str] = &["en", "fr", "es", "ar", "pt"];

/// `lang` if the channels speak it, else English.
pub fn known_lang(lang: &str) -> &'static str {
    CHANNEL_LANGS
        .iter()
        .find(|l| lang.eq_ignore_ascii_case(l) || lang.to_ascii_lowercase().starts_with(*l))
        .copied()
        .unwrap_or("en")
}

/// A text in `lang`, else along the country's fallback chain.
pub fn text_in(text: &Text, lang: &str) -> String {
    text.get(lang).to_owned()
}

/// Services matching what the person said, best first: services found directly, and the
/// services of the life events found (a situation such as "my mother died" finds the event).
pub fn find_services<'a>(
    finder: &Finder,
    s: &'a Snapshot,
    query: &str,
    lang: &str,
    limit: usize,
) -> Vec<&'a Service> {
    let mut out: Vec<&Service> = Vec::new();
    for hit in finder.search(query, lang, limit * 2) {
        match hit.kind {
            HitKind::Service => {
                if let Some(svc) = s.services.get(&hit.code) {
                    out.push(svc);
                }
            }
            HitKind::LifeEvent => {
                let mut under: Vec<&Service> = s
                    .services
                    .values()
                    .filter(|svc| svc.life_event.iter().any(|e| e.as_str() == hit.code))
                    .filter(|svc| svc.for_the_public())
                    .collect();
                // The most used first: that is most likely what the person needs.
                under.sort_by_key(|svc| std::cmp::Reverse(svc.annual_transactions.unwrap_or(0)));
                out.extend(under);
            }
            HitKind::Organisation => {}
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|svc| seen.insert(svc.code.as_str()));
    out.truncate(limit);
    out
}

/// What a person needs to know to use a service, in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Brief {
    /// Service code.
    pub code: String,
    /// Title.
    pub title: String,
    /// What to bring: evidence asked that the state does not fetch.
    pub bring: Vec<String>,
    /// Evidence the service obtains itself from a connected registry.
    pub fetched: Vec<String>,
    /// Evidence asked although a base registry already holds it.
    pub held: Vec<String>,
    /// Channels, named.
    pub channels: Vec<String>,
    /// Fee sentence, if known.
    pub fee: Option<String>,
    /// Processing time sentence, if known.
    pub days: Option<String>,
    /// The information sheet's path in this language.
    pub path: String,
    /// Where the service is done online.
    pub online: Option<String>,
    /// The first office or contact centre that serves it.
    pub office: Option<Office>,
}

/// An office or contact centre a person is handed over to, in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Office {
    /// Name.
    pub name: String,
    /// Street address.
    pub address: Option<String>,
    /// Opening hours.
    pub hours: Option<String>,
    /// Telephone number as written.
    pub phone: Option<String>,
}

impl Office {
    /// The number to dial, when it has one.
    pub fn dial(&self) -> Option<String> {
        self.phone.as_deref().map(agenda_core::dial_number)
    }
}

/// A link as short as it can be read out or typed: no `https://`, no `www.`.
pub fn short_link(link: &str) -> &str {
    let l = link.strip_prefix("https://").unwrap_or(link);
    l.strip_prefix("www.").unwrap_or(l)
}

/// The brief of `svc` in `lang`.
pub fn brief(s: &Snapshot, svc: &Service, lang: &str) -> Brief {
    let name = |code: &agenda_core::Code| {
        s.data_items
            .get(code.as_str())
            .map(|d| text_in(&d.name, lang))
            .unwrap_or_else(|| code.to_string())
    };
    let held_by_registry = |code: &agenda_core::Code| {
        s.registries
            .values()
            .any(|r| r.data_items.iter().any(|d| d == code))
    };
    let mut bring = Vec::new();
    let mut held = Vec::new();
    for e in &svc.evidence {
        if svc.evidence_fetched.contains(e) {
            continue;
        }
        if held_by_registry(e) {
            held.push(name(e));
        }
        bring.push(name(e));
    }
    let prefix = agenda_core::languages::url_prefix(lang);
    Brief {
        code: svc.code.to_string(),
        title: text_in(&svc.title, lang),
        bring,
        fetched: svc.evidence_fetched.iter().map(name).collect(),
        held,
        channels: svc
            .channels
            .iter()
            .map(|c| t(lang, &format!("channel-{}", c.as_str())))
            .collect(),
        fee: svc.fee.map(|f| {
            if f == 0.0 {
                t(lang, "brief-free")
            } else {
                t_args(lang, "brief-fee", &[("fee", crate::site::fmt_num(lang, f))])
            }
        }),
        days: svc
            .processing_days
            .map(|d| t_args(lang, "brief-days", &[("days", d.to_string())])),
        path: format!("{prefix}/services/{}", svc.code),
        online: svc.online_link.clone(),
        office: svc
            .contact_points
            .iter()
            .filter_map(|c| s.contact_points.get(c.as_str()))
            .map(|p| Office {
                name: text_in(&p.name, lang),
                address: p.address.as_ref().map(|a| text_in(a, lang)),
                hours: p.opening_hours.as_ref().map(|h| text_in(h, lang)),
                phone: p.phone.clone(),
            })
            .next(),
    }
}

impl Brief {
    /// The brief as sentences, for speech and short messages.
    pub fn sentences(&self, lang: &str) -> Vec<String> {
        let list = |items: &[String]| items.join(", ");
        let mut out = Vec::new();
        if !self.bring.is_empty() {
            out.push(t_args(lang, "brief-bring", &[("items", list(&self.bring))]));
        }
        if !self.fetched.is_empty() {
            out.push(t_args(
                lang,
                "brief-fetched",
                &[("items", list(&self.fetched))],
            ));
        }
        if !self.held.is_empty() {
            out.push(t_args(lang, "brief-held", &[("items", list(&self.held))]));
        }
        if !self.channels.is_empty() {
            out.push(t_args(
                lang,
                "brief-channels",
                &[("channels", list(&self.channels))],
            ));
        }
        out.extend(self.fee.clone());
        out.extend(self.days.clone());
        out
    }

    /// Where to do it, the last thing said: online, then the office (address, hours,
    /// telephone).
    pub fn handover(&self, lang: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(link) = &self.online {
            out.push(t_args(lang, "brief-online", &[("link", link.clone())]));
        }
        if let Some(o) = &self.office {
            out.extend(o.sentences(lang));
        }
        out
    }
}

impl Office {
    /// The office in sentences: where it is and when it is open, then its telephone.
    pub fn sentences(&self, lang: &str) -> Vec<String> {
        let mut out = Vec::new();
        match &self.address {
            Some(a) => out.push(t_args(
                lang,
                "brief-office",
                &[("office", self.name.clone()), ("address", a.clone())],
            )),
            None => out.push(t_args(
                lang,
                "brief-office-remote",
                &[("office", self.name.clone())],
            )),
        }
        if let Some(h) = &self.hours {
            out.push(t_args(lang, "brief-hours", &[("hours", h.clone())]));
        }
        if let Some(p) = &self.phone {
            out.push(t_args(lang, "brief-phone", &[("phone", p.clone())]));
        }
        out
    }
}
