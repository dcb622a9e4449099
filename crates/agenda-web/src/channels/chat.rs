//! The chatbot: a conversation per session that finds services for what the person says, asks
//! which one is meant when several fit, then tells what is needed (and what the state already
//! holds), the channels and the link. The conversation is remembered per session, in memory,
//! for an hour after its last message.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use agenda_core::{Service, Snapshot};
use agenda_search::{Finder, HitKind};
use serde::Serialize;
use utoipa::ToSchema;

use super::{brief, text_in};
use crate::site::{t, t_args};

/// How long a conversation is remembered after its last message.
const FORGET_AFTER: Duration = Duration::from_secs(3600);
/// Conversations remembered at most; the oldest are forgotten first.
const MAX_SESSIONS: usize = 10_000;
/// A second service this close to the best (score ratio) makes the question ambiguous.
const AMBIGUOUS: f32 = 0.85;

/// A service offered in a reply.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ServiceLink {
    /// Its code.
    pub code: String,
    /// Its title in the conversation's language.
    pub title: String,
    /// Its information sheet.
    pub url: String,
    /// Where it is done online, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online_link: Option<String>,
}

/// One answer of the chatbot.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Reply {
    /// What the chatbot says.
    pub reply: String,
    /// Services it suggests, best first.
    pub services: Vec<ServiceLink>,
    /// Short answers the person can send back as they are.
    pub quick_replies: Vec<String>,
}

/// One message of a conversation, for the plain-form chat page.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    /// `true` when the person said it, `false` for the chatbot.
    pub mine: bool,
    /// What was said.
    pub text: String,
    /// Services linked from it.
    pub services: Vec<ServiceLink>,
    /// Short answers offered with it.
    pub quick_replies: Vec<String>,
}

#[derive(Debug)]
struct Conversation {
    /// Codes of the services the last reply asked the person to choose between.
    offered: Vec<String>,
    turns: Vec<Turn>,
    seen: Instant,
}

/// The conversations of this server.
#[derive(Debug, Default)]
pub struct Sessions(Mutex<HashMap<String, Conversation>>);

impl Sessions {
    /// The messages of a conversation so far.
    pub fn transcript(&self, session: &str) -> Vec<Turn> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(session)
            .map(|c| c.turns.clone())
            .unwrap_or_default()
    }
}

fn link(s: &Snapshot, svc: &Service, lang: &str) -> ServiceLink {
    ServiceLink {
        code: svc.code.to_string(),
        title: text_in(&svc.title, lang),
        url: brief(s, svc, lang).path,
        online_link: svc.online_link.clone(),
    }
}

/// The services of a life event, most used first.
fn of_event<'a>(s: &'a Snapshot, event: &str) -> Vec<&'a Service> {
    let mut v: Vec<&Service> = s
        .services
        .values()
        .filter(|svc| svc.life_event.iter().any(|e| e.as_str() == event))
        .filter(|svc| svc.for_the_public())
        .collect();
    v.sort_by_key(|svc| std::cmp::Reverse(svc.annual_transactions.unwrap_or(0)));
    v
}

/// Which of the offered services `message` picks: its number, or words of its title.
fn chosen<'a>(
    s: &'a Snapshot,
    offered: &[String],
    message: &str,
    lang: &str,
) -> Option<&'a Service> {
    let m = message.trim().trim_end_matches(['.', '!']);
    if let Ok(n) = m.parse::<usize>() {
        return offered
            .get(n.checked_sub(1)?)
            .and_then(|c| s.services.get(c));
    }
    let m = m.to_lowercase();
    offered
        .iter()
        .filter_map(|c| s.services.get(c))
        .find(|svc| {
            let title = text_in(&svc.title, lang).to_lowercase();
            title == m || (m.chars().count() >= 4 && title.contains(&m))
        })
}

/// The full answer about one service.
fn about(s: &Snapshot, svc: &Service, lang: &str) -> Reply {
    let b = brief(s, svc, lang);
    let mut reply = format!("{}.", b.title);
    // What to bring and how, then where to do it: the answer ends by handing the person over.
    for sentence in b.sentences(lang).into_iter().chain(b.handover(lang)) {
        reply.push(' ');
        reply.push_str(&sentence);
        if !sentence.ends_with('.') {
            reply.push('.');
        }
    }
    Reply {
        reply,
        services: vec![link(s, svc, lang)],
        quick_replies: vec![t(lang, "chat-another")],
    }
}

