//! Configuration in one typed place: defaults, then an optional `agenda.toml`, then `AGENDA_*`
//! environment variables, then command-line flags (clap merges the last two). Validated once at
//! start-up; every error names the setting and where it can be set.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use agenda_core::catalogue::priorities::{PriorityWeights, WeightsError};
use anyhow::{Context, bail};
use serde::Deserialize;

/// Settings that can come from flags or the environment (flags win).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Overrides {
    /// Configuration file (TOML). Default: `agenda.toml` in the working directory, if present.
    #[arg(long, env = "AGENDA_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Database URL: `sqlite:///path/to/file.db` (created if missing) or `postgres://user@host/db`.
    /// Default: `agenda.db` in the data directory.
    #[arg(
        long,
        env = "AGENDA_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Directory for the platform's files (the default SQLite database).
    #[arg(long, env = "AGENDA_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Log format: `text` or `json`.
    #[arg(long, env = "AGENDA_LOG_FORMAT", global = true)]
    pub log_format: Option<String>,
}

/// `agenda.toml`; every key is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Country name shown by the platform.
    pub country: Option<String>,
    /// Interface languages, default first.
    pub languages: Option<Vec<String>>,
    /// The digits of Arabic pages and mails: `western` (0–9, the default) or `arabic-indic`.
    pub arabic_digits: Option<String>,
    /// Content languages (any BCP 47 tag), the default first: every text written must have
    /// the default. Default: the interface languages.
    pub content_languages: Option<Vec<String>>,
    /// Where a text missing in a language is looked for next (`wo = ["fr"]`), before the
    /// default language.
    pub fallback: Option<BTreeMap<String, Vec<String>>>,
    /// Logo: path or URL.
    pub logo: Option<String>,
    /// GeoJSON boundary file of the country's regions (features with a `code` property).
    pub regions: Option<String>,
    /// ISO 4217 code of the currency budgets are in (`XOF`).
    pub currency: Option<String>,
    /// Brand colours.
    pub colours: Option<Colours>,
    /// Database URL.
    pub database_url: Option<String>,
    /// Listen address, `host:port`.
    pub listen_addr: Option<String>,
    /// Data directory.
    pub data_dir: Option<PathBuf>,
    /// The snapshot file that makes start-up fast; `""` for none. Default: next to an SQLite
    /// database, or in the data directory for PostgreSQL.
    pub snapshot_file: Option<PathBuf>,
    /// Log format: `text` or `json`.
    pub log_format: Option<String>,
    /// The mail server reminders are sent through.
    pub smtp: Option<SmtpFile>,
    /// E-mail reminders of reports and figures due.
    pub reminders: Option<RemindersFile>,
    /// E-mail subscriptions and their digests.
    pub subscriptions: Option<SubscriptionsFile>,
    /// Connection timeouts and limits of the web server.
    pub server: Option<ServerFile>,
    /// Mark session cookies `Secure` (default true; browsers accept them on localhost over
    /// plain HTTP too).
    pub secure_cookies: Option<bool>,
    /// The country's weights of the prioritisation criteria.
    pub priorities: Option<PrioritiesFile>,
    /// `[speech_languages]`: the language tag voice calls use for a channel language
    /// (`ar = "ar-MA"`, `pt = "pt-BR"`); the others keep their defaults (`ar-SA`, `pt-PT` …).
    pub speech_languages: Option<std::collections::BTreeMap<String, String>>,
}

/// `[priorities]` in `agenda.toml`: the relative weight of each criterion of the impact ×
/// feasibility ranking; each one left out keeps the analysis's default.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrioritiesFile {
    /// Impact: demand (default 2).
    pub demand: Option<f64>,
    /// Impact: complexity of access (default 1).
    pub complexity: Option<f64>,
    /// Impact: alignment with the agenda (default 1).
    pub alignment: Option<f64>,
    /// Feasibility: reuse of building blocks in production (default 1).
    pub reuse: Option<f64>,
    /// Feasibility: current maturity (default 1).
    pub readiness: Option<f64>,
}

/// `[smtp]` in `agenda.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpFile {
    /// Host name; reminders are off without one.
    pub host: Option<String>,
    /// Port; default by `security`: 25, 587 or 465.
    pub port: Option<u16>,
    /// Sender address, e.g. `Digital Agenda <agenda@gov.example>`.
    pub from: Option<String>,
    /// `none`, `starttls` (default) or `tls`.
    pub security: Option<String>,
    /// User name, when the server asks for one.
    pub username: Option<String>,
    /// Password (better given as `AGENDA_SMTP_PASSWORD`).
    pub password: Option<String>,
}

