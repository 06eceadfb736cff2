//! The rows of `apply`: JSON Lines or CSV, read lazily on a thread of their own so that
//! a file of any length is never held in memory, each row turned into a contact to find
//! and the values to set (or into the reason it cannot be).

use super::edit::{self, Edits};
use super::exit::Failure;
use crate::cli::InputFormat;
use crate::form::Field;
use crate::target::{Target, parse_target};
use crate::text::sanitize_snippet;
use phonenumber::country::Id as Region;
use serde_json::Value;
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
}

/// A row that cannot be applied, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub line: u64,
    /// The row's id, when it has a readable one.
    pub id: Option<u64>,
    pub message: String,
}

pub type Item = Result<Row, BadRow>;

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
    region: Region,
    capacity: usize,
) -> Result<Input, Failure> {
    let mut reader = open(path)?;
    let format = match format {
        Some(f) => f,
        None => sniff(&mut reader).map_err(|e| cannot_read(path, &e))?,
    };
    let total = (!is_stdin(path)).then(|| count(path, format)).flatten();
    let (tx, rx) = mpsc::channel(capacity.max(1));
    std::thread::spawn(move || {
        for item in rows(reader, format, region) {
            // The receiver is gone: the batch stopped taking rows.
            if tx.blocking_send(item).is_err() {
                break;
            }
        }
    });
    Ok(Input { rows: rx, total })
}

fn is_stdin(path: &Path) -> bool {
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
            let mut reader = csv::Reader::from_reader(file);
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
    region: Region,
) -> Box<dyn Iterator<Item = Item> + Send> {
    match format {
        InputFormat::Jsonl => Box::new(JsonLines {
            reader,
            line: 0,
            region,
        }),
        InputFormat::Csv => Box::new(csv_rows(reader, region)),
    }
}

struct JsonLines {
    reader: Reader,
    line: u64,
    region: Region,
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
                    return Some(Err(bad(self.line, None, format!("cannot read: {e}"))));
                }
            }
            let Ok(text) = std::str::from_utf8(&bytes) else {
                return Some(Err(bad(self.line, None, "not UTF-8 text".into())));
            };
            let text = text.trim_start_matches(BOM).trim();
            if !text.is_empty() {
                return Some(json_row(self.line, text, self.region));
            }
        }
    }
}

fn json_row(line: u64, text: &str, region: Region) -> Item {
    let object = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) => object,
        Ok(_) => return Err(bad(line, None, "not a JSON object".into())),
        Err(e) => return Err(bad(line, None, format!("not valid JSON: {e}"))),
    };
    let id = object.get("id").and_then(|v| match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    let mut cells = Vec::with_capacity(object.len());
    for (key, value) in object {
        let text = match value {
            Value::String(s) => s,
            // A null clears the field, as an empty CSV cell does.
            Value::Null => String::new(),
            Value::Number(n) => n.to_string(),
            Value::Bool(_) | Value::Array(_) | Value::Object(_) => {
                return Err(bad(
                    line,
                    id,
                    format!("\"{}\" must be text, a number or null", snippet(&key)),
                ));
            }
        };
        cells.push((key, text));
    }
    to_row(line, cells, "key", region).map_err(|message| bad(line, id, message))
}

fn csv_rows(reader: Reader, region: Region) -> impl Iterator<Item = Item> + Send {
    let mut csv = csv::ReaderBuilder::new().from_reader(CrlfToLf::new(reader));
    let header: Result<Vec<String>, String> = match csv.headers() {
        Ok(h) => Ok(h
            .iter()
            .map(|name| name.trim_start_matches(BOM).trim().to_ascii_lowercase())
            .collect()),
        Err(e) => Err(format!("cannot read the header row: {e}")),
    };
    let header_problem = match &header {
        Ok(names) => check_header(names).err(),
        Err(e) => Some(e.clone()),
    };
    let names = header.unwrap_or_default();
    let mut records = csv.into_records();
    let mut stopped = false;
    std::iter::from_fn(move || {
        if stopped {
            return None;
        }
        let record = records.next()?;
        let line = match &record {
            Ok(r) => r.position().map_or(0, |p| p.line()),
            Err(e) => e.position().map_or(0, |p| p.line()),
        };
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                // After an I/O error nothing more can be read; a malformed row is its own.
                stopped = e.is_io_error();
                return Some(Err(bad(line, None, csv_problem(&e))));
            }
        };
        let id = names
            .iter()
            .position(|n| n == "id")
            .and_then(|i| record.get(i))
            .and_then(|v| v.trim().trim_start_matches('#').parse().ok());
        if let Some(problem) = &header_problem {
            return Some(Err(bad(line, id, problem.clone())));
        }
        let cells = names
            .iter()
            .cloned()
            .zip(record.iter().map(str::to_string))
            .collect();
        Some(to_row(line, cells, "column", region).map_err(|message| bad(line, id, message)))
    })
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

