//! The application state and its pure transitions: `update(Msg) -> Vec<Effect>`.
//!
//! Nothing here touches the network, the terminal or the clock; the runtime performs the
//! effects and feeds results back as messages. Every request carries a generation number,
//! and a result whose generation is not the one awaited is dropped (latest request wins).

mod keys;
mod update;

use crate::api::{ApiError, Contact, ContactPatch};
use crate::form::{Field, Form, Plan, PlanError};
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
    Loaded {
        generation: u64,
        result: Result<Contact, ApiError>,
    },
    Saved {
        generation: u64,
        result: Result<Contact, ApiError>,
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
    /// Clear and repaint every cell (Ctrl-L, after a terminal glitch).
    ClearScreen,
    Quit,
}

/// A modal layer over the form.
#[derive(Debug, Clone)]
pub enum Overlay {
    Review(Box<Plan>),
    ConfirmQuit,
    ConfirmReload,
}

/// What the status pane says.
#[derive(Debug, Clone)]
pub enum Status {
    Loading,
    Loaded,
    Saving,
    /// The save succeeded; `changed` are the fields whose server value moved.
    Saved {
        changed: Vec<Field>,
    },
    LoadFailed(ApiError),
    SaveFailed(ApiError),
    Blocked(PlanError),
    Info(String),
}

#[derive(Debug, Clone)]
enum Pending {
    Load,
    /// The edited values at send time, so typing during the save is not overwritten.
    Save(Box<[String; 8]>),
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
    pub region: Region,
    /// No colours, attributes only (`NO_COLOR`).
    pub monochrome: bool,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            api_label: String::new(),
            region: Region::US,
            monochrome: false,
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
    quitting: bool,
}

impl App {
    /// A new app that is about to load `contact_id`; the returned effect starts the load.
    pub fn new(options: AppOptions, contact_id: u64) -> (Self, Vec<Effect>) {
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
            quitting: false,
        };
        let effects = app.start_load();
        (app, effects)
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
        let generation = self.next_generation();
        self.in_flight = Some(InFlight {
            generation,
            what: Pending::Load,
        });
        self.status = Status::Loading;
        vec![Effect::Load {
            generation,
            id: self.contact_id,
        }]
    }
}
