//! The application state and its pure transitions: `update(Msg) -> Vec<Effect>`.
//!
//! Nothing here touches the network, the terminal or the clock; the runtime performs the
//! effects and feeds results back as messages (and tells the time with
//! [`App::observe_time`]). Every request carries a generation number, and a result whose
//! generation and kind are not the ones awaited is dropped (latest request wins).

mod create;
mod editing;
mod keys;
mod load;
mod many;
mod merge;
mod navigate;
mod org;
mod queue;
mod requests;
mod save;
mod screen;
mod undo;
mod update;

use crate::api::{ApiError, Contact, ContactPatch};
use crate::drafts::Draft;
use crate::form::{Field, Form, PlanError};
use crate::keymap::KeyEvent;
use crate::recent::Summary;
use crate::target::Target;
use phonenumber::country::Id as Region;

pub use crate::dialogs::Overlay;
pub use crate::dialogs::save_in_flight::Departure;
pub use editing::Editing;
pub use many::{Many, OneSaved, WriteEnd};
pub use merge::{OneDeleted, Removed};
pub use requests::{Activity, Sent};
use requests::{Pending, Requests};
pub use screen::{MIN_HEIGHT, MIN_WIDTH};

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key pressed, in the crate's own terms (the runtime converts the terminal's).
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    /// Spinner step; sent by the runtime only while a request is in flight.
    Tick,
    /// A read failed in a way worth retrying; the runtime tries again after `delay`.
    Retrying {
        generation: u64,
        attempt: u32,
        /// Time left before the next attempt; sent again as it counts down.
        delay: std::time::Duration,
        /// Why the last attempt failed.
        reason: String,
    },
    /// The result of any read of the contact (open, reload, the check before a save,
    /// the check after an uncertain save).
    Loaded {
        generation: u64,
        result: Result<Contact, ApiError>,
    },
    Saved {
        generation: u64,
        result: Result<Contact, ApiError>,
    },
    /// The answer of the find endpoint (by e-mail or phone).
    Found {
        generation: u64,
        result: Result<Option<Contact>, ApiError>,
    },
    /// Every contact a create's lookups found (each key looked up alone).
    LookedUp {
        generation: u64,
        result: Result<Vec<Contact>, ApiError>,
    },
    /// The pause of this generation has `left` to run (a countdown step).
    Counted {
        generation: u64,
        left: std::time::Duration,
    },
    /// The pause of this generation is over.
    Waited {
        generation: u64,
    },
    /// Contacts read together (to change them at once), or why they could not be.
    LoadedMany {
        generation: u64,
        result: Result<Vec<Contact>, ApiError>,
    },
    /// One write of several ended.
    SavedOne(Box<OneSaved>),
    /// One delete of a merge ended.
    DeletedOne(Box<OneDeleted>),
    /// The journal's entries of batch `batch` (newest first), or why they could not be
    /// read.
    BatchRead {
        batch: String,
        result: Result<Vec<crate::journal::Entry>, String>,
    },
    /// The organisation's index as kept on disk, if there is one (it may be old).
    IndexLoaded(Option<Box<crate::index::Index>>),
    /// A page of the organisation's contacts arrived, of a reading of every page;
    /// `pages`: how many have arrived, of how many.
    IndexPage {
        generation: u64,
        entries: Vec<crate::index::Entry>,
        pages: (u32, u32),
    },
    /// A reading of every page ended: the new index, or why it failed.
    IndexRead {
        generation: u64,
        result: Result<Box<crate::index::Index>, ApiError>,
    },
    /// A mouse click (only with `mouse = true`): on a field it focuses the field.
    Click(Hit),
    /// Mouse wheel: positive is down. Scrolls the picker or the status pane.
    Scroll(i16),
    /// Something about the editor's surroundings the user should know once (the log
    /// cannot be written); shown with the config problems.
    Notice(String),
    /// The answer to a create (`POST`).
    Created {
        generation: u64,
        result: Result<Contact, ApiError>,
    },
    /// The journal's entries for contact `id`, newest first, and how many of its lines
    /// could not be read (skipped).
    History {
        id: u64,
        entries: Vec<crate::journal::Entry>,
        skipped: usize,
    },
    /// The journal could not be read for contact `id`'s history (why, naming the file).
    HistoryUnreadable {
        id: u64,
        reason: String,
    },
    /// The entry of the last save or create could not be written to the journal (why,
    /// naming the file); the save itself stands.
    NotJournalled(String),
    /// The draft on disk for contact `id`, if any.
    DraftFound {
        id: u64,
        draft: Option<Box<Draft>>,
    },
}

