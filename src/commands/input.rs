//! The rows of `apply`: JSON Lines or CSV, read lazily on a thread of their own so that
//! a file of any length is never held in memory, each row turned into a contact to find
//! and the values to set (or into the reason it cannot be).
//!
//! An empty CSV cell leaves its field as it is unless `--empty-clears` is given; in JSON
//! Lines `""` and `null` clear and a missing key leaves the field. The columns that find
//! a row's contact when it has no id (`email`, `phone_number`) are never cleared by it.
//! Line numbers are the file's own, blank lines included, and each row carries a
//! fingerprint of its cells so that `--resume` can tell it from another row.

use super::edit::{self, Edits};
use super::exit::Failure;
use crate::cli::InputFormat;
use crate::form::Field;
use crate::target::{Target, parse_target};
use crate::text::sanitize_snippet;
use phonenumber::country::Id as Region;
use serde_json::Value;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use tokio::sync::mpsc;

const BOM: &str = "\u{feff}";
/// Long enough for any sane message about a value, short enough for one report line.
const SNIPPET: usize = 80;

/// One update: the contact to find and the values to give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line the row starts on (1 is the first line of the input, a CSV header
    /// included): what the report and `--resume` identify rows by.
    pub line: u64,
    pub target: Target,
    pub edits: Edits,
    /// The row's cells as written, hashed (see [`Fingerprint`]).
    pub fingerprint: String,
    /// The `updated_at` of a row `export` wrote: the version of the contact the row
    /// was edited from (`roundtrip.rs`). `None` for a row written by hand.
    pub updated_at: Option<String>,
}

/// A row that cannot be applied, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub line: u64,
    /// The row's id, when it has a readable one.
    pub id: Option<u64>,
    pub message: String,
    /// The row's cells hashed, when there were cells to read.
    pub fingerprint: Option<String>,
}

pub type Item = Result<Row, BadRow>;

/// The line an item starts on and its fingerprint, whether it is a row or a bad one.
pub fn fingerprint_of(item: &Item) -> Option<&str> {
    match item {
        Ok(row) => Some(&row.fingerprint),
        Err(bad) => bad.fingerprint.as_deref(),
    }
}

/// FNV-1a (64 bits) over a row's cells in order: for each, its column or key name, a 0
/// byte, its value, a 0 byte. Written out here rather than taken from a hasher whose
/// output may change between versions: a report written today must match tomorrow.
#[derive(Debug, Clone, Copy)]
pub struct Fingerprint(u64);

impl Fingerprint {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    pub fn new() -> Self {
        Self(Self::OFFSET)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(Self::PRIME);
        }
    }

    pub fn cell(&mut self, name: &[u8], value: &[u8]) {
        self.bytes(name);
        self.bytes(&[0]);
        self.bytes(value);
        self.bytes(&[0]);
    }

    /// Sixteen hex digits.
    pub fn finish(self) -> String {
        format!("{:016x}", self.0)
    }
}

impl Default for Fingerprint {
    fn default() -> Self {
        Self::new()
    }
}

/// How cells become edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub region: Region,
    /// `--empty-clears`: an empty CSV cell clears its field instead of leaving it.
    pub empty_clears: bool,
}

/// The rows as they are read, and how many there are when that can be known up front
/// (a file, not stdin).
pub struct Input {
    pub rows: mpsc::Receiver<Item>,
    pub total: Option<u64>,
}

/// Opens the input and starts reading it on a thread; at most `capacity` rows wait in
/// the channel, so reading keeps only just ahead of sending.
pub fn spawn(
    path: &Path,
    format: Option<InputFormat>,
    rules: Rules,
    capacity: usize,
) -> Result<Input, Failure> {
    let (reader, format) = opened(path, format)?;
    let total = (!is_stdin(path)).then(|| count(path, format)).flatten();
    let (tx, rx) = mpsc::channel(capacity.max(1));
    std::thread::spawn(move || {
        for item in rows(reader, format, rules) {
            // The receiver is gone: the batch stopped taking rows.
            if tx.blocking_send(item).is_err() {
                break;
            }
        }
    });
    Ok(Input { rows: rx, total })
}

