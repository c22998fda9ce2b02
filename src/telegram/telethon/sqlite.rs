//! Just enough of SQLite's file format to read one table's rows: the header, table
//! b-tree pages (interior and leaf), overflow chains and the record format, after
//! <https://www.sqlite.org/fileformat.html>. Read-only, bounded and panic-free on any
//! input: every offset is checked, every page is visited at most once.
//!
//! Not handled, and refused or missed plainly: a write-ahead log beside the file (rows
//! still in `-wal` are not seen), UTF-16 databases, and `WITHOUT ROWID` tables.

use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// One row: column name → value.
pub type Row = HashMap<String, Value>;

const MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// More rows than a session table ever has; a cycle or a huge table stops here.
const MAX_ROWS: usize = 10_000;

/// Every row of table `table` in the database `file`.
pub fn read_table(file: &[u8], table: &str) -> Result<Vec<Row>, String> {
    let db = Db::new(file)?;
    let schema = db.rows(1)?;
    let entry = schema
        .iter()
        .find(|(_, record)| {
            matches!(record.first(), Some(Value::Text(t)) if t == "table")
                && matches!(record.get(1), Some(Value::Text(n)) if n.eq_ignore_ascii_case(table))
        })
        .ok_or_else(|| format!("it has no table {table:?}"))?;
    let root = match entry.1.get(3) {
        Some(Value::Int(page)) if *page > 0 => {
            u32::try_from(*page).map_err(|_| "a root page out of range".to_owned())?
        }
        _ => return Err(format!("table {table:?} has no root page")),
    };
    let sql = match entry.1.get(4) {
        Some(Value::Text(sql)) => sql.as_str(),
        _ => return Err(format!("table {table:?} has no definition")),
    };
    let columns = columns(sql)?;
    db.rows(root)?
        .into_iter()
        .map(|(rowid, record)| {
            let mut row = Row::new();
            for (index, column) in columns.iter().enumerate() {
                let value = match record.get(index) {
                    // An INTEGER PRIMARY KEY column is the rowid, stored as NULL.
                    Some(Value::Null) | None if column.rowid => Value::Int(rowid),
                    Some(value) => value.clone(),
                    None => Value::Null,
                };
                row.insert(column.name.clone(), value);
            }
            Ok(row)
        })
        .collect()
}

struct Column {
    name: String,
    rowid: bool,
}

/// The columns of `CREATE TABLE name (a integer primary key, b text, …)`.
fn columns(sql: &str) -> Result<Vec<Column>, String> {
    let open = sql.find('(').ok_or("a table definition without columns")?;
    let close = sql.rfind(')').ok_or("a table definition without columns")?;
    let body = sql
        .get(open + 1..close)
        .ok_or("a malformed table definition")?;
    if sql[close..].to_ascii_lowercase().contains("without rowid") {
        return Err("a WITHOUT ROWID table, which tgmcp does not read".into());
    }
    let mut columns = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut parts = Vec::new();
    for (i, c) in body.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&body[start..]);
    for part in parts {
        let words: Vec<String> = part
            .split_whitespace()
            .map(|w| {
                w.trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']')
                    .to_ascii_lowercase()
            })
            .collect();
        let Some(name) = words.first() else { continue };
        if matches!(
            name.as_str(),
            "primary" | "unique" | "check" | "foreign" | "constraint"
        ) {
            continue;
        }
        let rowid =
            words.len() >= 4 && words[1] == "integer" && words[2] == "primary" && words[3] == "key";
        columns.push(Column {
            name: name.clone(),
            rowid,
        });
    }
    Ok(columns)
}

struct Db<'a> {
    file: &'a [u8],
    page_size: usize,
    usable: usize,
}