/// `[reminders]` in `agenda.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemindersFile {
    /// On or off; default on when `smtp.host` is set.
    pub enabled: Option<bool>,
    /// Days before a deadline the first reminder goes out (default 7).
    pub days_before: Option<u32>,
    /// Time between two runs, e.g. `30m`, `1h` (default), `1d`.
    pub interval: Option<String>,
}

/// `[subscriptions]` in `agenda.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionsFile {
    /// On or off; default on when `smtp.host` is set.
    pub enabled: Option<bool>,
    /// Time between two digests, e.g. `12h`, `1d` (default), `7d`.
    pub digest_interval: Option<String>,
    /// The platform's public address, the start of every link in mails (default
    /// `http://<listen_addr>`).
    pub base_url: Option<String>,
}

/// `[server]` in `agenda.toml`: how long clients may take and how many connections one
/// address may hold.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerFile {
    /// Longest wait for a request's headers, counted from when the server starts waiting for
    /// the request (default `30s`).
    pub header_timeout: Option<String>,
    /// Longest wait for a request's body once its headers are in (default `60s`).
    pub body_timeout: Option<String>,
    /// Longest a connection stays open idle between requests (default `30s`; in effect at
    /// most `header_timeout`).
    pub keep_alive_timeout: Option<String>,
    /// Connections one client address may hold at once (default 256; 0: no cap). Behind a
    /// reverse proxy all connections come from the proxy: set 0 and limit clients there.
    pub max_connections_per_client: Option<usize>,
}

/// The variable that may hold the SMTP password, so that it need not be written in a file.
pub const SMTP_PASSWORD_ENV: &str = "AGENDA_SMTP_PASSWORD";

/// Brand colours, `#RRGGBB`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Colours {
    /// Main colour.
    pub primary: Option<String>,
    /// Accent colour.
    pub accent: Option<String>,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The validated configuration.
#[derive(Clone)]
pub struct Config {
    /// Country name.
    pub country: String,
    /// Interface languages, default first.
    pub languages: Vec<String>,
    /// The digits of Arabic pages and mails.
    pub arabic_digits: agenda_core::numbers::ArabicDigits,
    /// Content languages, the default first, and their fallback chains.
    pub content: std::sync::Arc<agenda_core::languages::ContentLanguages>,
    /// Logo file (PNG, SVG, JPEG or WebP), read at start-up.
    pub logo: Option<(Vec<u8>, &'static str)>,
    /// The regions' boundaries, read at start-up.
    pub regions: Option<agenda_io::regions::RegionMap>,
    /// ISO 4217 code of the currency budgets are in.
    pub currency: String,
    /// Main colour.
    pub primary_colour: String,
    /// Accent colour.
    pub accent_colour: String,
    /// Database URL (may hold a password: never printed whole).
    pub database_url: String,
    /// Listen address.
    pub listen_addr: SocketAddr,
    /// Data directory.
    pub data_dir: PathBuf,
    /// The snapshot file kept for fast start-up, if any.
    pub snapshot_file: Option<PathBuf>,
    /// Log format.
    pub log_format: LogFormat,
    /// E-mail reminders; `None` when off (no SMTP host, or `reminders.enabled = false`).
    pub reminders: Option<agenda_jobs::ReminderSettings>,
    /// E-mail subscriptions; `None` when off (no SMTP host, or `subscriptions.enabled =
    /// false`).
    pub subscriptions: Option<agenda_jobs::SubscriptionSettings>,
    /// Whether session cookies are marked `Secure`.
    pub secure_cookies: bool,
    /// The country's prioritisation weights (the priorities page's, and the defaults of the API
    /// and of `agenda analyse priorities`).
    pub priority_weights: PriorityWeights,
    /// The web server's timeouts and connection cap.
    pub server_limits: agenda_web::ServerLimits,
    /// The speech language tags of voice calls.
    pub speech_langs: agenda_web::channels::voice::SpeechLangs,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("country", &self.country)
            .field("languages", &self.languages)
            .field("content", &self.content)
            .field("database_url", &redact(&self.database_url))
            .field("listen_addr", &self.listen_addr)
            .field("reminders", &self.reminders)
            .field("subscriptions", &self.subscriptions)
            .field("data_dir", &self.data_dir)
            .field("snapshot_file", &self.snapshot_file)
            .finish_non_exhaustive()
    }
}

pub use agenda_store::redact_url as redact;

