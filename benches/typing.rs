//! Bytes written to the terminal per typed character, against vim: both in a 24×80
//! pseudo-terminal, a character typed at the end of a line (vim: `A` on a one-line file,
//! `vim -u NONE -i NONE -N -n`; the editor: the end of the first name, where the focus
//! starts). The first character of an edit also marks what changed; the figure that
//! counts is the ones after it. Budget: no more than vim.
//!
//! Each count is every byte the program wrote from the key until the character is on the
//! screen and 300 ms have passed with nothing more (what comes later belongs to no key).
//! `tests/frames.rs` asserts the editor's exact bytes in process.
//!
//! `cargo bench --bench typing` (a few seconds; vim's row is skipped without `vim`).

use linq_contact::demo::DemoServer;
use portable_pty::CommandBuilder;
use std::process::{Command, Stdio};
use std::time::Duration;

#[path = "../tests/common/mod.rs"]
mod common;
use common::pty::{self, Session};

const SETTLE: Duration = Duration::from_millis(300);

/// The bytes `s` writes after `key`, once `shows` is on its screen.
fn bytes_for(s: &mut Session, key: &str, shows: &str) -> Vec<u8> {
    let before = s.raw_bytes().len();
    s.send(key);
    s.wait_drawn(shows);
    std::thread::sleep(SETTLE);
    s.raw_bytes()[before..].to_vec()
}

/// The bytes of each character typed in a row.
fn report(who: &str, typed: &[Vec<u8>]) {
    let each: Vec<String> = typed
        .iter()
        .map(|b| format!("{} B {:?}", b.len(), String::from_utf8_lossy(b)))
        .collect();
    println!("{who}, character by character: {}", each.join(", "));
}

fn vim() {
    let present = Command::new("vim")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !present {
        println!("vim: not installed, skipped");
        return;
    }
    let dir = pty::state_dir("bench-typing");
    let file = dir.join("line.txt");
    std::fs::write(&file, "Avery\n").expect("scratch file");
    let mut command = CommandBuilder::new("vim");
    command.args(["-u", "NONE", "-i", "NONE", "-N", "-n"]);
    command.arg(&file);
    let mut s = Session::launch(command, 24, 80);
    s.wait_for("Avery");
    s.send("A");
    s.wait_for("-- INSERT --");
    std::thread::sleep(SETTLE);
    let typed = [
        bytes_for(&mut s, "x", "Averyx"),
        bytes_for(&mut s, "y", "Averyxy"),
        bytes_for(&mut s, "z", "Averyxyz"),
    ];
    report("vim", &typed);
    s.send("\x1b:q!\r");
    s.wait_exit();
    let _ = std::fs::remove_dir_all(dir);
}

fn editor() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let demo = rt.block_on(DemoServer::start(0)).expect("demo API");
    let id = demo.first_id();
    let first_name = demo.contact(id).expect("the first contact").first_name;
    let state = pty::state_dir("bench-typing-editor");
    let mut s = pty::editor(&demo, &state, id);
    s.wait_for(&format!("Loaded contact {id}"));
    std::thread::sleep(SETTLE);
    let typed = [
        bytes_for(&mut s, "x", &format!("{first_name}x")),
        bytes_for(&mut s, "y", &format!("{first_name}xy")),
        bytes_for(&mut s, "z", &format!("{first_name}xyz")),
    ];
    report("linq-contact", &typed);
    pty::discard_and_quit(&mut s);
    let _ = std::fs::remove_dir_all(state);
}

fn main() {
    vim();
    editor();
}