/// Every row of a file, read once more in constant memory (a look ahead before the
/// rows are sent: `roundtrip.rs`).
pub fn scan(
    path: &Path,
    format: Option<InputFormat>,
    rules: Rules,
) -> Result<impl Iterator<Item = Item>, Failure> {
    let (reader, format) = opened(path, format)?;
    Ok(rows(reader, format, rules))
}

fn opened(path: &Path, format: Option<InputFormat>) -> Result<(Reader, InputFormat), Failure> {
    let mut reader = open(path)?;
    let format = match format {
        Some(f) => f,
        None => sniff(&mut reader).map_err(|e| cannot_read(path, &e))?,
    };
    Ok((reader, format))
}

pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

type Reader = BufReader<Box<dyn Read + Send>>;

fn open(path: &Path) -> Result<Reader, Failure> {
    let inner: Box<dyn Read + Send> = if is_stdin(path) {
        Box::new(std::io::stdin())
    } else {
        Box::new(File::open(path).map_err(|e| cannot_read(path, &e))?)
    };
    Ok(BufReader::with_capacity(64 * 1024, inner))
}

fn cannot_read(path: &Path, e: &std::io::Error) -> Failure {
    Failure::usage(format!("cannot read {}: {e}", path.display()))
}

/// JSON Lines when the first character (after a BOM and white space) is `{`, else CSV.
fn sniff(reader: &mut Reader) -> std::io::Result<InputFormat> {
    let head = reader.fill_buf()?;
    let head = head.strip_prefix(BOM.as_bytes()).unwrap_or(head);
    Ok(match head.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => InputFormat::Jsonl,
        _ => InputFormat::Csv,
    })
}

/// Rows in the file, for the progress bar. A second pass over the file, in constant
/// memory; `None` when it cannot be read.
fn count(path: &Path, format: InputFormat) -> Option<u64> {
    let file = File::open(path).ok()?;
    match format {
        InputFormat::Jsonl => {
            let mut reader = BufReader::new(file);
            let (mut n, mut line) = (0, Vec::new());
            loop {
                line.clear();
                if reader.read_until(b'\n', &mut line).ok()? == 0 {
                    return Some(n);
                }
                if line.iter().any(|b| !b.is_ascii_whitespace()) {
                    n += 1;
                }
            }
        }
        InputFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
            let mut record = csv::ByteRecord::new();
            let mut n = 0;
            loop {
                match reader.read_byte_record(&mut record) {
                    Ok(true) => n += 1,
                    Ok(false) => return Some(n),
                    Err(e) if e.is_io_error() => return None,
                    Err(_) => n += 1,
                }
            }
        }
    }
}

fn rows(
    reader: Reader,
    format: InputFormat,
    rules: Rules,
) -> Box<dyn Iterator<Item = Item> + Send> {
    match format {
        InputFormat::Jsonl => Box::new(JsonLines {
            reader,
            line: 0,
            rules,
        }),
        InputFormat::Csv => Box::new(csv_rows(reader, rules)),
    }
}

struct JsonLines {
    reader: Reader,
    /// The line just read: every `\n` ends one, blank lines included.
    line: u64,
    rules: Rules,
}

impl Iterator for JsonLines {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let mut bytes = Vec::new();
        loop {
            bytes.clear();
            self.line += 1;
            match self.reader.read_until(b'\n', &mut bytes) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    return Some(Err(bad(self.line, None, format!("cannot read: {e}"), None)));
                }
            }
            let Ok(text) = std::str::from_utf8(&bytes) else {
                let fingerprint = whole_line(&bytes);
                return Some(Err(bad(
                    self.line,
                    None,
                    "not UTF-8 text".into(),
                    Some(fingerprint),
                )));
            };
            let text = text.trim_start_matches(BOM).trim();
            if !text.is_empty() {
                return Some(json_row(self.line, text, self.rules));
            }
        }
    }
}

/// The fingerprint of a line that has no cells to read: the line as one nameless cell.
fn whole_line(bytes: &[u8]) -> String {
    let mut fingerprint = Fingerprint::new();
    fingerprint.cell(b"", bytes);
    fingerprint.finish()
}

