//! `export`: every contact of the organisation as CSV or JSON Lines, page by page, in
//! the list's order, with flat memory: pages are read `--concurrency` at a time and
//! written in order as soon as the ones before them are.
//!
//! The columns are the id, the editable fields by their API names (the form's table
//! decides which and in what order) and `updated_at`, so the file goes back into
//! `apply`. With `-o` the file is private and written under a temporary name, renamed
//! into place once whole: an error or Ctrl-C leaves no file.

use super::exit::{Code, Failure};
use super::paging::{self, PageBar};
use crate::api::Contact;
use crate::cli::{Cli, ExportArgs, ExportFormat, export_columns};
use crate::form::Field;
use crate::index::{Page, Stop, kept, pages};
use std::collections::HashSet;
use std::fs;
use std::io::{self, IsTerminal, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// One column of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Id,
    Field(Field),
    UpdatedAt,
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Column::Id => "id",
            Column::Field(f) => f.api_name(),
            Column::UpdatedAt => "updated_at",
        }
    }

    fn named(name: &str) -> Option<Column> {
        match name {
            "id" => Some(Column::Id),
            "updated_at" => Some(Column::UpdatedAt),
            _ => Field::ALL
                .into_iter()
                .find(|f| f.api_name() == name)
                .map(Column::Field),
        }
    }

    fn of(self, c: &Contact) -> String {
        match self {
            Column::Id => c.id.to_string(),
            Column::Field(f) => f.of(c).to_string(),
            Column::UpdatedAt => c.updated_at.clone(),
        }
    }
}

/// The columns `--fields` names (each once, in its order), or all of them.
fn columns(fields: Option<&[String]>) -> Result<Vec<Column>, Failure> {
    let all = || {
        export_columns()
            .into_iter()
            .filter_map(Column::named)
            .collect()
    };
    let Some(names) = fields else {
        return Ok(all());
    };
    let mut picked = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let column = Column::named(name).ok_or_else(|| {
            Failure::usage(format!(
                "unknown column \"{}\" in --fields; valid: {}",
                crate::text::sanitize_snippet(name, 40),
                export_columns().join(", ")
            ))
        })?;
        if picked.contains(&column) {
            return Err(Failure::usage(format!(
                "column \"{name}\" appears twice in --fields"
            )));
        }
        picked.push(column);
    }
    if picked.is_empty() {
        return Err(Failure::usage("--fields names no column"));
    }
    Ok(picked)
}

pub(super) async fn run(cli: &Cli, args: &ExportArgs) -> Result<Code, Failure> {
    let columns = columns(args.fields.as_deref())?;
    // The file is opened before anything is read, so a wrong path costs no request.
    let (out, target): (Box<dyn Write>, Option<Target>) = match &args.output {
        Some(path) => {
            let (file, target) = Target::open(path)?;
            (Box::new(io::BufWriter::new(file)), Some(target))
        }
        None => (Box::new(io::BufWriter::new(io::stdout().lock())), None),
    };
    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let bar = PageBar::new(io::stderr().is_terminal() && !to_terminal);
    let ctx = super::context(cli, None, bar.retry_note()).await?;
    let mut kept = Keeping::start(&ctx);
    let mut rows = Rows::new(args.format, columns, out, target.is_some());
    let mut written = 0_usize;
    // The ids of the page before: a contact created meanwhile shifts the pages, and the
    // last contacts of one page come again at the start of the next.
    let mut previous: HashSet<u64> = HashSet::new();
    let header = rows.header();
    let sink = |page: Page| -> io::Result<()> {
        let ids: HashSet<u64> = page.contacts.iter().map(|c| c.id).collect();
        for contact in page.contacts {
            if !previous.contains(&contact.id) {
                let contact = contact.sanitized();
                rows.row(&contact)?;
                kept.write(&contact);
                written += 1;
            }
        }
        previous = ids;
        bar.pages(
            page.number,
            page.total_pages,
            format!("{} contacts", paging::count(written)),
        );
        Ok(())
    };
    let read = match header {
        Err(e) => Some(Err(Stop::Sink(e))),
        Ok(()) => {
            let reading = pages::read_all(
                |n| paging::page(&ctx.api, n),
                usize::from(args.concurrency),
                true,
                sink,
            );
            tokio::select! {
                read = reading => Some(read),
                _ = tokio::signal::ctrl_c() => None,
            }
        }
    };
    bar.finish();
    let Some(read) = read else {
        return Err(Failure::new(
            Code::Interrupted,
            match &args.output {
                Some(path) => format!("interrupted; {} was not written", path.display()),
                None => "interrupted; the output is incomplete".to_string(),
            },
        ));
    };
    let name = || {
        args.output
            .as_ref()
            .map_or_else(|| "stdout".to_string(), |p| p.display().to_string())
    };
    let finished = read.and_then(|pagination| {
        rows.finish().map_err(Stop::Sink)?;
        Ok(pagination)
    });
    drop(rows);
    let pagination = match finished {
        Ok(pagination) => pagination,
        Err(stop) => {
            return match stop {
                Stop::Api { page, error } => Err(paging::page_failed(page, &error)),
                // A reader that stopped early (`| head`) is not a failure of the export.
                Stop::Sink(e) if e.kind() == io::ErrorKind::BrokenPipe && target.is_none() => {
                    Ok(Code::Ok)
                }
                Stop::Sink(e) => Err(Failure::new(
                    Code::Api,
                    format!("cannot write {}: {e}", name()),
                )),
            };
        }
    };
    if let Some(target) = target {
        target
            .commit()
            .map_err(|e| Failure::new(Code::Api, format!("cannot write {}: {e}", name())))?;
    }
    kept.commit();
    if written as u64 != pagination.total_count {
        eprintln!(
            "linq-contact: warning: {written} contacts written, but the server counted {} \
             when the export began: contacts were created or deleted meanwhile",
            pagination.total_count
        );
    }
    if args.output.is_some() {
        eprintln!(
            "Exported {} contacts to {}.",
            paging::count(written),
            name()
        );
    }
    Ok(Code::Ok)
}