impl<'a> Db<'a> {
    fn new(file: &'a [u8]) -> Result<Self, String> {
        if file.len() < 100 || &file[..16] != MAGIC {
            return Err("not an SQLite database".into());
        }
        let page_size = match u16::from_be_bytes([file[16], file[17]]) {
            1 => 65_536,
            n if n >= 512 && n.is_power_of_two() => usize::from(n),
            n => return Err(format!("an SQLite page size of {n}")),
        };
        let reserved = usize::from(file[20]);
        let usable = page_size
            .checked_sub(reserved)
            .filter(|u| *u >= 480)
            .ok_or("an SQLite header with too much reserved space")?;
        if u32::from_be_bytes([file[56], file[57], file[58], file[59]]) > 1 {
            return Err("a UTF-16 SQLite database, which tgmcp does not read".into());
        }
        Ok(Self {
            file,
            page_size,
            usable,
        })
    }

    fn page(&self, number: u32) -> Result<&'a [u8], String> {
        let index = usize::try_from(number)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .ok_or("page 0")?;
        let start = index
            .checked_mul(self.page_size)
            .ok_or("a page beyond the file")?;
        self.file
            .get(start..start + self.usable)
            .ok_or_else(|| format!("page {number} is beyond the end of the file"))
    }

    /// Every (rowid, record) of the table b-tree rooted at `root`, in rowid order.
    fn rows(&self, root: u32) -> Result<Vec<(i64, Vec<Value>)>, String> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut stack = vec![root];
        while let Some(number) = stack.pop() {
            if !seen.insert(number) {
                return Err("a page that points back into its own tree".into());
            }
            let page = self.page(number)?;
            // Page 1 starts with the 100-byte file header.
            let at = if number == 1 { 100 } else { 0 };
            let header = page.get(at..at + 12).ok_or("a truncated page")?;
            let cells = usize::from(u16::from_be_bytes([header[3], header[4]]));
            let (interior, header_len) = match header[0] {
                0x05 => (true, 12),
                0x0d => (false, 8),
                other => return Err(format!("page {number} is not a table page ({other:#04x})")),
            };
            let pointers = page
                .get(at + header_len..at + header_len + 2 * cells)
                .ok_or("a truncated cell pointer array")?;
            let offsets = pointers
                .chunks_exact(2)
                .map(|p| usize::from(u16::from_be_bytes([p[0], p[1]])));
            if interior {
                let mut children: Vec<u32> = Vec::with_capacity(cells + 1);
                for offset in offsets {
                    let child = page.get(offset..offset + 4).ok_or("a truncated cell")?;
                    children.push(u32::from_be_bytes([child[0], child[1], child[2], child[3]]));
                }
                children.push(u32::from_be_bytes([
                    header[8], header[9], header[10], header[11],
                ]));
                // A stack: push right to left so the leftmost child comes out first.
                stack.extend(children.into_iter().rev());
                continue;
            }
            for offset in offsets {
                let cell = page.get(offset..).ok_or("a cell beyond its page")?;
                let (size, a) = varint(cell)?;
                let (rowid, b) = varint(&cell[a..])?;
                let payload = self.payload(&cell[a + b..], size, &mut seen)?;
                out.push((rowid, record(&payload)?));
                if out.len() > MAX_ROWS {
                    return Err(format!("more than {MAX_ROWS} rows"));
                }
            }
        }
        Ok(out)
    }

    /// A cell's whole payload of `size` bytes: the part on its page, then its overflow
    /// chain.
    fn payload(&self, local: &[u8], size: i64, seen: &mut HashSet<u32>) -> Result<Vec<u8>, String> {
        let size = usize::try_from(size).map_err(|_| "a negative payload size")?;
        if size > self.file.len() {
            return Err("a payload larger than the file".into());
        }
        let u = self.usable;
        let max_local = u - 35;
        let on_page = if size <= max_local {
            size
        } else {
            let min_local = (u - 12) * 32 / 255 - 23;
            let k = min_local + (size - min_local) % (u - 4);
            if k <= max_local { k } else { min_local }
        };
        let mut out = local.get(..on_page).ok_or("a truncated payload")?.to_vec();
        if on_page == size {
            return Ok(out);
        }
        let next = local
            .get(on_page..on_page + 4)
            .ok_or("a truncated overflow pointer")?;
        let mut next = u32::from_be_bytes([next[0], next[1], next[2], next[3]]);
        while out.len() < size {
            if next == 0 || !seen.insert(next) {
                return Err("a broken overflow chain".into());
            }
            let page = self.page(next)?;
            next = u32::from_be_bytes([page[0], page[1], page[2], page[3]]);
            let take = (size - out.len()).min(u - 4);
            out.extend_from_slice(&page[4..4 + take]);
        }
        Ok(out)
    }
}