/// What a mouse click points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    Field(Field),
}

/// Something the runtime must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Load {
        generation: u64,
        id: u64,
    },
    /// A read after `delay`: the second look at an uncertain save.
    LoadLater {
        generation: u64,
        id: u64,
        delay: std::time::Duration,
    },
    Save {
        generation: u64,
        id: u64,
        patch: ContactPatch,
    },
    Find {
        generation: u64,
        email: Option<String>,
        phone: Option<String>,
    },
    /// Look each target up alone and answer with every contact found (a create's
    /// duplicate check, and the check after a create whose answer was lost).
    Lookup {
        generation: u64,
        targets: Vec<Target>,
    },
    /// Wait, counting down in the status pane, then answer `Msg::Waited`.
    Wait {
        generation: u64,
        delay: std::time::Duration,
    },
    /// `POST` a new contact.
    Create {
        generation: u64,
        patch: ContactPatch,
    },
    /// Read the journal's entries for this contact.
    LoadHistory {
        id: u64,
    },
    /// Read these contacts, several at once; answered by one `Msg::LoadedMany`.
    LoadMany {
        generation: u64,
        ids: Vec<u64>,
    },
    /// `PUT` each body to its contact, several at once, following the protocol for each
    /// answer; one `Msg::SavedOne` for each.
    SaveMany {
        generation: u64,
        saves: Vec<(u64, ContactPatch)>,
    },
    /// `DELETE` each contact, one after another, following the protocol for each
    /// answer (a lost one is read back, never sent again); one `Msg::DeletedOne` for
    /// each, carrying `batch` (or a new one, made by the runtime).
    DeleteMany {
        generation: u64,
        ids: Vec<u64>,
        batch: Option<String>,
    },
    /// Read the journal's entries of this batch (answered by `Msg::BatchRead`).
    ReadBatch {
        batch: String,
    },
    /// Read the organisation's index from disk (answered by `Msg::IndexLoaded`).
    LoadIndex,
    /// Read every page of the contact list, several at once, into a new index (kept on
    /// disk unless the config says memory only); each page as it arrives.
    ReadIndex {
        generation: u64,
    },
    /// A contact saved or created here, for the index on disk.
    KeepInIndex(Box<crate::index::Entry>),
    /// A contact deleted here, out of the index on disk.
    DropFromIndex(u64),
    /// Look for a draft of this contact (it has just been opened).
    CheckDraft {
        id: u64,
    },
    /// Persist the recently opened list.
    SaveRecent(Vec<Summary>),
    /// Put text on the clipboard of the user's terminal (OSC 52, works over SSH).
    Copy(String),
    /// Abandon the request of this generation (the user pressed Esc, or left).
    Cancel {
        generation: u64,
    },
    /// The draft of this contact is no longer wanted (saved, or discarded by the user).
    DeleteDraft {
        id: u64,
    },
    /// Append to the journal of saves; the runtime stamps the time and the server.
    Journal(Box<crate::journal::Entry>),
    /// Clear and repaint every cell (Ctrl-L, after a terminal glitch).
    ClearScreen,
    Quit,
}