/// A JSON object's fingerprint: its keys in sorted order (however the parser keeps
/// them), each value as compact JSON, so that `null`, `"null"`, `5` and `"5"` differ.
fn json_fingerprint(object: &serde_json::Map<String, Value>) -> String {
    let mut cells: Vec<(&String, &Value)> = object.iter().collect();
    cells.sort_by(|a, b| a.0.cmp(b.0));
    let mut fingerprint = Fingerprint::new();
    for (key, value) in cells {
        fingerprint.cell(key.as_bytes(), value.to_string().as_bytes());
    }
    fingerprint.finish()
}

fn json_row(line: u64, text: &str, rules: Rules) -> Item {
    let object = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) => object,
        Ok(_) => {
            let fingerprint = Some(whole_line(text.as_bytes()));
            return Err(bad(line, None, "not a JSON object".into(), fingerprint));
        }
        Err(e) => {
            let fingerprint = Some(whole_line(text.as_bytes()));
            return Err(bad(line, None, format!("not valid JSON: {e}"), fingerprint));
        }
    };
    let fingerprint = json_fingerprint(&object);
    let id = object.get("id").and_then(|v| match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    let mut cells = Vec::with_capacity(object.len());
    for (key, value) in object {
        let text = match value {
            Value::String(s) => s,
            // A null clears the field, as "" does; a missing key leaves it.
            Value::Null => String::new(),
            Value::Number(n) => n.to_string(),
            Value::Bool(_) | Value::Array(_) | Value::Object(_) => {
                let message = format!("\"{}\" must be text, a number or null", snippet(&key));
                return Err(bad(line, id, message, Some(fingerprint)));
            }
        };
        cells.push((key, text));
    }
    to_row(line, cells, "key", rules.region, fingerprint.clone())
        .map_err(|message| bad(line, id, message, Some(fingerprint)))
}

fn csv_rows(reader: Reader, rules: Rules) -> impl Iterator<Item = Item> + Send {
    // Flexible: a row with too few or too many cells is read, to fail alone with its
    // fingerprint, rather than as a reading error.
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(LineCount::new(CrlfToLf::new(reader)));
    let header: Result<Vec<String>, String> = match csv.byte_headers() {
        Ok(h) => h
            .iter()
            .map(|name| {
                std::str::from_utf8(name)
                    .map(|name| name.trim_start_matches(BOM).trim().to_ascii_lowercase())
                    .map_err(|_| "the header row is not UTF-8 text".to_string())
            })
            .collect(),
        Err(e) => Err(format!("cannot read the header row: {e}")),
    };
    let header_problem = match &header {
        Ok(names) => check_header(names).err(),
        Err(e) => Some(e.clone()),
    };
    let names = header.unwrap_or_default();
    let mut record = csv::ByteRecord::new();
    let mut stopped = false;
    std::iter::from_fn(move || {
        if stopped {
            return None;
        }
        match csv.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => {
                // After an I/O error nothing more can be read.
                stopped = e.is_io_error();
                let line = e.position().map_or(0, |p| csv.get_mut().line_at(p.byte()));
                return Some(Err(bad(line, None, format!("cannot read: {e}"), None)));
            }
        }
        let line = record
            .position()
            .map_or(0, |p| csv.get_mut().line_at(p.byte()));
        Some(csv_row(
            line,
            &names,
            header_problem.as_deref(),
            &record,
            rules,
        ))
    })
}