/// SQLite's variable-length integer: 1 to 9 bytes, big-endian, 7 bits a byte (8 in the
/// ninth). Returns the value and its length.
fn varint(bytes: &[u8]) -> Result<(i64, usize), String> {
    let mut value: u64 = 0;
    for i in 0..9 {
        let byte = *bytes.get(i).ok_or("a truncated varint")?;
        if i == 8 {
            return Ok(((value << 8 | u64::from(byte)) as i64, 9));
        }
        value = value << 7 | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Ok((value as i64, i + 1));
        }
    }
    unreachable!("the ninth byte returns")
}

/// A record: a header of serial types, then the values.
fn record(payload: &[u8]) -> Result<Vec<Value>, String> {
    let (header_len, mut at) = varint(payload)?;
    let header_len = usize::try_from(header_len)
        .ok()
        .filter(|n| *n <= payload.len())
        .ok_or("a record header beyond its payload")?;
    let mut types = Vec::new();
    while at < header_len {
        let (serial, n) = varint(&payload[at..header_len])?;
        types.push(serial);
        at += n;
    }
    let mut body = &payload[header_len..];
    let mut take = |n: usize| -> Result<&[u8], String> {
        if body.len() < n {
            return Err("a record shorter than its header says".into());
        }
        let (head, rest) = body.split_at(n);
        body = rest;
        Ok(head)
    };
    let int = |bytes: &[u8]| {
        // Big-endian two's complement of 1 to 8 bytes.
        let fill = if bytes[0] & 0x80 != 0 { 0xff } else { 0 };
        let mut full = [fill; 8];
        full[8 - bytes.len()..].copy_from_slice(bytes);
        i64::from_be_bytes(full)
    };
    types
        .into_iter()
        .map(|serial| {
            Ok(match serial {
                0 => Value::Null,
                1..=4 => Value::Int(int(take(serial as usize)?)),
                5 => Value::Int(int(take(6)?)),
                6 => Value::Int(int(take(8)?)),
                7 => Value::Real(f64::from_be_bytes(take(8)?.try_into().expect("8 bytes"))),
                8 => Value::Int(0),
                9 => Value::Int(1),
                n if n >= 12 && n % 2 == 0 => Value::Blob(
                    take(usize::try_from((n - 12) / 2).map_err(|_| "a huge blob")?)?.to_vec(),
                ),
                n if n >= 13 => {
                    let bytes = take(usize::try_from((n - 13) / 2).map_err(|_| "a huge text")?)?;
                    Value::Text(String::from_utf8_lossy(bytes).into_owned())
                }
                other => return Err(format!("a reserved serial type {other}")),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_of_every_length() {
        assert_eq!(varint(&[0x05]).unwrap(), (5, 1));
        assert_eq!(varint(&[0x81, 0x00]).unwrap(), (128, 2));
        assert_eq!(varint(&[0xff; 9]).unwrap(), (-1, 9));
        assert!(varint(&[0x81]).is_err());
    }

    #[test]
    fn column_lists() {
        let cols = columns(
            "CREATE TABLE sessions (dc_id integer primary key, server_address text, port integer, auth_key blob, takeout_id integer)",
        )
        .unwrap();
        let names: Vec<_> = cols.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["dc_id", "server_address", "port", "auth_key", "takeout_id"]
        );
        assert!(cols[0].rowid && !cols[2].rowid);
        let cols =
            columns("create table t (a decimal(10, 2), \"b c\" text, primary key (a))").unwrap();
        assert_eq!(cols.len(), 2);
    }

    #[test]
    fn garbage_is_refused_without_panicking() {
        assert!(read_table(b"", "sessions").is_err());
        assert!(read_table(&[0u8; 4096], "sessions").is_err());
        let mut header = MAGIC.to_vec();
        header.resize(4096, 0xff);
        assert!(read_table(&header, "sessions").is_err());
    }
}
