//! The application state and its pure transitions: `update(Msg) -> Vec<Effect>`.
//!
//! Nothing here touches the network, the terminal or the clock; the runtime performs the
//! effects and feeds results back as messages. Every request carries a generation number,
//! and a result whose generation is not the one awaited is dropped (latest request wins).

mod keys;
mod navigate;
pub mod picker;
mod undo;
mod update;

use crate::api::{ApiError, Contact, ContactPage, ContactPatch};
use crate::drafts::Draft;
use crate::form::{Conflict, Field, Form, Plan, PlanError};
use crate::recent::Summary;
use crate::target::Target;
use crossterm::event::KeyEvent;
use phonenumber::country::Id as Region;

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Msg {
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
    /// One page of the contact list, for the picker.
    Page {
        generation: u64,
        page: u32,
        result: Result<ContactPage, ApiError>,
    },
    /// A mouse click (only with `mouse = true`): on a field it focuses the field.
    Click(crate::ui::Hit),
    /// Mouse wheel: positive is down. Scrolls the picker or the status pane.
    Scroll(i16),
    /// Something about the editor's surroundings the user should know once (the log
    /// cannot be written); shown with the config problems.
    Notice(String),
    /// The draft on disk for contact `id`, if any.
    DraftFound {
        id: u64,
        draft: Option<Box<Draft>>,
    },
}

/// Something the runtime must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Load {
        generation: u64,
        id: u64,
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
    ListPage {
        generation: u64,
        page: u32,
    },
    /// Look for a draft of this contact (it has just been opened).
    CheckDraft {
        id: u64,
    },
    /// Persist the recently opened list.
    SaveRecent(Vec<Summary>),
    /// Put text on the clipboard of the user's terminal (OSC 52, works over SSH).
    Copy(String),
    /// Abandon the request of this generation (the user pressed Esc).
    Cancel {
        generation: u64,
    },
    /// The draft of this contact is no longer wanted (saved, or discarded by the user).
    DeleteDraft {
        id: u64,
    },
    /// Clear and repaint every cell (Ctrl-L, after a terminal glitch).
    ClearScreen,
    Quit,
}

/// A modal layer over the form.
#[derive(Debug, Clone)]
pub enum Overlay {
    /// What will be sent; with conflicts, sending needs the explicit overwrite key.
    Review {
        plan: Box<Plan>,
        conflicts: Vec<Conflict>,
    },
    ConfirmQuit,
    ConfirmReload,
    /// A draft from an earlier session exists for this contact.
    RestoreDraft(Box<Draft>),
    /// Ctrl-O: open another contact by id, e-mail or phone.
    Open {
        input: tui_input::Input,
        error: Option<String>,
    },
    Picker(Box<picker::Picker>),
    /// Leaving a contact with unsaved changes: confirm first.
    ConfirmLeave(Target),
    Help,
}

/// What the status pane says.
#[derive(Debug, Clone)]
pub enum Status {
    Loading,
    Loaded,
    /// The re-read before the review.
    Checking,
    Saving,
    /// A save's outcome is unknown (cancelled or timed out): re-reading to find out.
    Verifying(String),
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
    },
    CheckFailed(ApiError),
    /// Opening another contact failed; the current one stays.
    OpenFailed(Target, ApiError),
    /// The find endpoint answered `{"contact": null}`.
    NoMatch(Target),
    /// Looking a contact up by e-mail or phone.
    Finding(Target),
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
    },
    LoadFailed(ApiError),
    SaveFailed(ApiError),
    Blocked(PlanError),
    Info(String),
}

/// What a save sent: the edited values at send time (so typing during the save is not
/// overwritten) and the patch (to tell, after an uncertain save, whether it landed).
#[derive(Debug, Clone)]
struct Sent {
    values: [String; 8],
    patch: ContactPatch,
}

#[derive(Debug, Clone)]
enum Pending {
    Load,
    Find(Target),
    /// The last look at the server between "send" and sending: the review may have
    /// stood open while a colleague saved.
    Confirm(Box<Plan>),
    /// A load by id while another contact stays on screen until it arrives.
    Open(Target),
    Check,
    Save(Box<Sent>),
    /// The uncertain save, and what made it uncertain.
    Verify(Box<Sent>, String),
}

impl Pending {
    /// Answered by a read of the contact (`Msg::Loaded`).
    fn is_read(&self) -> bool {
        matches!(
            self,
            Pending::Load
                | Pending::Open(_)
                | Pending::Confirm(_)
                | Pending::Check
                | Pending::Verify(..)
        )
    }
}

#[derive(Debug, Clone)]
struct InFlight {
    generation: u64,
    what: Pending,
}