/// What the status pane says about the last thing that happened. What is happening
/// now (loading, saving…) is not kept here: it is derived from the request in flight
/// ([`App::activity`]).
#[derive(Debug, Clone)]
pub enum Status {
    /// Nothing to report yet (a first load is on its way).
    Idle,
    Loaded,
    /// What the check before the review found: server changes taken into the form.
    Merged {
        taken: Vec<Field>,
        conflicts: Vec<Field>,
    },
    /// The answer to an uncertain save: did the change reach the server?
    Verified {
        landed: bool,
        /// What made the outcome uncertain (a timeout, a cancel, an unreadable answer).
        why: String,
        /// Sent fields the server did not store as sent.
        unapplied: Vec<crate::form::Unapplied>,
        /// The time of the read that looked (HH:MM:SS), when known.
        as_of: Option<String>,
        /// Another look will follow by itself.
        again: bool,
    },
    CheckFailed(ApiError),
    /// Opening another contact failed; the current one stays.
    OpenFailed(Target, ApiError),
    /// The find endpoint answered `{"contact": null}`.
    NoMatch(Target),
    /// The clipboard was asked to take the curl command.
    Copied,
    Cancelled(&'static str),
    /// Draft restored; `conflicts` are fields the server changed since the draft.
    Restored {
        conflicts: Vec<Field>,
    },
    /// The save succeeded; `changed` are the fields whose server value moved, `taken`
    /// those a colleague changed meanwhile and the form took over.
    Saved {
        changed: Vec<Field>,
        taken: Vec<Field>,
        /// Sent fields the server did not store as sent (or an owner changed unasked).
        unapplied: Vec<crate::form::Unapplied>,
    },
    /// A reload arrived after the user typed: their typing is kept as edits.
    Reloaded {
        kept: Vec<Field>,
        conflicts: Vec<Field>,
    },
    LoadFailed(ApiError),
    SaveFailed(ApiError),
    /// The server refused to create the new contact; the form stays.
    CreateFailed(ApiError),
    /// The re-read after an uncertain save failed: whether it landed is still unknown.
    VerifyFailed {
        why: String,
        error: ApiError,
    },
    Blocked(PlanError),
    /// Ctrl-S while another request is in flight.
    Busy,
    /// The check found the server already holds every edited value.
    NothingLeft,
    /// The check came back after the user typed: the review was not popped up.
    TypedDuringCheck,
    /// The contact changed on the server between the review and sending.
    ChangedDuringReview,
    /// `r` in a review with conflicts; `rest`: other edits remain to send.
    TookTheirs {
        fields: Vec<Field>,
        rest: bool,
    },
    /// Keys are refused while another contact is being opened.
    Opening,
    /// The user left a contact whose save was in flight: its outcome is unknown.
    LeftWhileSaving(u64),
    NothingToUndo,
    /// An empty form for a new contact is open.
    NewContact,
    /// Ctrl-N with unsaved edits: save or discard them first.
    NewBlocked,
    /// A contact was created (`verified`: the answer was lost and a lookup found it).
    Created {
        id: u64,
        verified: bool,
    },
    /// A create whose answer was lost, and a lookup that did not find the contact.
    NotCreated {
        why: String,
        as_of: Option<String>,
    },
    /// F3 could not read the journal (why, naming the file).
    JournalUnreadable(String),
    /// Several contacts are open together in an empty form.
    ManyOpen,
    /// Marked contacts cannot be opened over unsaved edits or a save in flight.
    ManyBlocked,
    /// A batch holds what the editor cannot take back (deletes of a merge, creates):
    /// the command line can.
    BatchNeedsCommand(String),
    /// A change to several contacts was sent: each one's outcome, in the order they
    /// ended, and the batch its journal entries share.
    SentMany {
        done: Vec<(u64, Sent)>,
        batch: String,
    },
    /// A merge stopped before any delete: its save failed (`error`), or the server did
    /// not store every value sent (`not_stored`).
    MergeStopped {
        keep: u64,
        error: Option<ApiError>,
        not_stored: Vec<Field>,
    },
    /// A merge ended: what became of each contact it was to delete, and its batch.
    MergeEnded {
        keep: u64,
        removed: Vec<(u64, Removed)>,
        batch: String,
    },
    /// History `u`: the values from before a save are back in the form as edits.
    PutBack {
        fields: Vec<Field>,
        at: String,
    },
}

/// Settings the core needs; the shell fills them from the config.
#[derive(Debug, Clone)]
pub struct AppOptions {
    /// Shown in the header so the user knows which server they are editing.
    pub api_label: String,
    /// The profile in use: the header names it (in its colour; red for production).
    pub profile: crate::config::Profile,
    /// The API base URL, for the curl command the review can copy.
    pub api_url: String,
    pub region: Region,
    /// No colours, attributes only (`NO_COLOR`).
    pub monochrome: bool,
    /// Where things live on disk, for the help screen.
    pub paths: Paths,
    pub keymap: crate::keymap::Keymap,
    /// `false`: when the check finds no conflict, Ctrl-S sends without the review.
    pub confirm_before_save: bool,
    /// Problems with the configuration (and later notices), shown in the status pane.
    pub notices: Vec<String>,
    /// How old the organisation's index may be before the picker reads it again.
    pub index_max_age: std::time::Duration,
}

/// Files the help screen points to (display strings; "(none)" when unknown).
#[derive(Debug, Clone, Default)]
pub struct Paths {
    pub config: String,
    pub log: String,
    pub drafts: String,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            api_label: String::new(),
            profile: crate::config::Profile::default(),
            api_url: "https://api.linqapp.com".into(),
            region: Region::US,
            monochrome: false,
            paths: Paths::default(),
            keymap: crate::keymap::Keymap::default(),
            confirm_before_save: true,
            notices: Vec::new(),
            index_max_age: crate::config::DEFAULT_INDEX_MAX_AGE,
        }
    }
}

