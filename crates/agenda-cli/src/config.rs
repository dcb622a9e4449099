//! Configuration in one typed place: defaults, then an optional `agenda.toml`, then `AGENDA_*`
//! environment variables, then command-line flags (clap merges the last two). Validated once at
//! start-up; every error names the setting and where it can be set.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

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
    /// Logo: path or URL.
    pub logo: Option<String>,
    /// Brand colours.
    pub colours: Option<Colours>,
    /// Database URL.
    pub database_url: Option<String>,
    /// Listen address, `host:port`.
    pub listen_addr: Option<String>,
    /// Data directory.
    pub data_dir: Option<PathBuf>,
    /// Log format: `text` or `json`.
    pub log_format: Option<String>,
    /// Mark session cookies `Secure` (default true; browsers accept them on localhost over
    /// plain HTTP too).
    pub secure_cookies: Option<bool>,
}

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
    /// Logo file (PNG, SVG, JPEG or WebP), read at start-up.
    pub logo: Option<(Vec<u8>, &'static str)>,
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
    /// Log format.
    pub log_format: LogFormat,
    /// Whether session cookies are marked `Secure`.
    pub secure_cookies: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("country", &self.country)
            .field("languages", &self.languages)
            .field("database_url", &redact(&self.database_url))
            .field("listen_addr", &self.listen_addr)
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

pub use agenda_store::redact_url as redact;

/// Default listen address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

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

        let languages = file
            .languages
            .unwrap_or_else(|| vec!["en".into(), "fr".into(), "es".into()]);
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
        let colours = file.colours.unwrap_or_default();
        Ok(Self {
            country: file.country.unwrap_or_else(|| "Demo Republic".to_owned()),
            languages,
            logo: file
                .logo
                .map(|p| {
                    read_logo(Path::new(&p))
                        .map_err(|e| anyhow::anyhow!("{}: {e}", in_file("logo")))
                })
                .transpose()?,
            primary_colour: colour(colours.primary, "#1d3f72", &in_file("colours.primary"))?,
            accent_colour: colour(colours.accent, "#ffbf47", &in_file("colours.accent"))?,
            database_url,
            listen_addr,
            data_dir,
            log_format,
            secure_cookies: file.secure_cookies.unwrap_or(true),
        })
    }
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
        std::fs::write(&p, "contry = \"typo\"\n").unwrap();
        assert!(Config::load(&o, None).is_err());
    }
}