/// What is exported, kept for `apply` (see [`crate::index::kept`]) unless the config
/// keeps contact data in memory only. Not being able to keep it does not fail the
/// export: `apply` then compares the file with the server alone, and says so.
struct Keeping {
    writer: Option<(PathBuf, kept::Writer)>,
}

impl Keeping {
    fn start(ctx: &super::Context) -> Self {
        let writer = super::roundtrip::kept_path(ctx).and_then(|path| {
            match kept::Writer::create(&path, ctx.journal.server()) {
                Ok(writer) => Some((path, writer)),
                Err(e) => {
                    Self::warn(&path, &e);
                    None
                }
            }
        });
        Self { writer }
    }

    fn write(&mut self, contact: &Contact) {
        if let Some((path, writer)) = &mut self.writer
            && let Err(e) = writer.write(contact)
        {
            Self::warn(path, &e);
            self.writer = None;
        }
    }

    fn commit(self) {
        if let Some((path, writer)) = self.writer
            && let Err(e) = writer.commit()
        {
            Self::warn(&path, &e);
        }
    }

    fn warn(path: &Path, e: &io::Error) {
        eprintln!(
            "linq-contact: warning: cannot keep what is exported in {}: {e}; applying the \
             file back will compare it with the server alone",
            path.display()
        );
    }
}

/// A file being exported to: written under a private temporary name beside it, then
/// renamed into place once whole.
struct Target {
    tmp: PathBuf,
    path: PathBuf,
    /// The same open file, to put it on disk before the rename.
    file: fs::File,
    committed: bool,
}