#[derive(Debug, Clone)]
pub struct App {
    options: AppOptions,
    /// The contact being edited or asked for (0 while a lookup by e-mail or phone has
    /// not found one yet).
    contact_id: u64,
    /// What the user asked to open, for the header while nothing is loaded yet.
    target: Target,
    /// The open contact; replaced whole when another one (or a reload) arrives.
    editing: Option<Editing>,
    /// The dialog on screen, and those waiting their turn behind it.
    dialogs: queue::DialogQueue,
    status: Status,
    /// Why the last save's journal entry could not be written; shown with the status
    /// until the status changes or another entry is written.
    not_journalled: Option<String>,
    /// The request in flight and what goes with it.
    requests: Requests,
    /// Fields of the record just received that had control characters removed; taken
    /// by the open contact when it adopts the record.
    cleaned_now: Vec<Field>,
    /// A draft found on disk, offered once the contact has loaded.
    draft: Option<Box<Draft>>,
    /// Recently opened contacts, newest first (the picker lists them first).
    recent: Vec<Summary>,
    /// The screen's size, the spinner, scrolling.
    screen: screen::Screen,
    /// The organisation's contacts, for the picker.
    org: org::Org,
    quitting: bool,
}

impl App {
    /// A new app that is about to load `contact_id`; the returned effect starts the load.
    pub fn new(options: AppOptions, contact_id: u64) -> (Self, Vec<Effect>) {
        Self::open(options, Target::Id(contact_id))
    }

    /// A new app opening `target`: a load by id, or a find by e-mail or phone.
    pub fn open(options: AppOptions, target: Target) -> (Self, Vec<Effect>) {
        let contact_id = match target {
            Target::Id(id) => id,
            _ => 0,
        };
        let mut app = Self {
            options,
            contact_id,
            target: target.clone(),
            editing: None,
            dialogs: queue::DialogQueue::default(),
            status: Status::Idle,
            not_journalled: None,
            requests: Requests::default(),
            cleaned_now: Vec::new(),
            draft: None,
            recent: Vec::new(),
            screen: screen::Screen::default(),
            org: org::Org::default(),
            quitting: false,
        };
        let effects = match target {
            Target::Id(_) => app.start_load(),
            other => app.start_find(other),
        };
        (app, effects)
    }

    /// The recently opened contacts the picker lists first.
    pub fn with_recent(mut self, recent: Vec<Summary>) -> Self {
        self.recent = recent;
        self
    }

    /// Offers `draft` once the contact has loaded.
    pub fn with_draft(mut self, draft: Option<Draft>) -> Self {
        self.draft = draft
            .filter(|d| d.contact_id == self.contact_id)
            .map(Box::new);
        self
    }