/// Default listen address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// The currency's ISO 4217 code, three letters (read in capitals).
fn currency(value: Option<String>, setting: &str) -> anyhow::Result<String> {
    let Some(v) = value else {
        return Ok(agenda_web::DEFAULT_CURRENCY.to_owned());
    };
    let code = v.trim().to_ascii_uppercase();
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        bail!("{setting}: {v:?} is not a currency; expected an ISO 4217 code such as XOF or EUR");
    }
    Ok(code)
}

fn colour(value: Option<String>, default: &str, setting: &str) -> anyhow::Result<String> {
    let v = value.unwrap_or_else(|| default.to_owned());
    let ok = v.len() == 7 && v.starts_with('#') && v[1..].chars().all(|c| c.is_ascii_hexdigit());
    if !ok {
        bail!("{setting}: {v:?} is not a colour; expected #RRGGBB");
    }
    Ok(v)
}

impl Config {
    /// Builds the configuration from the file (if any), the overrides and `addr` (serve only).
    pub fn load(o: &Overrides, addr: Option<&str>) -> anyhow::Result<Self> {
        let (file, path) = match &o.config {
            Some(p) => (read_file(p)?, Some(p.clone())),
            None if Path::new("agenda.toml").exists() => {
                let p = PathBuf::from("agenda.toml");
                (read_file(&p)?, Some(p))
            }
            None => (FileConfig::default(), None),
        };
        let in_file = |key: &str| match &path {
            Some(p) => format!("{key} in {}", p.display()),
            None => key.to_owned(),
        };

        let data_dir = o
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("agenda-data"));
        let database_url = o
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| {
                let p = data_dir.join("agenda.db");
                let abs = std::path::absolute(&p).unwrap_or(p);
                format!("sqlite://{}", abs.display())
            });
        if let Err(e) = agenda_store::Backend::from_url(&database_url) {
            bail!(
                "--database-url / AGENDA_DATABASE_URL / {}: {e}",
                in_file("database_url")
            );
        }

        let snapshot_file = match file.snapshot_file {
            Some(p) if p.as_os_str().is_empty() => None,
            Some(p) => Some(p),
            None => agenda_store::default_snapshot_file(&database_url, &data_dir),
        };

        let addr_text = addr
            .map(str::to_owned)
            .or(file.listen_addr)
            .unwrap_or_else(|| DEFAULT_ADDR.to_owned());
        let listen_addr: SocketAddr = addr_text.parse().map_err(|_| {
            anyhow::anyhow!(
                "--addr / AGENDA_ADDR / {}: {addr_text:?} is not an address; expected host:port such as 127.0.0.1:8080",
                in_file("listen_addr")
            )
        })?;

        let log_format = match o
            .log_format
            .clone()
            .or(file.log_format)
            .as_deref()
            .unwrap_or("text")
        {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => bail!(
                "--log-format / AGENDA_LOG_FORMAT / {}: {other:?}; expected text or json",
                in_file("log_format")
            ),
        };

        let languages = file.languages.unwrap_or_else(|| {
            agenda_web::site::LANGS
                .iter()
                .map(|l| (*l).to_owned())
                .collect()
        });
        if languages.is_empty() {
            bail!("{}: at least one language is needed", in_file("languages"));
        }
        for l in &languages {
            if !agenda_web::site::LANGS.contains(&l.as_str()) {
                bail!(
                    "{}: {l:?} has no interface translation; expected some of {}",
                    in_file("languages"),
                    agenda_web::site::LANGS.join(", ")
                );
            }
        }
        let arabic_digits = match file.arabic_digits.as_deref() {
            None => Default::default(),
            Some(d) => agenda_core::numbers::ArabicDigits::parse(d).ok_or_else(|| {
                anyhow::anyhow!(
                    "{}: {d:?}; expected western or arabic-indic",
                    in_file("arabic_digits")
                )
            })?,
        };
        let content =
            content_languages(file.content_languages, file.fallback, &languages, &in_file)?;
        let colours = file.colours.unwrap_or_default();
        let (smtp, reminders) = mail_settings(
            file.smtp,
            file.reminders,
            std::env::var(SMTP_PASSWORD_ENV)
                .ok()
                .filter(|p| !p.is_empty()),
            &in_file,
        )?;
        let subscriptions = subscription_settings(file.subscriptions, smtp, listen_addr, &in_file)?;
        Ok(Self {
            country: file.country.unwrap_or_else(|| "Demo Republic".to_owned()),
            languages,
            arabic_digits,
            content: std::sync::Arc::new(content),
            logo: file
                .logo
                .map(|p| {
                    read_logo(Path::new(&p))
                        .map_err(|e| anyhow::anyhow!("{}: {e}", in_file("logo")))
                })
                .transpose()?,
            regions: file
                .regions
                .map(|p| {
                    std::fs::read_to_string(&p)
                        .map_err(|e| e.to_string())
                        .and_then(|text| agenda_io::regions::parse_geojson(&text))
                        .map_err(|e| anyhow::anyhow!("{}: {p}: {e}", in_file("regions")))
                })
                .transpose()?,
            currency: currency(file.currency, &in_file("currency"))?,
            primary_colour: colour(colours.primary, "#1d3f72", &in_file("colours.primary"))?,
            accent_colour: colour(colours.accent, "#ffbf47", &in_file("colours.accent"))?,
            database_url,
            listen_addr,
            data_dir,
            snapshot_file,
            log_format,
            reminders,
            subscriptions,
            secure_cookies: file.secure_cookies.unwrap_or(true),
            priority_weights: priority_weights(file.priorities, &in_file)?,
            server_limits: server_limits(file.server, &in_file)?,
            speech_langs: {
                let tags = file.speech_languages.unwrap_or_default();
                agenda_web::channels::voice::check_speech_langs(&tags)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", in_file("speech_languages")))?;
                agenda_web::channels::voice::SpeechLangs(tags)
            },
        })
    }
}

