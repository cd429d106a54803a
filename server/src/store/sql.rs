//! Statements that run on either database: the store's modules pass SQL
//! text with `?1, ?2, …` placeholders, parameters as [`Param`]s (built by
//! [`args!`]) and read rows through [`Row::get`]; this module binds them
//! with rusqlite on SQLite and with the `postgres` client on PostgreSQL
//! (which numbers its placeholders `$1, $2, …`).
//!
//! Values cross as four kinds only: NULL, a 64-bit integer, text and
//! bytes (and, for PostgreSQL's `= ANY(?n)`, a list of texts). Dates stay
//! ISO-8601 text on both backends, so comparisons and orderings written
//! for one hold on the other.

use super::{Conn, ReadTx, StoreError, WriteTx};

/// One bound parameter.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    /// SQL NULL.
    Null,
    /// An integer (a flag binds as 0 or 1).
    Int(i64),
    /// Text.
    Text(&'a str),
    /// Bytes (SQLite BLOB, PostgreSQL BYTEA).
    Bytes(&'a [u8]),
    /// Texts, for PostgreSQL's `= ANY(?n)` (SQLite reads them as a JSON
    /// array through `json_each`).
    Texts(&'a [String]),
    /// Byte strings, for PostgreSQL's `unnest(?n::bytea[])` (many rows in
    /// one statement; not on SQLite).
    ByteStrings(&'a [Vec<u8>]),
}

/// What can be bound as a [`Param`].
pub trait ToParam {
    /// This value as a parameter.
    fn param(&self) -> Param<'_>;
}

impl ToParam for i64 {
    fn param(&self) -> Param<'_> {
        Param::Int(*self)
    }
}

impl ToParam for i32 {
    fn param(&self) -> Param<'_> {
        Param::Int(i64::from(*self))
    }
}

impl ToParam for u32 {
    fn param(&self) -> Param<'_> {
        Param::Int(i64::from(*self))
    }
}

impl ToParam for bool {
    fn param(&self) -> Param<'_> {
        Param::Int(i64::from(*self))
    }
}

impl ToParam for str {
    fn param(&self) -> Param<'_> {
        Param::Text(self)
    }
}

impl ToParam for String {
    fn param(&self) -> Param<'_> {
        Param::Text(self)
    }
}

impl ToParam for [u8] {
    fn param(&self) -> Param<'_> {
        Param::Bytes(self)
    }
}

impl ToParam for Vec<u8> {
    fn param(&self) -> Param<'_> {
        Param::Bytes(self)
    }
}

impl ToParam for [String] {
    fn param(&self) -> Param<'_> {
        Param::Texts(self)
    }
}

impl ToParam for [Vec<u8>] {
    fn param(&self) -> Param<'_> {
        Param::ByteStrings(self)
    }
}

impl ToParam for Vec<String> {
    fn param(&self) -> Param<'_> {
        Param::Texts(self)
    }
}

impl ToParam for Vec<Vec<u8>> {
    fn param(&self) -> Param<'_> {
        Param::ByteStrings(self)
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn param(&self) -> Param<'_> {
        (**self).param()
    }
}

impl<T: ToParam> ToParam for Option<T> {
    fn param(&self) -> Param<'_> {
        self.as_ref().map_or(Param::Null, ToParam::param)
    }
}

/// The parameters of one statement, in placeholder order:
/// `args![id, person_id, snapshot]`.
macro_rules! args {
    ($($value:expr),* $(,)?) => {
        &[$($crate::store::sql::ToParam::param(&$value)),*][..]
    };
}
pub(in crate::store) use args;

/// A value read from a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// An integer (SQLite INTEGER; PostgreSQL SMALLINT, INTEGER, BIGINT or
    /// BOOLEAN).
    Int(i64),
    /// Text.
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
}

impl Value {
    /// What kind of value this is, for errors.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Int(_) => "an integer",
            Value::Text(_) => "text",
            Value::Bytes(_) => "bytes",
        }
    }
}

/// What a column can be read as.
pub trait Column: Sized {
    /// The value as this type, or `None` when it is of another kind.
    fn from_value(value: Value) -> Option<Self>;
}

impl Column for i64 {
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Int(n) => Some(n),
            _ => None,
        }
    }
}

impl Column for i32 {
    fn from_value(value: Value) -> Option<Self> {
        i64::from_value(value).and_then(|n| i32::try_from(n).ok())
    }
}

impl Column for u32 {
    fn from_value(value: Value) -> Option<Self> {
        i64::from_value(value).and_then(|n| u32::try_from(n).ok())
    }
}

impl Column for bool {
    fn from_value(value: Value) -> Option<Self> {
        i64::from_value(value).map(|n| n != 0)
    }
}