impl Target {
    /// The temporary file beside `path` (mode 0600), and where to write it.
    fn open(path: &Path) -> Result<(fs::File, Target), Failure> {
        let cannot = |e: io::Error| Failure::usage(format!("cannot write {}: {e}", path.display()));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Failure::usage(format!("{} is not a file name", path.display())))?;
        let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(cannot)?;
        let target = Target {
            file: file.try_clone().map_err(cannot)?,
            tmp,
            path: path.to_path_buf(),
            committed: false,
        };
        Ok((file, target))
    }

    /// On disk, then under its name. The rows must have been flushed.
    fn commit(mut self) -> io::Result<()> {
        self.file.sync_all()?;
        fs::rename(&self.tmp, &self.path)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Target {
    /// No temporary file is left behind, whatever stopped the export.
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// The rows of one format.
struct Rows {
    columns: Vec<Column>,
    format: Format,
}

enum Format {
    Csv {
        writer: Box<csv::Writer<Box<dyn Write>>>,
        bom: bool,
    },
    Jsonl(Box<dyn Write>),
}

impl Rows {
    /// `to_file`: a CSV file starts with a byte order mark, for spreadsheets.
    fn new(format: ExportFormat, columns: Vec<Column>, out: Box<dyn Write>, to_file: bool) -> Self {
        let format = match format {
            ExportFormat::Csv => Format::Csv {
                writer: Box::new(
                    csv::WriterBuilder::new()
                        .terminator(csv::Terminator::CRLF)
                        .from_writer(out),
                ),
                bom: to_file,
            },
            ExportFormat::Jsonl => Format::Jsonl(out),
        };
        Self { columns, format }
    }

    /// The CSV header row (after the byte order mark of a file); nothing for JSON Lines.
    fn header(&mut self) -> io::Result<()> {
        if let Format::Csv { writer, bom } = &mut self.format {
            let mut names: Vec<String> =
                self.columns.iter().map(|c| c.name().to_string()).collect();
            if let (true, Some(first)) = (*bom, names.first_mut()) {
                // Written through the CSV writer, which would quote the mark apart from
                // the name: the first name carries it, and needs no quotes.
                first.insert(0, '\u{feff}');
            }
            writer.write_record(&names)?;
        }
        Ok(())
    }

    fn row(&mut self, c: &Contact) -> io::Result<()> {
        match &mut self.format {
            Format::Csv { writer, .. } => {
                writer.write_record(self.columns.iter().map(|col| col.of(c)))?;
            }
            Format::Jsonl(out) => {
                let mut line = String::from("{");
                for (i, col) in self.columns.iter().enumerate() {
                    if i > 0 {
                        line.push(',');
                    }
                    line.push_str(&serde_json::to_string(col.name())?);
                    line.push(':');
                    let value = match col {
                        Column::Id => c.id.to_string(),
                        other => serde_json::to_string(&other.of(c))?,
                    };
                    line.push_str(&value);
                }
                line.push_str("}\n");
                out.write_all(line.as_bytes())?;
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        match &mut self.format {
            Format::Csv { writer, .. } => writer.flush(),
            Format::Jsonl(out) => out.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact() -> Contact {
        Contact {
            id: 7,
            first_name: "Ana".into(),
            company: "Contoso, \"Ltd.\"".into(),
            updated_at: "2025-07-30T10:00:00.000-05:00".into(),
            contact_owner: Some(crate::api::ContactOwner {
                email: "o@example.com".into(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// What is written, kept to read back.
    #[derive(Clone, Default)]
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn export(format: ExportFormat, fields: Option<&[String]>, to_file: bool) -> String {
        let out = Shared::default();
        let mut rows = Rows::new(
            format,
            columns(fields).unwrap(),
            Box::new(out.clone()),
            to_file,
        );
        rows.header().unwrap();
        rows.row(&contact()).unwrap();
        rows.finish().unwrap();
        drop(rows);
        String::from_utf8(out.0.take()).unwrap()
    }

    #[test]
    fn csv_has_every_column_quoted_as_rfc_4180_with_a_bom_only_in_files() {
        let text = export(ExportFormat::Csv, None, false);
        assert_eq!(
            text,
            "id,first_name,last_name,email,phone_number,company,title,location,user_email,\
             updated_at\r\n\
             7,Ana,,,,\"Contoso, \"\"Ltd.\"\"\",,,o@example.com,2025-07-30T10:00:00.000-05:00\r\n"
        );
        let file = export(ExportFormat::Csv, None, true);
        assert_eq!(file, format!("\u{feff}{text}"));
    }

    #[test]
    fn json_lines_keep_the_columns_order_and_the_id_a_number() {
        let fields = ["updated_at".to_string(), "id".into(), "company".into()];
        assert_eq!(
            export(ExportFormat::Jsonl, Some(&fields), true),
            "{\"updated_at\":\"2025-07-30T10:00:00.000-05:00\",\"id\":7,\
             \"company\":\"Contoso, \\\"Ltd.\\\"\"}\n"
        );
    }

    #[test]
    fn fields_must_be_known_and_named_once() {
        let f = |names: &[&str]| {
            let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
            columns(Some(&names))
        };
        assert_eq!(
            f(&["email", " id"]).unwrap(),
            vec![Column::Field(Field::Email), Column::Id]
        );
        let err = f(&["id", "emial"]).unwrap_err();
        assert_eq!(err.code, Code::Usage);
        assert!(
            err.message.contains("unknown column \"emial\""),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("user_email, updated_at"),
            "{}",
            err.message
        );
        assert!(f(&["id", "id"]).unwrap_err().message.contains("twice"));
        assert!(f(&["", " "]).is_err());
        assert_eq!(columns(None).unwrap().len(), Field::COUNT + 2);
    }
}
