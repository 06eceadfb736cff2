//! linq-contact: a keyboard-first terminal editor for one Linq contact at a time.
//!
//! The crate is a pure core (`keymap`, `form`, `dialogs`, `app`, `ui`) driven by
//! messages, with a thin shell (`runtime`, `terminal`) that does the IO. See DESIGN.md.

pub mod api;
pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod dialogs;
pub mod drafts;
pub mod form;
pub mod index;
pub mod journal;
pub mod keymap;
pub mod logging;
pub mod protocol;
pub mod recent;
pub mod runtime;
pub mod secret;
pub mod setup;
pub mod target;
pub mod terminal;
pub mod text;
pub mod ui;
