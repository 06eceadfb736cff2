//! Keys: what a chord is (`chord`), and which chord does what where (`bindings`). Every
//! key name the screens show comes from here, as configured.

mod bindings;
mod chord;

pub use bindings::{Action, Hint, Keymap, Keys, Nav, Scope, fixed_keys};
pub use chord::KeyChord;