/// Settings the core needs; the shell fills them from the config.
#[derive(Debug, Clone)]
pub struct AppOptions {
    /// Shown in the header so the user knows which server they are editing.
    pub api_label: String,
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
            api_url: "https://api.linqapp.com".into(),
            region: Region::US,
            monochrome: false,
            paths: Paths::default(),
            keymap: crate::keymap::Keymap::default(),
            confirm_before_save: true,
            notices: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct App {
    options: AppOptions,
    contact_id: u64,
    record: Option<Contact>,
    form: Option<Form>,
    focus: Field,
    overlay: Option<Overlay>,
    status: Status,
    in_flight: Option<InFlight>,
    last_generation: u64,
    spinner: usize,
    /// "retrying in Ns (attempt k)" while a read waits to be tried again.
    retry: Option<(u32, std::time::Duration, String)>,
    /// A draft found on disk, offered once the contact has loaded.
    draft: Option<Box<Draft>>,
    history: undo::History,
    /// Messages of the last 422 that name a field, shown under that field.
    server_problems: Vec<(Field, String)>,
    /// Recently opened contacts, newest first (the picker lists them first).
    recent: Vec<Summary>,
    /// Lines scrolled off the top of the status pane (PgUp/PgDn).
    status_scroll: u16,
    quitting: bool,
    /// What the user asked to open, for the header while nothing is loaded yet.
    target: Target,
    /// The terminal's size, when known: below the minimum nothing is shown, so no key
    /// may act.
    size: Option<(u16, u16)>,
    /// Rows scrolled in the review or help overlay.
    overlay_scroll: u16,
    /// Fields taken from a colleague's save since the contact was loaded or last saved.
    taken_meanwhile: Vec<Field>,
    /// How far the status pane and the overlay can scroll, as last drawn. Only drawing
    /// knows wrapped heights; scrolling is clamped to these so no key press is wasted
    /// past the end.
    scroll_limits: std::cell::Cell<(u16, u16)>,
    /// Fields of the latest server record that arrived with control characters (now
    /// removed): the identity rule avoids echoing them back.
    cleaned: Vec<Field>,
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
            record: None,
            form: None,
            focus: Field::FirstName,
            overlay: None,
            status: Status::Loading,
            in_flight: None,
            last_generation: 0,
            spinner: 0,
            retry: None,
            draft: None,
            history: undo::History::default(),
            recent: Vec::new(),
            status_scroll: 0,
            server_problems: Vec::new(),
            quitting: false,
            target: target.clone(),
            size: None,
            overlay_scroll: 0,
            taken_meanwhile: Vec::new(),
            scroll_limits: std::cell::Cell::new((u16::MAX, u16::MAX)),
            cleaned: Vec::new(),
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
        let (form, record) = (self.form.as_ref()?, self.record.as_ref()?);
        let values: std::collections::BTreeMap<String, String> = form
            .dirty_fields()
            .into_iter()
            .map(|f| (f.api_name().to_string(), form.value(f).to_string()))
            .collect();
        (!values.is_empty()).then(|| Draft {
            api_url: api_url.to_string(),
            contact_id: record.id,
            saved_at: saved_at.to_string(),
            loaded: record.clone(),
            values,
        })
    }

    /// What the server said about particular fields in its last refusal.
    pub fn server_problems(&self) -> &[(Field, String)] {
        &self.server_problems
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    pub fn overlay_scroll(&self) -> u16 {
        self.overlay_scroll
    }

    /// Drawing reports how far the status pane can scroll.
    pub fn note_status_scroll_limit(&self, max: u16) {
        let (_, overlay) = self.scroll_limits.get();
        self.scroll_limits.set((max, overlay));
    }

    /// Drawing reports how far the open overlay can scroll.
    pub fn note_overlay_scroll_limit(&self, max: u16) {
        let (status, _) = self.scroll_limits.get();
        self.scroll_limits.set((status, max));
    }

    fn scroll_status_by(&mut self, lines: i16) {
        let max = self.scroll_limits.get().0;
        self.status_scroll = self.status_scroll.saturating_add_signed(lines).min(max);
    }

    fn scroll_overlay_by(&mut self, lines: i16) {
        let max = self.scroll_limits.get().1;
        self.overlay_scroll = self.overlay_scroll.saturating_add_signed(lines).min(max);
    }

    pub fn status_scroll(&self) -> u16 {
        self.status_scroll
    }

    /// (attempt, time left, why the last one failed) while a read waits to retry.
    pub fn retry(&self) -> Option<(u32, std::time::Duration, &str)> {
        self.retry.as_ref().map(|(a, d, r)| (*a, *d, r.as_str()))
    }

    pub fn options(&self) -> &AppOptions {
        &self.options
    }

    pub fn contact_id(&self) -> u64 {
        self.contact_id
    }

    /// The record as last read from the server.
    pub fn record(&self) -> Option<&Contact> {
        self.record.as_ref()
    }

    pub fn form(&self) -> Option<&Form> {
        self.form.as_ref()
    }

    pub fn focus(&self) -> Field {
        self.focus
    }

    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlay.as_ref()
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    /// A request is in flight: the runtime runs the spinner tick only then.
    pub fn is_busy(&self) -> bool {
        self.in_flight.is_some()
    }

    /// A save has gone out and its answer has not come back.
    pub fn is_saving(&self) -> bool {
        matches!(
            self.in_flight,
            Some(InFlight {
                what: Pending::Save(_),
                ..
            })
        )
    }

    pub fn spinner(&self) -> usize {
        self.spinner
    }

    pub fn has_unsaved_changes(&self) -> bool {
        self.form.as_ref().is_some_and(Form::is_any_dirty)
    }

    pub fn should_quit(&self) -> bool {
        self.quitting
    }

    fn next_generation(&mut self) -> u64 {
        self.last_generation += 1;
        self.last_generation
    }

    fn start_load(&mut self) -> Vec<Effect> {
        self.status = Status::Loading;
        self.start_read(Pending::Load)
    }

    /// Awaits a new request of kind `what`; returns the generation its result must carry.
    fn begin(&mut self, what: Pending) -> u64 {
        let generation = self.next_generation();
        self.in_flight = Some(InFlight { generation, what });
        self.retry = None;
        generation
    }

    /// Starts a read of the contact; what its result means depends on `what`.
    fn start_read(&mut self, what: Pending) -> Vec<Effect> {
        let generation = self.begin(what);
        vec![Effect::Load {
            generation,
            id: self.contact_id,
        }]
    }
}
