//! The mailer: the mail server's settings and the connection to it.

use std::time::Duration;

use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// How long the transport waits on the mail server before giving a message up.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(60);

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain SMTP, for a relay on the same machine or network (and tests).
    None,
    /// Plain connection upgraded with STARTTLS (usually port 587); refused if not offered.
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

impl SmtpSecurity {
    /// Parses `none`, `starttls` or `tls`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "none" => Some(Self::None),
            "starttls" => Some(Self::StartTls),
            "tls" => Some(Self::Tls),
            _ => None,
        }
    }

    /// The usual port for this kind of connection.
    pub fn default_port(self) -> u16 {
        match self {
            Self::None => 25,
            Self::StartTls => 587,
            Self::Tls => 465,
        }
    }
}

/// The mail server reminders and digests are sent through.
#[derive(Clone)]
pub struct SmtpSettings {
    /// Host name (also the name checked in its TLS certificate).
    pub host: String,
    /// Port.
    pub port: u16,
    /// The sender, e.g. `Digital Agenda <agenda@gov.example>`.
    pub from: String,
    /// Connection protection.
    pub security: SmtpSecurity,
    /// User name, when the server asks for one.
    pub username: Option<String>,
    /// Password for `username`.
    pub password: Option<String>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .finish()
    }
}

/// Checks an e-mail address or `Name <address>` as written in the settings.
pub fn check_mailbox(s: &str) -> Result<(), String> {
    s.parse::<Mailbox>()
        .map(|_| ())
        .map_err(|e| format!("{s:?} is not an e-mail address ({e})"))
}

/// Why mail could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The database could not be read or written.
    #[error("mail: database: {0}")]
    Store(#[from] agenda_store::StoreError),
    /// The settings cannot make a transport or a message.
    #[error("mail: {0}")]
    Settings(String),
    /// The mail server did not accept the message.
    #[error("mail: the mail server did not take the message: {0}")]
    Refused(String),
}

/// A connection to the mail server, opened at the first message and kept for the next ones.
pub struct Mailer {
    settings: SmtpSettings,
    from: Mailbox,
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
}

impl Mailer {
    /// A mailer for `settings`; fails when the sender is not an address.
    pub fn new(settings: &SmtpSettings) -> Result<Mailer, MailError> {
        let from = settings
            .from
            .parse()
            .map_err(|e| MailError::Settings(format!("smtp.from: {e}")))?;
        Ok(Mailer {
            settings: settings.clone(),
            from,
            transport: None,
        })
    }

    /// The sender.
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// Sends `message`.
    pub async fn send(&mut self, message: Message) -> Result<(), MailError> {
        let transport = match &mut self.transport {
            Some(t) => t,
            None => self.transport.insert(transport(&self.settings)?),
        };
        transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Refused(e.to_string()))
    }
}

fn transport(s: &SmtpSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    let builder = match s.security {
        SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
        SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)
            .map_err(|e| MailError::Settings(format!("smtp.host: {e}")))?,
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host)
            .map_err(|e| MailError::Settings(format!("smtp.host: {e}")))?,
    };
    let builder = builder.port(s.port).timeout(Some(SEND_TIMEOUT));
    Ok(match (&s.username, &s.password) {
        (Some(u), Some(p)) => builder
            .credentials(Credentials::new(u.clone(), p.clone()))
            .build(),
        _ => builder.build(),
    })
}