    /// The unsent edits as a draft, or `None` when there are none.
    pub fn draft(&self, api_url: &str, saved_at: &str) -> Option<Draft> {
        // A create that went out may have happened: a draft of it, restored later, would
        // post a second contact. Its outcome is for a lookup to tell, not for a draft.
        let creating = self.requests.in_flight.as_ref().is_some_and(|f| {
            matches!(
                f.what,
                Pending::Create { .. } | Pending::VerifyCreate { .. }
            )
        });
        if creating {
            return None;
        }
        let editing = self.editing.as_ref()?;
        let values: std::collections::BTreeMap<String, String> = editing
            .form
            .dirty_fields()
            .into_iter()
            .map(|f| (f.api_name().to_string(), editing.form.value(f).to_string()))
            .collect();
        (!values.is_empty()).then(|| Draft {
            api_url: api_url.to_string(),
            contact_id: editing.record.id,
            saved_at: saved_at.to_string(),
            loaded: editing.record.clone(),
            values,
        })
    }

    /// The runtime tells the time (HH:MM:SS) before handing over a result, so the
    /// status pane can say "as of" without the core reading a clock.
    pub fn observe_time(&mut self, hhmmss: impl Into<String>) {
        self.requests.clock = Some(hhmmss.into());
    }

    /// The runtime reports how far the status pane and the open overlay can scroll, as
    /// just drawn.
    pub fn set_scroll_limits(&mut self, status: u16, overlay: u16) {
        self.screen.set_scroll_limits(status, overlay);
    }

    /// What the server said about particular fields in its last refusal.
    pub fn server_problems(&self) -> &[(Field, String)] {
        self.editing
            .as_ref()
            .map_or(&[], |e| e.server_problems.as_slice())
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    pub fn overlay_scroll(&self) -> u16 {
        self.screen.dialog_scroll
    }

    pub fn status_scroll(&self) -> u16 {
        self.screen.status_scroll
    }

    /// (attempt, time left, why the last one failed) while a read waits to retry.
    pub fn retry(&self) -> Option<(u32, std::time::Duration, &str)> {
        self.requests
            .retry
            .as_ref()
            .map(|(a, d, r)| (*a, *d, r.as_str()))
    }

    pub fn options(&self) -> &AppOptions {
        &self.options
    }

    pub fn contact_id(&self) -> u64 {
        self.contact_id
    }

    /// The open contact, when one is loaded.
    pub fn editing(&self) -> Option<&Editing> {
        self.editing.as_ref()
    }

    /// The record as last read from the server.
    pub fn record(&self) -> Option<&Contact> {
        self.editing.as_ref().map(|e| &e.record)
    }

    pub fn form(&self) -> Option<&Form> {
        self.editing.as_ref().map(|e| &e.form)
    }

    pub fn focus(&self) -> Field {
        self.editing.as_ref().map_or(Field::FirstName, |e| e.focus)
    }

    pub fn overlay(&self) -> Option<&Overlay> {
        self.dialogs.open()
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    /// Why the last save is not in the journal, while the status pane says so.
    pub fn not_journalled(&self) -> Option<&str> {
        self.not_journalled.as_deref()
    }

    /// A request is in flight: the runtime runs the spinner tick only then.
    pub fn is_busy(&self) -> bool {
        self.requests.in_flight.is_some()
    }

    /// A save (or the saves of several contacts) has gone out and its answer has not
    /// come back.
    pub fn is_saving(&self) -> bool {
        self.requests.in_flight.as_ref().is_some_and(|f| {
            matches!(
                f.what,
                Pending::Save { .. }
                    | Pending::SaveMany { .. }
                    | Pending::MergeSave(_)
                    | Pending::MergeDeletes { .. }
            )
        })
    }

    pub fn spinner(&self) -> usize {
        self.screen.spinner
    }

    pub fn has_unsaved_changes(&self) -> bool {
        self.form().is_some_and(Form::is_any_dirty)
    }

    pub fn should_quit(&self) -> bool {
        self.quitting
    }

    /// Below the minimum size only a notice is drawn: nothing may act unseen.
    pub fn too_small(&self) -> bool {
        self.screen.too_small()
    }
}
