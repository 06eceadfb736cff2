//! What each save, create and delete changed, one JSON line per entry, in
//! `$XDG_STATE_HOME/linq-contact/journal.jsonl`: the API keeps no history, so this is the
//! only record of what this machine changed, and the source for taking a save back.
//!
//! The file is private: created 0600, and tightened to 0600 on every append when it was
//! made looser. Each entry is one write of one line with append + fsync, rotated at 10 MiB
//! to `journal.jsonl.1` (one old file kept). A line torn by a full disk or a crash is never
//! glued to the next entry (the append closes it first), and reading skips it and counts
//! it. Every text of an entry is cleaned of control characters (and bidirectional
//! controls) when it is written and again when it is read, so nothing read back can drive
//! the terminal or reach a request. The token never appears: entries hold the server's
//! address and contact values only.

use crate::api::{Contact, ContactPatch};
use crate::form::Field;
use crate::text::sanitize;
use serde::{Deserialize, Serialize};
use std::fs::{self, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The size at which the journal starts a new file.
pub const ROTATE_AT: u64 = 10 * 1024 * 1024;

/// One save, create or delete of one contact.
///
/// Lines written before entries had ids or batches still read: their id is worked out
/// from the line itself ([`Journal::entries`]), so it is the same at every reading, and
/// their batch is none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Names the entry for `revert` (given when it is appended).
    #[serde(default)]
    pub id: String,
    /// The entries of one action on many contacts (a merge, a batch, a revert of one)
    /// share it; `null` for an action on one contact.
    #[serde(default)]
    pub batch: Option<String>,
    /// When the answer arrived (RFC 3339).
    pub at: String,
    /// Which server: the same id elsewhere is another contact.
    pub server: String,
    pub contact_id: u64,
    /// `save`, `create` or `delete`.
    pub kind: String,
    /// For each field sent: what the server held before and what it stored. For a
    /// delete: each field that had a value, from that value to nothing.
    pub fields: Vec<FieldChange>,
    /// A delete: the whole record as it was, the only way to make it again (the API
    /// cannot undo a delete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<Contact>,
    /// A delete made by a merge: the contact that was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The API's name of the field (`email`, `user_email`, …).
    pub field: String,
    pub before: String,
    pub after: String,
}

impl Entry {
    /// The entry for a save that sent `patch` to a contact that was `before` and is now
    /// `after` (as the server stored it).
    pub fn of_save(
        server: &str,
        at: &str,
        patch: &ContactPatch,
        before: &Contact,
        after: &Contact,
    ) -> Entry {
        Entry {
            id: String::new(),
            batch: None,
            at: at.to_string(),
            server: server.to_string(),
            contact_id: after.id,
            kind: "save".into(),
            fields: Field::ALL
                .into_iter()
                .filter(|f| f.in_patch(patch).is_some())
                .map(|f| FieldChange {
                    field: f.api_name().into(),
                    before: f.of(before).to_string(),
                    after: f.of(after).to_string(),
                })
                .collect(),
            record: None,
            merged_into: None,
        }
    }

    /// The entry for a created contact: every field sent, from nothing.
    pub fn of_create(server: &str, at: &str, patch: &ContactPatch, created: &Contact) -> Entry {
        let mut entry = Self::of_save(server, at, patch, &Contact::default(), created);
        entry.kind = "create".into();
        entry
    }

    /// The entry for a deleted contact: `record` as it was just before (every field with
    /// a value, to nothing), kept whole; `merged_into`: the contact a merge kept.
    pub fn of_delete(record: &Contact, merged_into: Option<u64>) -> Entry {
        let mut entry = Self::of_save("", "", &ContactPatch::default(), record, record);
        entry.kind = "delete".into();
        entry.fields = Field::ALL
            .into_iter()
            .filter(|f| !f.of(record).is_empty())
            .map(|f| FieldChange {
                field: f.api_name().into(),
                before: f.of(record).to_string(),
                after: String::new(),
            })
            .collect();
        entry.record = Some(record.clone());
        entry.merged_into = merged_into;
        entry
    }

    /// The same entry in `batch`.
    pub fn in_batch(mut self, batch: Option<&str>) -> Entry {
        self.batch = batch.map(str::to_string);
        self
    }

    /// The same entry with every text cleaned of control characters and bidirectional
    /// controls ([`sanitize`]).
    pub fn cleaned(&self) -> Entry {
        Entry {
            id: sanitize(&self.id),
            batch: self.batch.as_deref().map(sanitize),
            record: self.record.clone().map(Contact::sanitized),
            merged_into: self.merged_into,
            at: sanitize(&self.at),
            server: sanitize(&self.server),
            contact_id: self.contact_id,
            kind: sanitize(&self.kind),
            fields: self
                .fields
                .iter()
                .map(|c| FieldChange {
                    field: sanitize(&c.field),
                    before: sanitize(&c.before),
                    after: sanitize(&c.after),
                })
                .collect(),
        }
    }