/// The content languages and `[fallback]` chains, checked: tags as BCP 47 writes them, each
/// language once, chains only through content languages.
fn content_languages(
    langs: Option<Vec<String>>,
    fallback: Option<BTreeMap<String, Vec<String>>>,
    interface: &[String],
    in_file: &dyn Fn(&str) -> String,
) -> anyhow::Result<agenda_core::languages::ContentLanguages> {
    let key = in_file("content_languages");
    let given = langs.unwrap_or_else(|| interface.to_vec());
    let tag = |t: &str, key: &str| {
        agenda_core::Lang::parse(t).map_err(|e| anyhow::anyhow!("{key}: {t:?}: {e}"))
    };
    let langs = given
        .iter()
        .map(|t| tag(t, &key))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut chains = Vec::new();
    for (from, to) in fallback.unwrap_or_default() {
        let key = in_file(&format!("fallback.{from}"));
        let from = tag(&from, &key)?;
        let to = to
            .iter()
            .map(|t| tag(t, &key))
            .collect::<anyhow::Result<Vec<_>>>()?;
        for l in std::iter::once(&from).chain(&to) {
            if !langs.contains(l) {
                bail!(
                    "{key}: {l} is not one of the content languages ({})",
                    given.join(", ")
                );
            }
        }
        chains.push((from, to));
    }
    agenda_core::languages::ContentLanguages::new(langs, chains)
        .map_err(|e| anyhow::anyhow!("{key}: {e}"))
}

/// The weights of `[priorities]`, the analysis's defaults filling the gaps, checked as the
/// analysis checks them.
fn priority_weights(
    file: Option<PrioritiesFile>,
    in_file: &dyn Fn(&str) -> String,
) -> anyhow::Result<PriorityWeights> {
    let file = file.unwrap_or_default();
    let d = PriorityWeights::default();
    let w = PriorityWeights {
        demand: file.demand.unwrap_or(d.demand),
        complexity: file.complexity.unwrap_or(d.complexity),
        alignment: file.alignment.unwrap_or(d.alignment),
        reuse: file.reuse.unwrap_or(d.reuse),
        readiness: file.readiness.unwrap_or(d.readiness),
    };
    match w.validate() {
        Ok(()) => Ok(w),
        Err(WeightsError::Invalid(name)) => bail!(
            "{}: expected a number of 0 or more",
            in_file(&format!("priorities.{name}"))
        ),
        Err(WeightsError::AllZero(axis)) => {
            let keys: &[&str] = if axis == "impact" {
                &["demand", "complexity", "alignment"]
            } else {
                &["reuse", "readiness"]
            };
            let names: Vec<String> = keys
                .iter()
                .map(|k| in_file(&format!("priorities.{k}")))
                .collect();
            bail!(
                "{}: at least one {axis} weight must be above 0",
                names.join(", ")
            )
        }
    }
}

/// The limits of `[server]`, the defaults filling the gaps.
fn server_limits(
    file: Option<ServerFile>,
    in_file: &dyn Fn(&str) -> String,
) -> anyhow::Result<agenda_web::ServerLimits> {
    let file = file.unwrap_or_default();
    let d = agenda_web::ServerLimits::default();
    let timeout = |text: Option<String>, default, key: &str| match text {
        None => Ok(default),
        Some(t) => duration(&t).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: {t:?}; expected a number and a unit, such as 10s or 2m",
                in_file(&format!("server.{key}"))
            )
        }),
    };
    Ok(agenda_web::ServerLimits {
        header_timeout: timeout(file.header_timeout, d.header_timeout, "header_timeout")?,
        body_timeout: timeout(file.body_timeout, d.body_timeout, "body_timeout")?,
        keep_alive_timeout: timeout(
            file.keep_alive_timeout,
            d.keep_alive_timeout,
            "keep_alive_timeout",
        )?,
        max_connections_per_client: file
            .max_connections_per_client
            .unwrap_or(d.max_connections_per_client),
    })
}