/// One CSV record against the header: its fingerprint over the cells as written, then
/// the row, or why it cannot be one.
fn csv_row(
    line: u64,
    names: &[String],
    header_problem: Option<&str>,
    record: &csv::ByteRecord,
    rules: Rules,
) -> Item {
    let mut fingerprint = Fingerprint::new();
    for (i, cell) in record.iter().enumerate() {
        fingerprint.cell(names.get(i).map_or("", String::as_str).as_bytes(), cell);
    }
    let fingerprint = fingerprint.finish();
    let texts: Option<Vec<&str>> = record
        .iter()
        .map(|cell| std::str::from_utf8(cell).ok())
        .collect();
    let id = names
        .iter()
        .position(|n| n == "id")
        .and_then(|i| texts.as_ref()?.get(i).copied())
        .and_then(|v| v.trim().trim_start_matches('#').parse().ok());
    let fail = |message: String| Err(bad(line, id, message, Some(fingerprint.clone())));
    if let Some(problem) = header_problem {
        return fail(problem.to_string());
    }
    if record.len() != names.len() {
        return fail(format!(
            "has {} cells where the header has {}",
            record.len(),
            names.len()
        ));
    }
    let Some(texts) = texts else {
        return fail("not UTF-8 text".into());
    };
    // An empty cell is no value: it leaves the field unless --empty-clears.
    let cells = names
        .iter()
        .zip(texts)
        .filter(|(name, value)| *name == "id" || rules.empty_clears || !value.trim().is_empty())
        .map(|(name, value)| (name.clone(), value.to_string()))
        .collect();
    to_row(line, cells, "column", rules.region, fingerprint.clone())
        .map_err(|message| bad(line, id, message, Some(fingerprint)))
}

/// Where each record starts, in the file's own lines. The csv reader's own count
/// (`Position::line`) leaves out the blank lines it skips, so every row after one would
/// be reported too early; its byte offset of a record is where it began reading the
/// record, the blank lines it skipped included. This keeps the offsets of the line ends
/// the reader has taken and not yet been asked about, which lie within its buffer and
/// the current record, so memory does not grow with the file.
struct LineCount<R> {
    inner: R,
    /// Bytes passed on so far.
    offset: u64,
    /// Offsets of the line ends passed on and not yet counted, in order.
    ends: VecDeque<u64>,
    /// Line ends counted: those before the last record asked about.
    counted: u64,
}

impl<R: Read> LineCount<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            ends: VecDeque::new(),
            counted: 0,
        }
    }

    /// The line (1-based) of the first character of the record the reader began at
    /// byte `start`. Asked in order of the records.
    fn line_at(&mut self, start: u64) -> u64 {
        while self.ends.front().is_some_and(|&end| end < start) {
            self.ends.pop_front();
            self.counted += 1;
        }
        // Blank lines the reader skipped before the record's first character.
        let mut at = start;
        while self.ends.front() == Some(&at) {
            self.ends.pop_front();
            self.counted += 1;
            at += 1;
        }
        self.counted + 1
    }
}

impl<R: Read> Read for LineCount<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        for (i, &b) in out[..n].iter().enumerate() {
            if b == b'\n' {
                self.ends.push_back(self.offset + i as u64);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Reads CRLF line ends as LF. The csv reader counts the LF of a CRLF as the first
/// character of the next record, so every row of a Windows file would be reported one
/// line too early; a CRLF inside a quoted cell becomes LF, which the editor's cleaning
/// turns into a space either way.
struct CrlfToLf<R> {
    inner: R,
    buf: Vec<u8>,
    /// A CR ended the last chunk: whether it is dropped depends on the next byte.
    held_cr: bool,
    /// A byte that did not fit into the caller's buffer (a held CR adds one).
    spill: Option<u8>,
}

impl<R: Read> CrlfToLf<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            buf: vec![0; 64 * 1024],
            held_cr: false,
            spill: None,
        }
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        if let Some(b) = self.spill.take() {
            out[0] = b;
            return Ok(1);
        }
        let want = out.len().min(self.buf.len());
        // A chunk of nothing but a held CR gives no output, and Ok(0) would mean the end.
        loop {
            let n = self.inner.read(&mut self.buf[..want])?;
            if n == 0 {
                if std::mem::take(&mut self.held_cr) {
                    out[0] = b'\r';
                    return Ok(1);
                }
                return Ok(0);
            }
            let mut len = 0;
            let mut push = |b: u8, spill: &mut Option<u8>| {
                if len < out.len() {
                    out[len] = b;
                    len += 1;
                } else {
                    *spill = Some(b);
                }
            };
            for &b in &self.buf[..n] {
                if std::mem::take(&mut self.held_cr) && b != b'\n' {
                    push(b'\r', &mut self.spill);
                }
                if b == b'\r' {
                    self.held_cr = true;
                } else {
                    push(b, &mut self.spill);
                }
            }
            if len > 0 {
                return Ok(len);
            }
        }
    }
}

