//! Keys: the crate's own key press (`key`), what a chord is (`chord`), and which chord
//! does what where (`bindings`). Every key name the screens show comes from here, as
//! configured.

mod bindings;
mod chord;
mod key;

pub use bindings::{Action, Hint, Keymap, Keys, Nav, Scope, fixed_keys};
pub use chord::KeyChord;
pub use key::{KeyCode, KeyEvent, KeyModifiers};