/// A CSV header names the columns of every row: an unknown or repeated one makes every
/// row fail with the same message, before anything is read or sent.
fn check_header(names: &[String]) -> Result<(), String> {
    for (i, name) in names.iter().enumerate() {
        if name != "id" && edit::field_named(name).is_none() {
            return Err(unknown("column", name));
        }
        if names[..i].contains(name) {
            return Err(format!("column \"{}\" appears twice", snippet(name)));
        }
    }
    Ok(())
}

fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("has {len} cells where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".into(),
        _ => format!("cannot read: {e}"),
    }
}

/// Finds the contact by the row's id, else its e-mail, else its phone (a value used to
/// find the contact is not also set); every other cell is a field to set.
fn to_row(
    line: u64,
    cells: Vec<(String, String)>,
    noun: &str,
    region: Region,
) -> Result<Row, String> {
    let mut id = None;
    let mut edits: Edits = Vec::with_capacity(cells.len());
    for (name, value) in cells {
        if name == "id" {
            id = Some(value);
            continue;
        }
        let field = edit::field_named(&name).ok_or_else(|| unknown(noun, &name))?;
        edits.push((field, value));
    }
    let target = match id.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(id) => parse_id(id)?,
        None => find_by(&mut edits, region)?,
    };
    Ok(Row {
        line,
        target,
        edits,
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

fn bad(line: u64, id: Option<u64>, message: String) -> BadRow {
    BadRow { line, id, message }
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

    fn read(format: InputFormat, text: &str) -> Vec<Item> {
        let reader: Reader =
            BufReader::new(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())));
        rows(reader, format, Region::US).collect()
    }

    #[test]
    fn json_lines_find_by_id_then_email_then_phone() {
        let items = read(
            InputFormat::Jsonl,
            "{\"id\": 7, \"email\": \"a@b.co\"}\n\n{\"email\": \"x@y.io\", \"title\": null}\r\n\
             {\"phone_number\": \"+1 212 555 0199\", \"company\": \"C\"}\n",
        );
        assert_eq!(
            items,
            vec![
                Ok(Row {
                    line: 1,
                    target: Target::Id(7),
                    edits: vec![(Field::Email, "a@b.co".into())],
                }),
                Ok(Row {
                    line: 3,
                    target: Target::Email("x@y.io".into()),
                    edits: vec![(Field::Title, String::new())],
                }),
                Ok(Row {
                    line: 4,
                    target: Target::Phone("+12125550199".into()),
                    edits: vec![(Field::Company, "C".into())],
                }),
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
    }

    #[test]
    fn csv_handles_bom_crlf_quotes_and_empty_cells() {
        let items = read(
            InputFormat::Csv,
            "\u{feff}id,company,title\r\n1002,\"Contoso, Ltd.\",\r\n\"1003\",\"Multi\nline\",T\r\n",
        );
        assert_eq!(
            items,
            vec![
                Ok(Row {
                    line: 2,
                    target: Target::Id(1002),
                    edits: vec![
                        (Field::Company, "Contoso, Ltd.".into()),
                        (Field::Title, String::new())
                    ],
                }),
                Ok(Row {
                    line: 3,
                    target: Target::Id(1003),
                    edits: vec![
                        (Field::Company, "Multi\nline".into()),
                        (Field::Title, "T".into())
                    ],
                }),
            ]
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
        let items = read(InputFormat::Csv, "id,title\n1\n2,x\n");
        assert_eq!(
            items[0].as_ref().unwrap_err().message,
            "has 1 cells where the header has 2"
        );
        assert!(items[1].is_ok());
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