/// A column `export` writes beside the fields, for the round trip: read past, never set.
const UPDATED_AT: &str = "updated_at";

/// A CSV header names the columns of every row: an unknown or repeated one makes every
/// row fail with the same message, before anything is read or sent.
fn check_header(names: &[String]) -> Result<(), String> {
    for (i, name) in names.iter().enumerate() {
        if name != "id" && name != UPDATED_AT && edit::field_named(name).is_none() {
            return Err(unknown("column", name));
        }
        if names[..i].contains(name) {
            return Err(format!("column \"{}\" appears twice", snippet(name)));
        }
    }
    Ok(())
}

/// Finds the contact by the row's id, else its e-mail, else its phone (a value used to
/// find the contact is not also set); every other cell is a field to set. Without an id,
/// an empty e-mail or phone is never a clear: those columns are how the row finds its
/// contact, whichever of them did.
fn to_row(
    line: u64,
    cells: Vec<(String, String)>,
    noun: &str,
    region: Region,
    fingerprint: String,
) -> Result<Row, String> {
    let mut id = None;
    let mut updated_at = None;
    let mut edits: Edits = Vec::with_capacity(cells.len());
    for (name, value) in cells {
        if name == "id" {
            id = Some(value);
            continue;
        }
        if name == UPDATED_AT {
            let value = value.trim();
            updated_at = (!value.is_empty()).then(|| value.to_string());
            continue;
        }
        let field = edit::field_named(&name).ok_or_else(|| unknown(noun, &name))?;
        edits.push((field, value));
    }
    let target = match id.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(id) => parse_id(id)?,
        None => {
            let target = find_by(&mut edits, region)?;
            edits.retain(|(f, v)| {
                !(matches!(f, Field::Email | Field::Phone) && v.trim().is_empty())
            });
            target
        }
    };
    Ok(Row {
        line,
        target,
        edits,
        fingerprint,
        updated_at,
    })
}

fn parse_id(raw: &str) -> Result<Target, String> {
    // `#` makes `parse_target` read any number of digits as an id, never as a phone.
    let forced = if raw.starts_with('#') {
        raw.to_string()
    } else {
        format!("#{raw}")
    };
    match parse_target(&forced, Region::US) {
        Ok(target @ Target::Id(_)) => Ok(target),
        _ => Err(format!("id \"{}\" is not a contact id", snippet(raw))),
    }
}

/// The e-mail, else the phone, taken out of the edits to find the contact by.
fn find_by(edits: &mut Edits, region: Region) -> Result<Target, String> {
    for field in [Field::Email, Field::Phone] {
        let Some(at) = edits
            .iter()
            .position(|(f, v)| *f == field && !v.trim().is_empty())
        else {
            continue;
        };
        let (_, value) = edits.remove(at);
        return match (field, parse_target(&value, region)) {
            (Field::Email, Ok(target @ Target::Email(_)))
            | (Field::Phone, Ok(target @ Target::Phone(_))) => Ok(target),
            (Field::Email, _) => Err(format!(
                "email \"{}\" is not an e-mail address to find the contact by",
                snippet(&value)
            )),
            _ => Err(format!(
                "phone_number \"{}\" is not a phone number to find the contact by",
                snippet(&value)
            )),
        };
    }
    Err("no id, email or phone_number to find the contact by".into())
}

fn unknown(noun: &str, name: &str) -> String {
    format!(
        "unknown {noun} \"{}\"; valid: id, {}",
        snippet(name),
        edit::field_names()
    )
}

fn snippet(s: &str) -> String {
    sanitize_snippet(s, SNIPPET)
}

fn bad(line: u64, id: Option<u64>, message: String, fingerprint: Option<String>) -> BadRow {
    BadRow {
        line,
        id,
        message,
        fingerprint,
    }
}

