//! Reading automerge's storage format without decoding it: a bounded
//! cursor over bytes (LEB128 integers, length-prefixed fields, column
//! lists) and row counts of a column taken from its run lengths.

use super::{HASH_BYTES, LimitError};

/// A column's specification: its id, type and whether it is deflated.
#[derive(Debug, Clone, Copy)]
pub(super) struct Spec(pub(super) u32);

/// The column types of automerge's storage format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnType {
    /// Run-length encoded unsigned integers that count items in the
    /// columns grouped under them.
    Group,
    /// Run-length encoded unsigned integers (actor indices, integers,
    /// value metadata).
    Unsigned,
    /// Run-length encoded signed deltas.
    Delta,
    /// Alternating run lengths of false and true.
    Boolean,
    /// Run-length encoded strings.
    String,
    /// Raw bytes whose lengths another column gives.
    Raw,
}

impl Spec {
    pub(super) fn deflated(self) -> bool {
        self.0 & 0b1000 != 0
    }

    fn column_type(self) -> ColumnType {
        match self.0 & 0b111 {
            0 => ColumnType::Group,
            1 | 2 | 6 => ColumnType::Unsigned,
            3 => ColumnType::Delta,
            4 => ColumnType::Boolean,
            5 => ColumnType::String,
            _ => ColumnType::Raw,
        }
    }
}

/// The rows a column decodes to (for a group column, also the items it
/// groups), counted from run lengths; refused once over `limit`.
pub(super) fn rows(spec: Spec, data: &[u8], limit: u64) -> Result<u64, LimitError> {
    let mut input = Reader(data);
    let mut rows: u64 = 0;
    let mut grouped: u64 = 0;
    let over = |n: u64| n > limit;
    let column_type = spec.column_type();
    // Only a group column's values count items (of the columns under it).
    let value = |input: &mut Reader<'_>| -> Result<u64, LimitError> {
        match column_type {
            ColumnType::Group => input.uleb(),
            ColumnType::Unsigned => input.uleb().map(|_| 0),
            ColumnType::Delta => input.sleb().map(|_| 0),
            ColumnType::String => input.bytes_field().map(|_| 0),
            ColumnType::Boolean | ColumnType::Raw => Ok(0),
        }
    };
    match column_type {
        ColumnType::Raw => return Ok(0),
        ColumnType::Boolean => {
            while !input.0.is_empty() {
                rows = rows.saturating_add(input.uleb()?);
                if over(rows) {
                    break;
                }
            }
        }
        _ => {
            while !input.0.is_empty() && !over(rows) && !over(grouped) {
                let run = input.sleb()?;
                if run > 0 {
                    let run = run.unsigned_abs();
                    let v = value(&mut input)?;
                    rows = rows.saturating_add(run);
                    grouped = grouped.saturating_add(run.saturating_mul(v));
                } else if run < 0 {
                    // Each literal takes at least one byte: the loop ends
                    // with the data, whatever the run claims.
                    for _ in 0..run.unsigned_abs() {
                        grouped = grouped.saturating_add(value(&mut input)?);
                        rows += 1;
                    }
                } else {
                    rows = rows.saturating_add(input.uleb()?);
                }
            }
        }
    }
    let most = rows.max(grouped);
    if over(most) {
        return Err(LimitError::TooLarge {
            what: "the number of operations",
            limit,
        });
    }
    Ok(most)
}

/// A cursor over bytes that never reads past their end.
pub(super) struct Reader<'a>(pub(super) &'a [u8]);

impl<'a> Reader<'a> {
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], LimitError> {
        if n > self.0.len() {
            return Err(LimitError::Malformed("truncated"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    pub(super) fn byte(&mut self) -> Result<u8, LimitError> {
        Ok(self.take(1)?[0])
    }

    pub(super) fn uleb(&mut self) -> Result<u64, LimitError> {
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(LimitError::Malformed("integer too long"))
    }

    pub(super) fn sleb(&mut self) -> Result<i64, LimitError> {
        let mut value: i64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= i64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                if shift < 57 && byte & 0x40 != 0 {
                    value |= -1 << (shift + 7);
                }
                return Ok(value);
            }
        }
        Err(LimitError::Malformed("integer too long"))
    }

    /// A length that must fit in what is left.
    pub(super) fn length(&mut self) -> Result<usize, LimitError> {
        let len = self.uleb()?;
        usize::try_from(len)
            .ok()
            .filter(|&len| len <= self.0.len())
            .ok_or(LimitError::Malformed("length beyond the data"))
    }

    /// A count of items each at least `min_bytes` long.
    pub(super) fn count(&mut self, min_bytes: usize) -> Result<usize, LimitError> {
        let n = self.uleb()?;
        usize::try_from(n)
            .ok()
            .filter(|&n| n.saturating_mul(min_bytes) <= self.0.len())
            .ok_or(LimitError::Malformed("count beyond the data"))
    }

    pub(super) fn bytes_field(&mut self) -> Result<&'a [u8], LimitError> {
        let len = self.length()?;
        self.take(len)
    }

    pub(super) fn hashes(&mut self) -> Result<(), LimitError> {
        let n = self.count(HASH_BYTES)?;
        self.take(n * HASH_BYTES).map(|_| ())
    }

    pub(super) fn columns(&mut self) -> Result<Vec<(Spec, usize)>, LimitError> {
        let n = self.count(2)?;
        let mut columns = Vec::with_capacity(n);
        for _ in 0..n {
            let spec = u32::try_from(self.uleb()?)
                .map_err(|_| LimitError::Malformed("column specification"))?;
            let len = usize::try_from(self.uleb()?)
                .map_err(|_| LimitError::Malformed("column length"))?;
            columns.push((Spec(spec), len));
        }
        Ok(columns)
    }
}
