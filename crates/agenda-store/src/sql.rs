//! A small builder of SQL text with bound values, writing each backend's best placeholder:
//! `$1, $2, …` for PostgreSQL (sqlx's `QueryBuilder` writes `?` for the `Any` driver, which
//! PostgreSQL rejects) and `?` for SQLite, which looks every `$N` up by name among those
//! seen so far — quadratic in a statement of 30,000 values.

use std::fmt::Write;

use sqlx::any::{AnyArguments, AnyQueryResult, AnyRow};
use sqlx::error::BoxDynError;
use sqlx::{Any, AnyConnection, Arguments, AssertSqlSafe, Encode, Type};

use crate::Backend;

/// SQL text and the values bound to its placeholders.
pub(crate) struct Sql {
    backend: Backend,
    text: String,
    args: AnyArguments,
    count: usize,
    error: Option<BoxDynError>,
}

impl Sql {
    /// Starts with `text`.
    pub(crate) fn new(backend: Backend, text: &str) -> Sql {
        Sql {
            backend,
            text: text.to_owned(),
            args: AnyArguments::default(),
            count: 0,
            error: None,
        }
    }

    /// Appends SQL text.
    pub(crate) fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends the next placeholder and binds `value` to it.
    pub(crate) fn bind<'t, T: Encode<'t, Any> + Type<Any>>(&mut self, value: T) -> &mut Sql {
        self.count += 1;
        match self.backend {
            Backend::Sqlite => self.text.push('?'),
            Backend::Postgres => {
                let _ = write!(self.text, "${}", self.count);
            }
        }
        if let Err(e) = self.args.add(value)
            && self.error.is_none()
        {
            self.error = Some(e);
        }
        self
    }

    /// Runs the statement.
    pub(crate) async fn execute(
        self,
        conn: &mut AnyConnection,
    ) -> Result<AnyQueryResult, sqlx::Error> {
        if let Some(e) = self.error {
            return Err(sqlx::Error::Encode(e));
        }
        sqlx::query_with(AssertSqlSafe(self.text), self.args)
            .execute(conn)
            .await
    }

    /// Runs the query and returns every row.
    pub(crate) async fn fetch_all<'e, E>(self, executor: E) -> Result<Vec<AnyRow>, sqlx::Error>
    where
        E: sqlx::Executor<'e, Database = Any>,
    {
        if let Some(e) = self.error {
            return Err(sqlx::Error::Encode(e));
        }
        sqlx::query_with(AssertSqlSafe(self.text), self.args)
            .fetch_all(executor)
            .await
    }
}