    /// A create: there was no contact before it, so it cannot be taken back by putting
    /// old values into the form.
    pub fn is_create(&self) -> bool {
        self.kind == "create"
    }

    /// A delete: taken back by making the contact again, under a new id.
    pub fn is_delete(&self) -> bool {
        self.kind == "delete"
    }

    /// The field of the form a change is about, when it is one the form knows.
    pub fn field_of(change: &FieldChange) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|f| f.api_name() == change.field)
    }
}

/// Why the journal could not be written or read; names the file. A write failure is worded
/// to follow [`not_recorded`].
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot read the journal {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
}

/// What the status pane and the commands say when a save's entry could not be written:
/// the save itself stands.
pub fn not_recorded(reason: &str) -> String {
    format!("⚠ this save is not in the journal: {reason}")
}

/// The entries read, and how many lines were skipped because they do not read as entries
/// (torn by a full disk or a crash, or edited by hand).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entries {
    /// Newest first.
    pub entries: Vec<Entry>,
    pub skipped: usize,
}

impl Entries {
    /// "2 unreadable journal lines skipped", when any were.
    pub fn skipped_note(&self) -> Option<String> {
        skipped_note(self.skipped)
    }
}

/// "1 unreadable journal line skipped", "3 unreadable journal lines skipped"; nothing for 0.
pub fn skipped_note(skipped: usize) -> Option<String> {
    match skipped {
        0 => None,
        1 => Some("1 unreadable journal line skipped".to_string()),
        n => Some(format!("{n} unreadable journal lines skipped")),
    }
}

/// The journal file of this user.
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
    rotate_at: u64,
}

