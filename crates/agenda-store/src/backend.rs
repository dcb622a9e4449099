//! Which database a URL points at, and the few things that differ between them.

use std::path::Path;

use crate::StoreError;

/// The database behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// A SQLite file (`sqlite://PATH`, `sqlite:PATH`).
    Sqlite,
    /// A PostgreSQL server (`postgres://…`, `postgresql://…`).
    Postgres,
}

impl Backend {
    /// Chooses the backend from the URL scheme. Anything but `sqlite:`, `postgres:` and
    /// `postgresql:` is refused — a typo must never silently become an empty SQLite file.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(StoreError::UnknownScheme {
                scheme: scheme.to_owned(),
            }),
        }
    }

    /// Its name: `sqlite` or `postgres`, also the name of its migrations folder.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// The statement that opens a write transaction. SQLite's `BEGIN IMMEDIATE` takes the
    /// write lock at once (waiting up to the busy timeout) instead of failing later when a
    /// read transaction tries to upgrade.
    pub(crate) fn begin_write(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }

    /// The statement that opens a read transaction seeing one consistent state of every
    /// table while writers go on: on SQLite (WAL) a deferred transaction keeps the snapshot
    /// its first read takes; PostgreSQL needs `REPEATABLE READ` for that.
    pub(crate) fn begin_read(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN",
            Backend::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        }
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The file of a SQLite URL, `None` for an in-memory database. `sqlite:///abs/path` is the
/// absolute path `/abs/path`, `sqlite://rel/path` and `sqlite:rel/path` are relative.
pub(crate) fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split_once('?').map(|(p, _)| p).unwrap_or(rest);
    if path.is_empty() || path == ":memory:" || url.contains("mode=memory") {
        None
    } else {
        Some(path)
    }
}

/// Creates a missing SQLite file and its parent directory, so the first start of a
/// deployment works without preparation.
pub(crate) fn create_sqlite_file(path: &str) -> Result<(), StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_owned(),
        source,
    };
    let p = Path::new(path);
    if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(p)
        .map_err(io)?;
    Ok(())
}

/// The URL with any password replaced by `***`, for logs and `Debug` output.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_schemes_choose_their_backend() {
        assert_eq!(Backend::from_url("sqlite://a.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::from_url("sqlite:a.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db").unwrap(),
            Backend::Postgres
        );
    }

    #[test]
    fn unknown_schemes_are_named_in_the_error() {
        for (url, scheme) in [
            ("sqllite://x", "sqllite"),
            ("mysql://u@h/db", "mysql"),
            ("/var/lib/agenda.db", ""),
        ] {
            match Backend::from_url(url) {
                Err(StoreError::UnknownScheme { scheme: s }) => assert_eq!(s, scheme),
                other => panic!("{url}: {other:?}"),
            }
        }
        let msg = Backend::from_url("sqllite://x").unwrap_err().to_string();
        assert!(
            msg.contains("\"sqllite\"") && msg.contains("sqlite://") && msg.contains("postgres://")
        );
    }

    #[test]
    fn sqlite_paths_follow_the_url_forms() {
        assert_eq!(sqlite_path("sqlite:///abs/x.db"), Some("/abs/x.db"));
        assert_eq!(sqlite_path("sqlite://rel/x.db?mode=rwc"), Some("rel/x.db"));
        assert_eq!(sqlite_path("sqlite:x.db"), Some("x.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://me:secret@db:5432/agenda?sslmode=disable"),
            "postgres://me:***@db:5432/agenda?sslmode=disable"
        );
        assert_eq!(
            redact_url("postgres://me@db/agenda"),
            "postgres://me@db/agenda"
        );
        assert_eq!(redact_url("sqlite:///a/b.db"), "sqlite:///a/b.db");
    }
}
