//! One PostgreSQL connection and [`sql`](crate::store::sql)'s statements
//! on it: each statement prepared once per connection, parameters bound
//! to the types PostgreSQL inferred for them, values read by their type.

use super::pool::Slot;
use crate::store::StoreError;
use crate::store::sql::{Param, Row, Value, numbered_for_postgres};
use bytes::BytesMut;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use std::collections::HashMap;
use std::error::Error;

/// What a conversion to or from PostgreSQL's types returns on failure.
type ConversionError = Box<dyn Error + Sync + Send>;

/// What a connection is opened with.
#[derive(Clone)]
pub(super) struct Connector {
    /// Where and as whom.
    pub(super) config: postgres::Config,
    /// TLS, as the URL's `sslmode` asks.
    pub(super) tls: tokio_postgres_rustls::MakeRustlsConnect,
    /// This store's name in the notifications its commits send
    /// (`listen.rs`), so it does not hear its own.
    pub(super) instance: String,
}

impl Connector {
    /// Opens a connection in `slot` of its pool. Every connection commits
    /// with `synchronous_commit = on`, so a server configured otherwise
    /// cannot weaken what an acknowledgement stands on.
    pub(super) fn connect(&self, slot: Slot) -> Result<PgConn, StoreError> {
        let client = self.config.connect(self.tls.clone())?;
        let mut conn = PgConn::new(client, slot);
        // The instance is hex: nothing to quote.
        conn.batch(&format!(
            "SET synchronous_commit = on; SET tsunagu.instance = '{}'",
            self.instance
        ))?;
        Ok(conn)
    }
}

/// A client and the statements prepared on it.
pub struct PgConn {
    client: postgres::Client,
    /// Prepared statements by their SQL text as the store wrote it.
    statements: HashMap<String, postgres::Statement>,
    /// Its place in the pool, freed when it is dropped.
    _slot: Slot,
}

impl PgConn {
    /// Wraps a connected client holding `slot` of its pool.
    pub(super) fn new(client: postgres::Client, slot: Slot) -> Self {
        PgConn {
            client,
            statements: HashMap::new(),
            _slot: slot,
        }
    }

    /// Runs `sql` as a simple query (several statements, no parameters):
    /// transaction control and the schema.
    pub(super) fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.client.batch_execute(sql)?)
    }

    /// Whether the connection is broken (the server went away).
    pub(super) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, StoreError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(&numbered_for_postgres(sql))?;
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// Hands each row of `sql` to `visit` as it arrives, until it
    /// answers `false` (the rest are discarded unread).
    pub(in crate::store) fn each(
        &mut self,
        sql: &str,
        args: &[Param<'_>],
        visit: &mut dyn FnMut(&Row<'_>) -> Result<bool, StoreError>,
    ) -> Result<(), StoreError> {
        let statement = self.statement(sql)?;
        let mut rows = self.client.query_raw(&statement, args.iter())?;
        while let Some(row) = rows.next()? {
            if !visit(&Row::Postgres(&row))? {
                break;
            }
        }
        Ok(())
    }

    /// Runs `sql`; the rows it changed.
    pub(in crate::store) fn execute(
        &mut self,
        sql: &str,
        args: &[Param<'_>],
    ) -> Result<usize, StoreError> {
        let statement = self.statement(sql)?;
        let changed = self.client.execute(&statement, &bound(args))?;
        Ok(usize::try_from(changed).unwrap_or(usize::MAX))
    }
}

fn bound<'a>(args: &'a [Param<'a>]) -> Vec<&'a (dyn ToSql + Sync)> {
    args.iter().map(|arg| arg as &(dyn ToSql + Sync)).collect()
}

impl ToSql for Param<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, ConversionError> {
        match *self {
            Param::Null => Ok(IsNull::Yes),
            Param::Int(n) => match *ty {
                Type::INT8 => n.to_sql(ty, out),
                Type::INT4 => i32::try_from(n)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(n)?.to_sql(ty, out),
                Type::BOOL => (n != 0).to_sql(ty, out),
                _ => Err(format!("an integer cannot be bound as {ty}").into()),
            },
            // SQLite compares text with an integer column numerically;
            // so does this, for the few callers that hold an id as text.
            Param::Text(text) if matches!(*ty, Type::INT8 | Type::INT4 | Type::INT2) => {
                Param::Int(text.parse()?).to_sql(ty, out)
            }
            Param::Text(text) => text.to_sql(ty, out),
            Param::Bytes(bytes) => bytes.to_sql(ty, out),
            Param::Texts(texts) => texts.to_sql(ty, out),
            Param::ByteStrings(bytes) => bytes.to_sql(ty, out),
        }
    }

    /// Any type: [`Param::to_sql`] refuses what it cannot bind.
    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A column's value, whatever its type.
struct Cell(Value);

impl<'a> FromSql<'a> for Cell {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, ConversionError> {
        Ok(Cell(match *ty {
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Int(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Value::Int(i16::from_sql(ty, raw)?.into()),
            Type::BOOL => Value::Int(bool::from_sql(ty, raw)?.into()),
            Type::BYTEA => Value::Bytes(Vec::from_sql(ty, raw)?),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                Value::Text(String::from_sql(ty, raw)?)
            }
            _ => return Err(format!("the store does not read {ty} columns").into()),
        }))
    }

    fn from_sql_null(_: &Type) -> Result<Self, ConversionError> {
        Ok(Cell(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// Column `index` of `row`.
pub(in crate::store) fn value(row: &postgres::Row, index: usize) -> Result<Value, StoreError> {
    Ok(row.try_get::<_, Cell>(index)?.0)
}
