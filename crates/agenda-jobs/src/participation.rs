//! The sign-in link mailed to a person who takes part in a consultation in their own name.

use agenda_core::languages::{known, url_prefix};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};

use crate::digests::SubscriptionSettings;
use crate::i18n::{t, t_args};
use crate::mail::{MailError, Mailer};

/// Mails `to` the link that signs them in with `token`, back to consultation `next`, in
/// `lang`; the link's address starts with the public address of the settings.
pub async fn send_link_mail(
    settings: &SubscriptionSettings,
    to: &str,
    token: &str,
    next: &str,
    lang: &str,
) -> Result<(), MailError> {
    let lang = known(lang);
    let mailbox: Mailbox = to
        .parse()
        .map_err(|_| MailError::Settings("the participant's address is not usable".into()))?;
    let link = format!(
        "{}{}/take-part/sign-in?token={token}&next={next}",
        settings.base_url,
        url_prefix(lang)
    );
    let minutes = agenda_store::participants::LINK_MAX_AGE_MINUTES.to_string();
    let text = format!(
        "{}\n\n{link}\n\n{}\n",
        t_args(lang, "take-part-mail-text", &[("minutes", minutes)]),
        t(lang, "take-part-mail-ignore"),
    );
    let mut mailer = Mailer::new(&settings.smtp)?;
    let message = Message::builder()
        .from(mailer.from().clone())
        .to(mailbox)
        .subject(t(lang, "take-part-mail-subject"))
        .header(ContentType::TEXT_PLAIN)
        .body(text)
        .map_err(|e| MailError::Settings(format!("message: {e}")))?;
    mailer.send(message).await
}

/// The authority's response to a person's contribution, to mail them.
pub struct ResponseMail<'a> {
    /// Their address.
    pub to: &'a str,
    /// Their language.
    pub lang: &'a str,
    /// The consultation.
    pub consultation: &'a str,
    /// Their contribution.
    pub contribution: &'a str,
    /// Accepted, partly, not accepted, in their language.
    pub outcome: &'a str,
    /// Why.
    pub reason: &'a str,
}

/// Mails a person the response published to their contribution, with the link to it.
pub async fn send_response_mail(
    settings: &SubscriptionSettings,
    m: ResponseMail<'_>,
) -> Result<(), MailError> {
    let lang = known(m.lang);
    let mailbox: Mailbox =
        m.to.parse()
            .map_err(|_| MailError::Settings("the participant's address is not usable".into()))?;
    let link = format!(
        "{}{}/consultations/{}#{}",
        settings.base_url,
        url_prefix(lang),
        m.consultation,
        m.contribution
    );
    let text = format!(
        "{}\n\n{}\n\n{}\n\n{link}\n",
        t_args(
            lang,
            "take-part-response-text",
            &[("code", m.contribution.to_owned())]
        ),
        m.outcome,
        m.reason,
    );
    let mut mailer = Mailer::new(&settings.smtp)?;
    let message = Message::builder()
        .from(mailer.from().clone())
        .to(mailbox)
        .subject(t_args(
            lang,
            "take-part-response-subject",
            &[("code", m.contribution.to_owned())],
        ))
        .header(ContentType::TEXT_PLAIN)
        .body(text)
        .map_err(|e| MailError::Settings(format!("message: {e}")))?;
    mailer.send(message).await
}