/// Parses a duration such as `90s`, `30m`, `1h` or `1d`.
fn duration(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    let unit = match text.chars().last()? {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    };
    let n: u64 = text[..text.len() - 1].trim().parse().ok()?;
    if n == 0 {
        return None;
    }
    Some(std::time::Duration::from_secs(n.checked_mul(unit)?))
}

/// The subscription settings from `[subscriptions]` and the mail server: `None` when there is
/// no mail server or subscriptions are turned off.
fn subscription_settings(
    file: Option<SubscriptionsFile>,
    smtp: Option<agenda_jobs::SmtpSettings>,
    listen_addr: SocketAddr,
    in_file: &dyn Fn(&str) -> String,
) -> anyhow::Result<Option<agenda_jobs::SubscriptionSettings>> {
    let file = file.unwrap_or_default();
    let interval_text = file.digest_interval.unwrap_or_else(|| "1d".to_owned());
    let digest_interval = duration(&interval_text).ok_or_else(|| {
        anyhow::anyhow!(
            "{}: {interval_text:?}; expected a number and a unit, such as 12h, 1d or 7d",
            in_file("subscriptions.digest_interval")
        )
    })?;
    let base_url = file
        .base_url
        .unwrap_or_else(|| format!("http://{listen_addr}"))
        .trim()
        .trim_end_matches('/')
        .to_owned();
    let host = base_url
        .strip_prefix("https://")
        .or_else(|| base_url.strip_prefix("http://"))
        .unwrap_or("");
    if host.is_empty() || host.contains(['/', '?', '#', ' ']) {
        bail!(
            "{}: {base_url:?}; expected the platform's public address, such as https://agenda.gov.example",
            in_file("subscriptions.base_url")
        );
    }
    let Some(smtp) = smtp else {
        if file.enabled == Some(true) {
            bail!(
                "{}: subscriptions need a mail server; set {}",
                in_file("subscriptions.enabled"),
                in_file("smtp.host")
            );
        }
        return Ok(None);
    };
    if file.enabled == Some(false) {
        return Ok(None);
    }
    Ok(Some(agenda_jobs::SubscriptionSettings {
        smtp,
        base_url,
        digest_interval,
    }))
}

/// The reminder settings from `[smtp]`, `[reminders]` and the password variable: `None` when
/// no SMTP host is set or reminders are turned off.
#[cfg(test)]
fn reminder_settings(
    smtp: Option<SmtpFile>,
    reminders: Option<RemindersFile>,
    env_password: Option<String>,
    in_file: &dyn Fn(&str) -> String,
) -> anyhow::Result<Option<agenda_jobs::ReminderSettings>> {
    Ok(mail_settings(smtp, reminders, env_password, in_file)?.1)
}