impl Column for String {
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }
}

impl Column for Vec<u8> {
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }
}

impl<T: Column> Column for Option<T> {
    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// One row of a result, on either database.
pub enum Row<'r> {
    /// A SQLite row.
    Sqlite(&'r rusqlite::Row<'r>),
    /// A PostgreSQL row.
    Postgres(&'r postgres::Row),
}

impl Row<'_> {
    /// Column `index` (from 0) as `T`.
    pub fn get<T: Column>(&self, index: usize) -> Result<T, StoreError> {
        let value = match self {
            Row::Sqlite(row) => super::sqlite::value(row, index)?,
            Row::Postgres(row) => super::postgres::value(row, index)?,
        };
        let found = value.kind();
        T::from_value(value).ok_or(StoreError::ColumnType {
            index,
            wanted: std::any::type_name::<T>(),
            found,
        })
    }
}

impl ReadTx<'_> {
    /// Hands each row `sql` returns to `visit`, in order, until it
    /// answers `false` (the rest are not read). `visit` must not run
    /// statements on this transaction: PostgreSQL streams the rows over
    /// the one connection (it would panic on the second borrow).
    pub fn each(
        &self,
        sql: &str,
        args: &[Param<'_>],
        mut visit: impl FnMut(&Row<'_>) -> Result<bool, StoreError>,
    ) -> Result<(), StoreError> {
        match &self.conn {
            Conn::Sqlite(conn) => super::sqlite::each(conn, sql, args, &mut visit),
            Conn::Postgres(conn) => conn.borrow_mut().each(sql, args, &mut visit),
        }
    }

    /// Every row `sql` returns, each made into a `T` by `map`.
    pub fn rows<T>(
        &self,
        sql: &str,
        args: &[Param<'_>],
        mut map: impl FnMut(&Row<'_>) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        self.each(sql, args, |row| {
            out.push(map(row)?);
            Ok(true)
        })?;
        Ok(out)
    }

    /// The first row `sql` returns, made into a `T` by `map`, if there is one.
    pub fn optional<T>(
        &self,
        sql: &str,
        args: &[Param<'_>],
        map: impl FnOnce(&Row<'_>) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let (mut map, mut out) = (Some(map), None);
        self.each(sql, args, |row| {
            if let Some(map) = map.take() {
                out = Some(map(row)?);
            }
            Ok(false)
        })?;
        Ok(out)
    }

    /// The one value of the first row of `sql` (an aggregate that always
    /// returns a row).
    pub fn value<T: Column>(&self, sql: &str, args: &[Param<'_>]) -> Result<T, StoreError> {
        self.optional(sql, args, |row| row.get(0))?
            .ok_or(StoreError::NoRow)
    }

    /// Which database this transaction is on, for the few statements
    /// whose SQL differs.
    pub fn dialect(&self) -> Dialect {
        match self.conn {
            Conn::Sqlite(_) => Dialect::Sqlite,
            Conn::Postgres(_) => Dialect::Postgres,
        }
    }
}

impl WriteTx<'_> {
    /// Runs a statement that returns no rows; the number of rows it changed.
    pub fn execute(&self, sql: &str, args: &[Param<'_>]) -> Result<usize, StoreError> {
        match &self.conn {
            Conn::Sqlite(conn) => super::sqlite::execute(conn, sql, args),
            Conn::Postgres(conn) => conn.borrow_mut().execute(sql, args),
        }
    }

    /// Runs a writing statement with a `RETURNING` clause; what it
    /// returned of the first row it wrote, if it wrote one.
    pub fn returning<T>(
        &self,
        sql: &str,
        args: &[Param<'_>],
        map: impl FnOnce(&Row<'_>) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        self.optional(sql, args, map)
    }
}

/// The SQL dialects the store speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// `sql` with SQLite's `?N` placeholders renumbered as PostgreSQL's `$N`
/// (a `?` inside a quoted string or identifier is left alone).
pub fn numbered_for_postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match (quote, c) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '?') => {
                out.push('$');
                continue;
            }
            (None, _) => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_renumbered_outside_quotes_only() {
        assert_eq!(
            numbered_for_postgres("SELECT a FROM t WHERE b = ?1 AND c = '?' AND d > ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = '?' AND d > $12"
        );
    }

    #[test]
    fn columns_refuse_values_of_another_kind() {
        assert_eq!(i64::from_value(Value::Int(7)), Some(7));
        assert_eq!(bool::from_value(Value::Int(1)), Some(true));
        assert_eq!(String::from_value(Value::Int(7)), None);
        assert_eq!(<Option<String>>::from_value(Value::Null), Some(None));
        assert_eq!(<Vec<u8>>::from_value(Value::Null), None);
    }
}