/// Answers `message` in conversation `session`.
pub fn respond(
    sessions: &Sessions,
    s: &Snapshot,
    finder: &Finder,
    session: &str,
    message: &str,
    lang: &str,
) -> Reply {
    let mut all = sessions
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let now = Instant::now();
    all.retain(|_, c| now.duration_since(c.seen) < FORGET_AFTER);
    if all.len() >= MAX_SESSIONS
        && !all.contains_key(session)
        && let Some(oldest) = all
            .iter()
            .min_by_key(|(_, c)| c.seen)
            .map(|(k, _)| k.clone())
    {
        all.remove(&oldest);
    }
    let conv = all
        .entry(session.to_owned())
        .or_insert_with(|| Conversation {
            offered: Vec::new(),
            turns: Vec::new(),
            seen: now,
        });
    conv.seen = now;
    let message = message.trim();
    let reply = if message.is_empty() {
        Reply {
            reply: t(lang, "chat-hello"),
            services: Vec::new(),
            quick_replies: s
                .life_events
                .values()
                .take(3)
                .map(|e| text_in(&e.title, lang))
                .collect(),
        }
    } else if let Some(svc) = chosen(s, &conv.offered, message, lang) {
        conv.offered.clear();
        about(s, svc, lang)
    } else {
        conv.offered.clear();
        answer(s, finder, message, lang, &mut conv.offered)
    };
    if !message.is_empty() {
        conv.turns.push(Turn {
            mine: true,
            text: message.to_owned(),
            services: Vec::new(),
            quick_replies: Vec::new(),
        });
    }
    conv.turns.push(Turn {
        mine: false,
        text: reply.reply.clone(),
        services: reply.services.clone(),
        quick_replies: reply.quick_replies.clone(),
    });
    reply
}

/// A fresh question: the service if one clearly fits, else a choice.
fn answer(
    s: &Snapshot,
    finder: &Finder,
    message: &str,
    lang: &str,
    offered: &mut Vec<String>,
) -> Reply {
    let hits = finder.search(message, lang, 10);
    let services: Vec<(&Service, f32)> = hits
        .iter()
        .filter(|h| h.kind == HitKind::Service)
        .filter_map(|h| s.services.get(&h.code).map(|svc| (svc, h.score)))
        .collect();
    // A situation ("we just had a baby") among the best hits: the services of that life
    // event, those the finder ranked first, are the choice to offer.
    let event = hits.iter().take(2).find(|h| h.kind == HitKind::LifeEvent);
    let candidates: Vec<&Service> = match event {
        Some(ev) => {
            let mut c: Vec<&Service> = services
                .iter()
                .map(|(svc, _)| *svc)
                .filter(|svc| svc.life_event.iter().any(|e| e.as_str() == ev.code))
                .collect();
            for svc in of_event(s, &ev.code) {
                if !c.iter().any(|x| x.code == svc.code) {
                    c.push(svc);
                }
            }
            c.truncate(3);
            c
        }
        None => match services.as_slice() {
            [(best, top), (second, score), ..] if *score >= top * AMBIGUOUS => vec![*best, *second],
            [(best, _), ..] => vec![*best],
            [] => Vec::new(),
        },
    };
    match candidates.as_slice() {
        [] => Reply {
            reply: t(lang, "chat-nothing"),
            services: Vec::new(),
            quick_replies: s
                .life_events
                .values()
                .take(3)
                .map(|e| text_in(&e.title, lang))
                .collect(),
        },
        [one] => about(s, one, lang),
        several => {
            offered.extend(several.iter().map(|svc| svc.code.to_string()));
            let list: Vec<String> = several
                .iter()
                .enumerate()
                .map(|(i, svc)| format!("{}. {}", i + 1, text_in(&svc.title, lang)))
                .collect();
            Reply {
                reply: t_args(lang, "chat-which", &[("options", list.join(" "))]),
                services: several.iter().map(|svc| link(s, svc, lang)).collect(),
                quick_replies: several
                    .iter()
                    .map(|svc| text_in(&svc.title, lang))
                    .collect(),
            }
        }
    }
}