/// The mail server (`None` without `smtp.host`) and the reminder settings (`None` also when
/// reminders are turned off) from `[smtp]`, `[reminders]` and the password variable.
fn mail_settings(
    smtp: Option<SmtpFile>,
    reminders: Option<RemindersFile>,
    env_password: Option<String>,
    in_file: &dyn Fn(&str) -> String,
) -> anyhow::Result<(
    Option<agenda_jobs::SmtpSettings>,
    Option<agenda_jobs::ReminderSettings>,
)> {
    use agenda_jobs::{ReminderSettings, SmtpSecurity, SmtpSettings, check_mailbox};
    let smtp = smtp.unwrap_or_default();
    let reminders = reminders.unwrap_or_default();
    let host = smtp.host.map(|h| h.trim().to_owned());
    if host.as_deref() == Some("") {
        bail!(
            "{}: empty; remove it to turn reminders off",
            in_file("smtp.host")
        );
    }
    let days_before = reminders.days_before.unwrap_or(7);
    if days_before > 366 {
        bail!(
            "{}: {days_before} days; expected at most 366",
            in_file("reminders.days_before")
        );
    }
    let interval_text = reminders.interval.unwrap_or_else(|| "1h".to_owned());
    let interval = duration(&interval_text).ok_or_else(|| {
        anyhow::anyhow!(
            "{}: {interval_text:?}; expected a number and a unit, such as 30m, 1h or 1d",
            in_file("reminders.interval")
        )
    })?;
    let security_text = smtp.security.unwrap_or_else(|| "starttls".to_owned());
    let security = SmtpSecurity::parse(&security_text).ok_or_else(|| {
        anyhow::anyhow!(
            "{}: {security_text:?}; expected none, starttls or tls",
            in_file("smtp.security")
        )
    })?;
    if smtp.port == Some(0) {
        bail!("{}: 0 is not a port", in_file("smtp.port"));
    }
    let password = env_password.or(smtp.password);
    if smtp.username.is_some() != password.is_some() {
        bail!(
            "{} and {} / {SMTP_PASSWORD_ENV}: give both or neither",
            in_file("smtp.username"),
            in_file("smtp.password")
        );
    }
    let Some(host) = host else {
        if reminders.enabled == Some(true) {
            bail!(
                "{}: reminders need a mail server; set {}",
                in_file("reminders.enabled"),
                in_file("smtp.host")
            );
        }
        return Ok((None, None));
    };
    let from = smtp
        .from
        .ok_or_else(|| anyhow::anyhow!("{}: needed to send mail", in_file("smtp.from")))?;
    check_mailbox(&from).map_err(|e| anyhow::anyhow!("{}: {e}", in_file("smtp.from")))?;
    let server = SmtpSettings {
        host,
        port: smtp.port.unwrap_or(security.default_port()),
        from,
        security,
        username: smtp.username,
        password,
    };
    if reminders.enabled == Some(false) {
        return Ok((Some(server), None));
    }
    Ok((
        Some(server.clone()),
        Some(ReminderSettings {
            smtp: server,
            cycle: agenda_core::reporting::ReportingCycle::default(),
            days_before,
            interval,
        }),
    ))
}