/// A path given on the command line, for messages.
pub fn shown(path: &Path) -> String {
    if is_stdin(path) {
        "stdin".into()
    } else {
        path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_with(format: InputFormat, text: &str, empty_clears: bool) -> Vec<Item> {
        let reader: Reader =
            BufReader::new(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())));
        let rules = Rules {
            region: Region::US,
            empty_clears,
        };
        rows(reader, format, rules).collect()
    }

    fn read(format: InputFormat, text: &str) -> Vec<Item> {
        read_with(format, text, false)
    }

    /// The rows without their fingerprints, which have tests of their own.
    fn plain(items: &[Item]) -> Vec<(u64, Target, Edits)> {
        items
            .iter()
            .map(|i| {
                let row = i.as_ref().unwrap_or_else(|e| panic!("{e:?}"));
                (row.line, row.target.clone(), row.edits.clone())
            })
            .collect()
    }

    fn lines(items: &[Item]) -> Vec<u64> {
        items
            .iter()
            .map(|i| match i {
                Ok(row) => row.line,
                Err(bad) => bad.line,
            })
            .collect()
    }

    #[test]
    fn json_lines_find_by_id_then_email_then_phone() {
        let items = read(
            InputFormat::Jsonl,
            "{\"id\": 7, \"email\": \"a@b.co\"}\n\n{\"email\": \"x@y.io\", \"title\": null}\r\n\
             {\"phone_number\": \"+1 212 555 0199\", \"company\": \"C\"}\n",
        );
        assert_eq!(
            plain(&items),
            vec![
                (1, Target::Id(7), vec![(Field::Email, "a@b.co".into())]),
                (
                    3,
                    Target::Email("x@y.io".into()),
                    vec![(Field::Title, String::new())]
                ),
                (
                    4,
                    Target::Phone("+12125550199".into()),
                    vec![(Field::Company, "C".into())]
                ),
            ]
        );
    }

    #[test]
    fn json_lines_count_blank_lines_and_crlf_as_the_file_has_them() {
        let items = read(
            InputFormat::Jsonl,
            "\n\r\n{\"id\": 1}\r\n\n\n{\"id\": 2}\n   \n{\"id\": 3}",
        );
        assert_eq!(lines(&items), [3, 6, 8]);
    }

    #[test]
    fn json_null_and_empty_clear_a_missing_key_leaves_and_find_columns_never_clear() {
        let items = read(
            InputFormat::Jsonl,
            "{\"id\": 7, \"email\": null, \"title\": \"\"}\n\
             {\"phone_number\": \"+1 212 555 0199\", \"email\": null, \"title\": null}\n\
             {\"email\": \"a@b.co\", \"phone_number\": \"\"}\n",
        );
        assert_eq!(
            plain(&items),
            vec![
                (
                    1,
                    Target::Id(7),
                    vec![(Field::Email, String::new()), (Field::Title, String::new())]
                ),
                (
                    2,
                    Target::Phone("+12125550199".into()),
                    vec![(Field::Title, String::new())]
                ),
                (3, Target::Email("a@b.co".into()), vec![]),
            ]
        );
    }

    #[test]
    fn bad_json_rows_fail_alone() {
        let items = read(
            InputFormat::Jsonl,
            "{\"id\": \"abc\"}\n{\"id\": 5, \"titel\": \"x\"}\nnope\n{\"title\": \"x\"}\n{\"id\": 6}\n",
        );
        let messages: Vec<String> = items
            .iter()
            .map(|i| match i {
                Ok(row) => format!("ok {}", row.line),
                Err(b) => format!("{} {:?}: {}", b.line, b.id, b.message),
            })
            .collect();
        assert_eq!(messages[0], "1 None: id \"abc\" is not a contact id");
        assert!(
            messages[1].starts_with("2 Some(5): unknown key \"titel\"; valid: id, first_name,"),
            "{}",
            messages[1]
        );
        assert!(
            messages[2].starts_with("3 None: not valid JSON"),
            "{}",
            messages[2]
        );
        assert_eq!(
            messages[3],
            "4 None: no id, email or phone_number to find the contact by"
        );
        assert_eq!(messages[4], "ok 5");
        // Bad rows have cells, or at least a line, to tell them apart by.
        assert!(items.iter().all(|i| fingerprint_of(i).is_some()));
    }

    #[test]
    fn csv_empty_cells_leave_fields_unless_empty_clears() {
        let text = "\u{feff}id,company,title\r\n1002,\"Contoso, Ltd.\",\r\n\"1003\",\"Multi\r\nline\",T\r\n1004, ,\r\n";
        assert_eq!(
            plain(&read(InputFormat::Csv, text)),
            vec![
                (
                    2,
                    Target::Id(1002),
                    vec![(Field::Company, "Contoso, Ltd.".into())]
                ),
                (
                    3,
                    Target::Id(1003),
                    vec![
                        (Field::Company, "Multi\nline".into()),
                        (Field::Title, "T".into())
                    ]
                ),
                (5, Target::Id(1004), vec![]),
            ]
        );
        assert_eq!(
            plain(&read_with(InputFormat::Csv, text, true)),
            vec![
                (
                    2,
                    Target::Id(1002),
                    vec![
                        (Field::Company, "Contoso, Ltd.".into()),
                        (Field::Title, String::new())
                    ]
                ),
                (
                    3,
                    Target::Id(1003),
                    vec![
                        (Field::Company, "Multi\nline".into()),
                        (Field::Title, "T".into())
                    ]
                ),
                (
                    5,
                    Target::Id(1004),
                    vec![(Field::Company, " ".into()), (Field::Title, String::new())]
                ),
            ]
        );
    }

    #[test]
    fn csv_find_columns_are_never_cleared_even_with_empty_clears() {
        let text = "email,phone_number,title\n,+1 212 555 0199,X\nana@b.co,,\n";
        for empty_clears in [false, true] {
            let title = if empty_clears {
                vec![(Field::Title, String::new())]
            } else {
                vec![]
            };
            assert_eq!(
                plain(&read_with(InputFormat::Csv, text, empty_clears)),
                vec![
                    (
                        2,
                        Target::Phone("+12125550199".into()),
                        vec![(Field::Title, "X".into())]
                    ),
                    (3, Target::Email("ana@b.co".into()), title),
                ],
                "empty_clears {empty_clears}"
            );
        }
        // With an id, e-mail and phone are fields like any other.
        let items = read_with(InputFormat::Csv, "id,email\n7,\n", true);
        assert_eq!(
            plain(&items),
            vec![(2, Target::Id(7), vec![(Field::Email, String::new())])]
        );
    }

    #[test]
    fn csv_lines_are_the_files_own_with_blank_lines_crlf_and_multi_line_cells() {
        let text = "\n\nid,title\n\n1002,A\n\n\n1003,\"two\r\nlines\"\r\n\r\n\r\n1004,\"x\n\ny\"\n\n1005,C";
        // 1, 2 blank; 3 header; 4 blank; 5 row; 6, 7 blank; 8-9 row; 10, 11 blank;
        // 12-14 row; 15 blank; 16 row.
        assert_eq!(lines(&read(InputFormat::Csv, text)), [5, 8, 12, 16]);
        assert_eq!(
            lines(&read(InputFormat::Csv, "id,title\r\n1,a\r\n2,b\r\n")),
            [2, 3]
        );
    }

    #[test]
    fn line_count_is_right_at_any_read_size() {
        let text = b"id\n\n1\n\n\n2\n3\n";
        let mut counter = LineCount::new(std::io::Cursor::new(text.to_vec()));
        let mut sink = vec![0; 3];
        while counter.read(&mut sink).unwrap() > 0 {}
        // The csv reader begins the records at 3, 6 and 10: right after the line end
        // of the record before, ahead of the blank lines it skips.
        assert_eq!(
            [counter.line_at(3), counter.line_at(6), counter.line_at(10)],
            [3, 6, 7]
        );
    }

    #[test]
    fn fingerprints_follow_the_cells_and_nothing_else() {
        // FNV-1a 64 of the empty input and of "a": the published test values.
        assert_eq!(Fingerprint::new().finish(), "cbf29ce484222325");
        let mut one = Fingerprint::new();
        one.bytes(b"a");
        assert_eq!(one.finish(), "af63dc4c8601ec8c");
        let fp = |format, text: &str| {
            read(format, text)
                .iter()
                .map(|i| fingerprint_of(i).map(str::to_string))
                .collect::<Vec<_>>()
        };
        let csv = fp(InputFormat::Csv, "id,title\n1,a\n\n1,a\r\n1,b\n1,\n");
        assert_eq!(csv[0], csv[1], "the same cells on another line");
        assert_ne!(csv[0], csv[2]);
        assert_ne!(csv[2], csv[3]);
        let other = fp(InputFormat::Csv, "id,company\n1,a\n");
        assert_ne!(csv[0], other[0], "the same value in another column");
        let json = fp(
            InputFormat::Jsonl,
            "{\"id\":1,\"title\":\"a\"}\n{\"title\":\"a\", \"id\":1}\n{\"id\":1,\"title\":null}\n{\"id\":1,\"title\":\"null\"}\n",
        );
        assert_eq!(json[0], json[1], "key order does not matter");
        assert_ne!(json[2], json[3], "null is not \"null\"");
        assert!(
            json.iter()
                .all(|f| f.as_ref().is_some_and(|f| f.len() == 16))
        );
    }

    #[test]
    fn crlf_becomes_lf_across_chunk_boundaries() {
        let text = b"a\r\nb\rc\r\r\nd\r";
        for chunk in 1..8 {
            let mut reader = CrlfToLf::new(std::io::Cursor::new(text.to_vec()));
            let mut out = Vec::new();
            let mut piece = vec![0; chunk];
            loop {
                let n = reader.read(&mut piece).unwrap();
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&piece[..n]);
            }
            assert_eq!(out, b"a\nb\rc\r\nd\r", "chunk {chunk}");
        }
    }

    #[test]
    fn the_updated_at_column_of_an_export_is_read_past_and_never_set() {
        let csv = "id,title,updated_at\n7,CTO,2025-07-30T10:00:00.000-05:00\n";
        let json = "{\"id\":7,\"title\":\"CTO\",\"updated_at\":\"2025-07-30\"}\n";
        for (format, text, empty_clears, line) in [
            (InputFormat::Csv, csv, false, 2),
            (InputFormat::Csv, csv, true, 2),
            (InputFormat::Jsonl, json, false, 1),
        ] {
            let items = read_with(format, text, empty_clears);
            assert_eq!(
                plain(&items),
                vec![(line, Target::Id(7), vec![(Field::Title, "CTO".to_string())])],
                "{format:?}"
            );
            // Kept aside: the version of the contact the row was edited from.
            let kept = items[0].as_ref().ok().and_then(|r| r.updated_at.as_deref());
            assert!(
                kept.is_some_and(|at| at.starts_with("2025-07-30")),
                "{kept:?}"
            );
        }
        // An empty cell (a row added by hand to an export) is no version.
        let added = read_with(InputFormat::Csv, "id,title,updated_at\n7,CTO, \n", true);
        assert_eq!(added[0].as_ref().map(|r| r.updated_at.clone()), Ok(None));
    }

    #[test]
    fn a_bad_csv_header_fails_every_row_and_short_rows_fail_alone() {
        let items = read(InputFormat::Csv, "id,emial\n1,a@b.co\n2,c@d.io\n");
        assert_eq!(items.len(), 2);
        for item in &items {
            let err = item.as_ref().unwrap_err();
            assert!(
                err.message.starts_with("unknown column \"emial\""),
                "{err:?}"
            );
        }
        assert_eq!(items[1].as_ref().unwrap_err().id, Some(2));
        let items = read(InputFormat::Csv, "id,title\n1\n2,x\n3,y,z\n");
        assert_eq!(
            items[0].as_ref().unwrap_err().message,
            "has 1 cells where the header has 2"
        );
        assert!(items[1].is_ok());
        let third = items[2].as_ref().unwrap_err();
        assert_eq!(
            (third.line, third.id, third.message.as_str()),
            (4, Some(3), "has 3 cells where the header has 2")
        );
        assert!(third.fingerprint.is_some());
    }

    #[test]
    fn the_format_is_recognised_from_the_first_character() {
        let sniffed = |text: &str| {
            let mut reader: Reader =
                BufReader::new(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())));
            sniff(&mut reader).unwrap()
        };
        assert_eq!(sniffed("\u{feff}  {\"id\":1}"), InputFormat::Jsonl);
        assert_eq!(sniffed("id,title\n"), InputFormat::Csv);
        assert_eq!(sniffed(""), InputFormat::Csv);
    }
}