impl Journal {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            rotate_at: ROTATE_AT,
        }
    }

    /// `<state dir>/journal.jsonl`.
    pub fn from_env() -> Option<Self> {
        crate::drafts::state_dir().map(|d| Self::new(d.join("journal.jsonl")))
    }

    /// Rotation at another size (tests).
    pub fn with_rotation_at(mut self, bytes: u64) -> Self {
        self.rotate_at = bytes;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn old_path(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(".1");
        PathBuf::from(name)
    }

    /// Appends one entry, cleaned, as one line, synced to disk before returning.
    pub fn append(&self, entry: &Entry) -> Result<(), JournalError> {
        self.try_append(entry)
            .map_err(|source| JournalError::Write {
                path: self.path.clone(),
                source,
            })
    }

    fn try_append(&self, entry: &Entry) -> io::Result<()> {
        if let Some(dir) = self.path.parent() {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
        if fs::metadata(&self.path).is_ok_and(|m| m.len() >= self.rotate_at) {
            fs::rename(&self.path, self.old_path())?;
        }
        let file = open_private(&self.path)?;
        let meta = tighten(&file)?;
        let mut line = Vec::new();
        // A line torn by an earlier failed write is closed first, so this entry starts a
        // line of its own and both are not lost as one unreadable line.
        if meta.len() > 0 {
            let mut last = [0u8];
            file.read_exact_at(&mut last, meta.len() - 1)?;
            if last[0] != b'\n' {
                line.push(b'\n');
            }
        }
        let mut entry = entry.cleaned();
        if entry.id.is_empty() {
            entry.id = new_id();
        }
        serde_json::to_writer(&mut line, &entry).map_err(io::Error::other)?;
        line.push(b'\n');
        // One write of the whole line: appends of concurrent writers never interleave
        // within it.
        (&file).write_all(&line)?;
        file.sync_all()
    }

    /// Entries for `server` (and `contact`, when given), newest first, cleaned. Lines that
    /// do not read as entries are skipped and counted. A journal that does not exist yet
    /// is empty; one that exists and cannot be read is an error.
    pub fn entries(&self, server: &str, contact: Option<u64>) -> Result<Entries, JournalError> {
        let mut out = Entries::default();
        for path in [self.old_path(), self.path.clone()] {
            let Some(bytes) = read_if_present(&path)? else {
                continue;
            };
            for line in bytes.split(|b| *b == b'\n') {
                if line.trim_ascii().is_empty() {
                    continue;
                }
                match serde_json::from_slice::<Entry>(line) {
                    Ok(mut e)
                        if e.server == server && contact.is_none_or(|id| e.contact_id == id) =>
                    {
                        if e.id.trim().is_empty() {
                            e.id = id_of_line(line);
                        }
                        out.entries.push(e.cleaned());
                    }
                    Ok(_) => {}
                    Err(_) => out.skipped += 1,
                }
            }
        }
        out.entries.reverse();
        Ok(out)
    }
}

/// A new id for an entry or a batch: twelve hex digits, from the clock, the process and
/// a counter, mixed by the standard library's randomly keyed hasher, so two machines or
/// two runs do not hand out the same one.
pub fn new_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(nanos);
    hasher.write_u32(std::process::id());
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    format!("{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}

/// The id of a line written before entries had one: FNV-1a of its bytes, so the same
/// line has the same id at every reading (and on every machine).
fn id_of_line(line: &[u8]) -> String {
    let hash = line.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{:012x}", hash & 0xffff_ffff_ffff)
}

/// Opens the journal to append to it (and read its last byte), creating it 0600 whatever
/// the umask.
fn open_private(path: &Path) -> io::Result<fs::File> {
    OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .mode(0o600)
        .open(path)
}

/// The mode given on opening applies to a new file only: one made looser (by hand, by a
/// copy, by an older version) is made private again. Returns the file's metadata.
fn tighten(file: &fs::File) -> io::Result<fs::Metadata> {
    let meta = file.metadata()?;
    if meta.permissions().mode() & 0o777 != 0o600 {
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    Ok(meta)
}

/// The whole file, or `None` when there is none.
fn read_if_present(path: &Path) -> Result<Option<Vec<u8>>, JournalError> {
    let failed = |source| JournalError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(failed(e)),
    };
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(failed)?;
    Ok(Some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER: &str = "https://api.linqapp.com";

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lc-journal-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir.join("journal.jsonl")
    }

    fn entry(id: u64, title: &str) -> Entry {
        Entry {
            at: "2026-01-01T10:00:00+00:00".into(),
            server: SERVER.into(),
            contact_id: id,
            kind: "save".into(),
            fields: vec![FieldChange {
                field: "title".into(),
                before: "Old".into(),
                after: title.into(),
            }],
            ..Entry::default()
        }
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn titles(read: &Entries) -> Vec<&str> {
        read.entries
            .iter()
            .map(|e| e.fields[0].after.as_str())
            .collect()
    }

    #[test]
    fn entries_are_private_lines_read_back_newest_first() {
        let journal = Journal::new(temp("order"));
        journal.append(&entry(1, "A")).unwrap();
        journal.append(&entry(2, "B")).unwrap();
        journal.append(&entry(1, "C")).unwrap();
        assert_eq!(mode(journal.path()), 0o600);
        let all = journal.entries(SERVER, None).unwrap();
        assert_eq!(titles(&all), ["C", "B", "A"]);
        assert_eq!(all.skipped, 0);
        let one = journal.entries(SERVER, Some(1)).unwrap();
        assert_eq!(one.entries.len(), 2);
        assert!(
            journal
                .entries("http://127.0.0.1:1", None)
                .unwrap()
                .entries
                .is_empty()
        );
        assert_eq!(
            fs::read_to_string(journal.path()).unwrap().lines().count(),
            3
        );
    }

    /// Run by [`a_new_journal_is_created_private_whatever_the_umask`] in a child process
    /// whose umask is 0, where only the mode asked for on creation keeps the file private.
    fn create_under_umask_zero(dir: &Path) {
        // The umask really is 0 here: a file created without a mode is 0666.
        let control = dir.join("control");
        fs::File::create(&control).unwrap();
        assert_eq!(mode(&control), 0o666, "the child's umask is not 0");
        // Opening creates it 0600, before anything tightens it.
        let opened = dir.join("opened.jsonl");
        drop(open_private(&opened).unwrap());
        assert_eq!(mode(&opened), 0o600);
        // And an append, end to end.
        let journal = Journal::new(dir.join("journal.jsonl"));
        journal.append(&entry(1, "A")).unwrap();
        assert_eq!(mode(journal.path()), 0o600);
    }

    #[test]
    fn a_new_journal_is_created_private_whatever_the_umask() {
        const CHILD: &str = "LC_JOURNAL_UMASK_ZERO_DIR";
        if let Some(dir) = std::env::var_os(CHILD) {
            create_under_umask_zero(Path::new(&dir));
            return;
        }
        // The umask is the whole process's: it is set in a child, never here, where
        // other tests create files at the same time.
        let dir = temp("umask").parent().unwrap().to_path_buf();
        fs::create_dir_all(&dir).unwrap();
        let out = std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg("umask 000 && exec \"$0\" \"$@\"")
            .arg(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "journal::tests::a_new_journal_is_created_private_whatever_the_umask",
                "--test-threads=1",
            ])
            .env(CHILD, &dir)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn an_existing_journal_made_looser_is_tightened_on_append() {
        let journal = Journal::new(temp("loose"));
        fs::create_dir_all(journal.path().parent().unwrap()).unwrap();
        fs::write(journal.path(), "").unwrap();
        fs::set_permissions(journal.path(), fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(mode(journal.path()), 0o644);
        journal.append(&entry(1, "A")).unwrap();
        assert_eq!(mode(journal.path()), 0o600);
        assert_eq!(
            titles(&journal.entries(SERVER, None).unwrap()),
            ["A"],
            "the entry went into the file that was there"
        );
    }

    #[test]
    fn a_torn_line_is_closed_before_the_next_entry_and_counted_when_read() {
        let journal = Journal::new(temp("torn"));
        journal.append(&entry(1, "A")).unwrap();
        // A full disk stopped the next write half way.
        let whole = serde_json::to_string(&entry(2, "B")).unwrap();
        let mut file = OpenOptions::new()
            .append(true)
            .open(journal.path())
            .unwrap();
        file.write_all(&whole.as_bytes()[..whole.len() / 2])
            .unwrap();
        drop(file);
        journal.append(&entry(3, "C")).unwrap();
        let text = fs::read_to_string(journal.path()).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.ends_with('\n'));
        let read = journal.entries(SERVER, None).unwrap();
        assert_eq!(titles(&read), ["C", "A"]);
        assert_eq!(read.skipped, 1);
        assert_eq!(
            read.skipped_note().as_deref(),
            Some("1 unreadable journal line skipped")
        );
        // A journal ending in a whole line gains no blank line.
        journal.append(&entry(4, "D")).unwrap();
        let text = fs::read_to_string(journal.path()).unwrap();
        assert_eq!(text.lines().count(), 4, "{text}");
        assert!(!text.contains("\n\n"), "{text}");
    }

    #[test]
    fn unreadable_lines_are_skipped_and_counted_not_the_rest_of_the_file() {
        let journal = Journal::new(temp("garbage"));
        journal.append(&entry(1, "A")).unwrap();
        let mut file = OpenOptions::new()
            .append(true)
            .open(journal.path())
            .unwrap();
        // Not UTF-8, not JSON, JSON of another shape, and a blank line (not counted).
        file.write_all(b"\xff\xfe{\"at\"\nnot json\n{\"at\": 1}\n\n")
            .unwrap();
        drop(file);
        journal.append(&entry(2, "B")).unwrap();
        let read = journal.entries(SERVER, None).unwrap();
        assert_eq!(titles(&read), ["B", "A"]);
        assert_eq!(read.skipped, 3);
        assert_eq!(skipped_note(0), None);
        assert_eq!(
            skipped_note(3).as_deref(),
            Some("3 unreadable journal lines skipped")
        );
    }

    #[test]
    fn a_journal_that_cannot_be_read_is_an_error_naming_it_and_a_missing_one_is_empty() {
        let journal = Journal::new(temp("unreadable"));
        assert_eq!(
            journal.entries(SERVER, None).unwrap(),
            Entries::default(),
            "no journal yet"
        );
        fs::create_dir_all(journal.path()).unwrap();
        let err = journal.entries(SERVER, None).unwrap_err();
        assert!(matches!(err, JournalError::Read { .. }), "{err:?}");
        assert!(
            err.to_string().starts_with(&format!(
                "cannot read the journal {}: ",
                journal.path().display()
            )),
            "{err}"
        );
        // A file where its directory should be: not "no journal yet" either.
        let blocked = temp("blocked");
        fs::create_dir_all(blocked.parent().unwrap()).unwrap();
        fs::write(&blocked, "").unwrap();
        let under_a_file = Journal::new(blocked.join("journal.jsonl"));
        assert!(matches!(
            under_a_file.entries(SERVER, None),
            Err(JournalError::Read { .. })
        ));
        let err = journal.append(&entry(1, "A")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("cannot write {}: ", journal.path().display())),
            "{err}"
        );
    }

    #[test]
    fn text_is_cleaned_when_written_and_when_read() {
        let dirty = |s: &str| format!("{s}\u{1b}]0;owned\u{7}\u{202e}");
        let mut e = entry(1, &dirty("New"));
        e.fields[0].before = dirty("Old");
        e.fields[0].field = dirty("title");
        e.kind = dirty("save");
        e.at = dirty("2026-01-01T10:00:00+00:00");
        // Written: nothing of it reaches the file.
        let journal = Journal::new(temp("clean"));
        journal.append(&e).unwrap();
        let text = fs::read_to_string(journal.path()).unwrap();
        assert!(
            !text.contains("\\u001b") && !text.contains('\u{202e}'),
            "{text}"
        );
        assert!(text.contains("\"after\":\"New]0;owned\""), "{text}");
        // Read: a line written by something else is cleaned too.
        let journal = Journal::new(temp("clean-read"));
        fs::create_dir_all(journal.path().parent().unwrap()).unwrap();
        let mut line = serde_json::to_string(&e).unwrap();
        line.push('\n');
        fs::write(journal.path(), line).unwrap();
        let read = journal.entries(SERVER, None).unwrap();
        let got = &read.entries[0];
        assert_eq!(got.at, "2026-01-01T10:00:00+00:00]0;owned");
        assert_eq!(got.kind, "save]0;owned");
        assert_eq!(
            got.fields[0],
            FieldChange {
                field: "title]0;owned".into(),
                before: "Old]0;owned".into(),
                after: "New]0;owned".into(),
            }
        );
    }

    #[test]
    fn old_lines_still_read_with_an_id_of_their_own_and_no_batch() {
        let journal = Journal::new(temp("old-lines"));
        fs::create_dir_all(journal.path().parent().unwrap()).unwrap();
        // Written before entries had an id, a batch or a record.
        let old = format!(
            "{{\"at\":\"2025-01-01T10:00:00+00:00\",\"server\":\"{SERVER}\",\"contact_id\":5,\
             \"kind\":\"save\",\"fields\":[{{\"field\":\"title\",\"before\":\"A\",\"after\":\"B\"}}]}}\n"
        );
        fs::write(journal.path(), &old).unwrap();
        journal.append(&entry(6, "C").in_batch(Some("b1"))).unwrap();
        let read = journal.entries(SERVER, None).unwrap();
        assert_eq!(read.skipped, 0);
        let (new, old_entry) = (&read.entries[0], &read.entries[1]);
        assert_eq!(old_entry.batch, None);
        assert_eq!(old_entry.fields[0].after, "B");
        assert_eq!(old_entry.id.len(), 12, "{}", old_entry.id);
        assert!(old_entry.id.chars().all(|c| c.is_ascii_hexdigit()));
        let again = journal.entries(SERVER, None).unwrap();
        assert_eq!(
            again.entries[1].id, old_entry.id,
            "the same id at every reading"
        );
        assert_eq!(new.batch.as_deref(), Some("b1"));
        assert_eq!(new.id.len(), 12);
        assert_ne!(new.id, old_entry.id);
        // The old line is left as it was.
        assert!(
            fs::read_to_string(journal.path())
                .unwrap()
                .starts_with(&old)
        );
    }

    #[test]
    fn a_delete_keeps_the_whole_record_and_each_value_it_took_away() {
        let record = Contact {
            id: 9,
            first_name: "Ana\u{1b}[2J".into(),
            email: "ana@example.com".into(),
            created_at: "2025-01-01T00:00:00.000+00:00".into(),
            ..Contact::default()
        };
        let journal = Journal::new(temp("delete"));
        let mut e = Entry::of_delete(&record, Some(4));
        e.server = SERVER.into();
        journal.append(&e).unwrap();
        let read = &journal.entries(SERVER, Some(9)).unwrap().entries[0];
        assert!(read.is_delete());
        assert_eq!(read.merged_into, Some(4));
        assert_eq!(read.record, Some(record.sanitized()));
        let fields: Vec<(&str, &str, &str)> = read
            .fields
            .iter()
            .map(|c| (c.field.as_str(), c.before.as_str(), c.after.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("first_name", "Ana[2J", ""),
                ("email", "ana@example.com", "")
            ]
        );
    }

    #[test]
    fn rotation_keeps_one_old_file() {
        let journal = Journal::new(temp("rotate")).with_rotation_at(200);
        for i in 0..10 {
            journal.append(&entry(i, "x")).unwrap();
        }
        let old = journal.old_path();
        assert!(old.exists());
        assert!(fs::metadata(journal.path()).unwrap().len() < 400);
        // Only the newest two files' entries remain, still newest first.
        let ids: Vec<u64> = journal
            .entries(SERVER, None)
            .unwrap()
            .entries
            .iter()
            .map(|e| e.contact_id)
            .collect();
        assert_eq!(ids.first(), Some(&9));
        assert!(
            ids.len() < 10 && ids.windows(2).all(|w| w[0] > w[1]),
            "{ids:?}"
        );
    }
}