/// Reads the logo file; the type comes from its extension.
fn read_logo(path: &Path) -> Result<(Vec<u8>, &'static str), String> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let content_type = match ext.as_str() {
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        _ => {
            return Err(format!(
                "{}: expected a .png, .svg, .jpg or .webp file",
                path.display()
            ));
        }
    };
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok((bytes, content_type))
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--config / AGENDA_CONFIG: cannot read {}", path.display()))?;
    toml::from_str(&text)
        .with_context(|| format!("{} is not a valid configuration", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_in_the_database_scheme_names_the_setting() {
        let o = Overrides {
            database_url: Some("sqllite:///tmp/x.db".into()),
            ..Overrides::default()
        };
        let err = Config::load(&o, None).unwrap_err().to_string();
        assert!(err.contains("AGENDA_DATABASE_URL"), "{err}");
    }

    #[test]
    fn a_bad_listen_address_names_the_setting() {
        let err = Config::load(&Overrides::default(), Some("localhost"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("--addr"), "{err}");
    }

    fn reminders_from(
        toml_text: &str,
        env_password: Option<&str>,
    ) -> anyhow::Result<Option<agenda_jobs::ReminderSettings>> {
        let file: FileConfig = toml::from_str(toml_text)?;
        reminder_settings(
            file.smtp,
            file.reminders,
            env_password.map(str::to_owned),
            &|k: &str| format!("{k} in agenda.toml"),
        )
    }

    #[test]
    fn reminders_are_off_without_a_mail_server() {
        assert!(reminders_from("", None).unwrap().is_none());
        assert!(
            reminders_from("[reminders]\ndays_before = 3\n", None)
                .unwrap()
                .is_none()
        );
        let err = reminders_from("[reminders]\nenabled = true\n", None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("reminders.enabled") && err.contains("smtp.host"),
            "{err}"
        );
        let off = "[smtp]\nhost = \"mail.gov.example\"\nfrom = \"a@gov.example\"\n[reminders]\nenabled = false\n";
        assert!(reminders_from(off, None).unwrap().is_none());
    }

    #[test]
    fn reminder_settings_have_defaults_and_the_password_may_come_from_the_environment() {
        use agenda_jobs::SmtpSecurity;
        let text = "[smtp]\nhost = \"mail.gov.example\"\nfrom = \"Agenda <agenda@gov.example>\"\nusername = \"agenda\"\npassword = \"in-file\"\n";
        let r = reminders_from(text, None).unwrap().unwrap();
        assert_eq!(r.smtp.security, SmtpSecurity::StartTls);
        assert_eq!(r.smtp.port, 587);
        assert_eq!(r.days_before, 7);
        assert_eq!(r.interval, std::time::Duration::from_secs(3600));
        assert_eq!(r.smtp.password.as_deref(), Some("in-file"));
        let r = reminders_from(text, Some("from-env")).unwrap().unwrap();
        assert_eq!(r.smtp.password.as_deref(), Some("from-env"));
        assert!(
            !format!("{r:?}").contains("from-env"),
            "the password is never printed"
        );
        let plain = "[smtp]\nhost = \"127.0.0.1\"\nfrom = \"a@gov.example\"\nsecurity = \"none\"\n[reminders]\ndays_before = 3\ninterval = \"30m\"\n";
        let r = reminders_from(plain, None).unwrap().unwrap();
        assert_eq!((r.smtp.security, r.smtp.port), (SmtpSecurity::None, 25));
        assert_eq!(r.days_before, 3);
        assert_eq!(r.interval, std::time::Duration::from_secs(1800));
    }

    #[test]
    fn bad_reminder_settings_name_the_setting() {
        let base = "[smtp]\nhost = \"mail.gov.example\"\nfrom = \"a@gov.example\"\n";
        for (extra, setting) in [
            ("security = \"ssl\"\n", "smtp.security"),
            ("port = 0\n", "smtp.port"),
            ("username = \"u\"\n", "smtp.username"),
            ("[reminders]\ninterval = \"soon\"\n", "reminders.interval"),
            ("[reminders]\ninterval = \"0h\"\n", "reminders.interval"),
            ("[reminders]\ndays_before = 400\n", "reminders.days_before"),
        ] {
            let err = reminders_from(&format!("{base}{extra}"), None)
                .unwrap_err()
                .to_string();
            assert!(err.contains(setting), "{extra}: {err}");
        }
        let err = reminders_from("[smtp]\nhost = \"mail.gov.example\"\n", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("smtp.from"), "{err}");
        let err = reminders_from("[smtp]\nhost = \"m\"\nfrom = \"not an address\"\n", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("smtp.from"), "{err}");
        assert!(reminders_from("[smtp]\nhots = \"typo\"\n", None).is_err());
    }

    fn weights_from(text: &str) -> anyhow::Result<PriorityWeights> {
        let file: FileConfig = toml::from_str(text)?;
        priority_weights(file.priorities, &|k: &str| k.to_owned())
    }

    #[test]
    fn priority_weights_default_to_the_analysis_and_are_validated() {
        assert_eq!(weights_from("").unwrap(), PriorityWeights::default());
        let w =
            weights_from("[priorities]\ndemand = 0\ncomplexity = 3\nreadiness = 0.5\n").unwrap();
        assert_eq!(
            w,
            PriorityWeights {
                demand: 0.0,
                complexity: 3.0,
                readiness: 0.5,
                ..PriorityWeights::default()
            }
        );
        for (text, setting) in [
            ("[priorities]\nreuse = -1\n", "priorities.reuse"),
            ("[priorities]\nalignment = nan\n", "priorities.alignment"),
            ("[priorities]\ndemand = inf\n", "priorities.demand"),
            (
                "[priorities]\nreuse = 0\nreadiness = 0\n",
                "priorities.readiness",
            ),
            (
                "[priorities]\ndemand = 0\ncomplexity = 0\nalignment = 0\n",
                "priorities.demand",
            ),
        ] {
            let err = weights_from(text).unwrap_err().to_string();
            assert!(err.contains(setting), "{text}: {err}");
        }
        assert!(weights_from("[priorities]\ndemnad = 1\n").is_err());
        assert!(weights_from("[priorities]\ndemand = \"high\"\n").is_err());
    }

    #[test]
    fn speech_languages_are_tags_of_their_channel_language() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("agenda.toml");
        let o = Overrides {
            config: Some(p.clone()),
            ..Overrides::default()
        };
        std::fs::write(&p, "[speech_languages]\nar = \"ar-MA\"\npt = \"pt-BR\"\n").unwrap();
        let c = Config::load(&o, None).unwrap();
        assert_eq!(c.speech_langs.tag("ar"), "ar-MA");
        assert_eq!(c.speech_langs.tag("pt"), "pt-BR");
        assert_eq!(c.speech_langs.tag("fr"), "fr-FR", "the default");
        for text in [
            "[speech_languages]\nar = \"fr-MA\"\n",
            "[speech_languages]\nde = \"de-DE\"\n",
            "[speech_languages]\npt = \"pt BR\"\n",
        ] {
            std::fs::write(&p, text).unwrap();
            let err = Config::load(&o, None).unwrap_err().to_string();
            assert!(err.contains("speech_languages"), "{text}: {err}");
        }
    }

    #[test]
    fn file_settings_are_validated() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("agenda.toml");
        std::fs::write(
            &p,
            "country = \"Testland\"\n[colours]\nprimary = \"blue\"\n",
        )
        .unwrap();
        let o = Overrides {
            config: Some(p.clone()),
            ..Overrides::default()
        };
        let err = Config::load(&o, None).unwrap_err().to_string();
        assert!(err.contains("colours.primary"), "{err}");
        std::fs::write(
            &p,
            "country = \"Testland\"\nlisten_addr = \"0.0.0.0:9000\"\n",
        )
        .unwrap();
        let c = Config::load(&o, None).unwrap();
        assert_eq!(c.country, "Testland");
        assert_eq!(c.listen_addr.port(), 9000);
        assert_eq!(c.currency, "USD", "the demo's currency when none is set");
        assert_eq!(c.arabic_digits, Default::default());
        std::fs::write(&p, "arabic_digits = \"arabic-indic\"\n").unwrap();
        assert_eq!(
            Config::load(&o, None).unwrap().arabic_digits,
            agenda_core::numbers::ArabicDigits::ArabicIndic
        );
        std::fs::write(&p, "arabic_digits = \"hindi\"\n").unwrap();
        let err = Config::load(&o, None).unwrap_err().to_string();
        assert!(
            err.contains("arabic_digits") && err.contains("arabic-indic"),
            "{err}"
        );
        std::fs::write(&p, "currency = \"xof\"\n").unwrap();
        assert_eq!(Config::load(&o, None).unwrap().currency, "XOF");
        for bad in ["\"CF4\"", "\"EURO\"", "\"$\"", "\"\""] {
            std::fs::write(&p, format!("currency = {bad}\n")).unwrap();
            let err = Config::load(&o, None).unwrap_err().to_string();
            assert!(
                err.contains("currency") && err.contains("ISO 4217"),
                "{err}"
            );
        }
        std::fs::write(&p, "[priorities]\nreuse = -2\n").unwrap();
        let err = Config::load(&o, None).unwrap_err().to_string();
        assert!(
            err.contains(&format!("priorities.reuse in {}", p.display())),
            "{err}"
        );
        std::fs::write(&p, "contry = \"typo\"\n").unwrap();
        assert!(Config::load(&o, None).is_err());
    }

    #[test]
    fn a_regions_file_is_read_at_start_up_and_a_bad_one_names_the_setting() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("agenda.toml");
        let geo = dir.path().join("regions.geojson");
        let o = Overrides {
            config: Some(p.clone()),
            ..Overrides::default()
        };
        std::fs::write(&geo, agenda_io::embedded::DEMO_REGIONS).unwrap();
        std::fs::write(&p, format!("regions = {:?}\n", geo.display().to_string())).unwrap();
        let c = Config::load(&o, None).unwrap();
        assert_eq!(c.regions.unwrap().regions.len(), 3);
        std::fs::write(&geo, r#"{"type":"FeatureCollection","features":[]}"#).unwrap();
        let err = Config::load(&o, None).unwrap_err().to_string();
        assert!(
            err.contains("regions") && err.contains("no feature"),
            "{err}"
        );
    }

    #[test]
    fn content_languages_default_to_the_interface_s_and_name_the_default_first() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("agenda.toml");
        let o = Overrides {
            config: Some(p.clone()),
            ..Overrides::default()
        };
        std::fs::write(&p, "").unwrap();
        let c = Config::load(&o, None).unwrap();
        assert_eq!(c.content.default_lang().as_str(), "en");
        assert_eq!(c.content.langs().len(), agenda_web::site::LANGS.len());
        std::fs::write(
            &p,
            "languages = [\"fr\", \"en\"]\ncontent_languages = [\"fr\", \"wo\", \"pt-BR\"]\n\
             [fallback]\nwo = [\"pt-BR\"]\n",
        )
        .unwrap();
        let c = Config::load(&o, None).unwrap();
        assert_eq!(c.content.default_lang().as_str(), "fr");
        assert_eq!(c.content.chain("wo"), ["wo", "pt-BR", "fr"]);
        std::fs::write(
            &p,
            "content_languages = [\"fr\"]\n[fallback]\nwo = [\"fr\"]\n",
        )
        .unwrap();
        let err = Config::load(&o, None).unwrap_err().to_string();
        assert!(
            err.contains("fallback.wo") && err.contains("not one of the content languages"),
            "{err}"
        );
        std::fs::write(&p, "content_languages = [\"Français\"]\n").unwrap();
        let err = Config::load(&o, None).unwrap_err().to_string();
        assert!(err.contains("content_languages"), "{err}");
    }
}
