//! The real binary run as a script runs it, against an API on loopback: a scratch
//! directory for its state and config, the exact requests the demo received.

use linq_contact::demo::{DemoServer, RecordedRequest};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

pub const BIN: &str = env!("CARGO_BIN_EXE_linq-contact");
pub const CONTACTS: &str = "/api/partner/v2/contacts";

/// A runtime for the server under test, a scratch directory for state, config and files.
pub struct World {
    pub rt: tokio::runtime::Runtime,
    pub dir: PathBuf,
}

impl World {
    pub fn new() -> World {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "lc-cli-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        World {
            rt: tokio::runtime::Runtime::new().unwrap(),
            dir,
        }
    }

    pub fn demo(&self) -> DemoServer {
        self.rt.block_on(DemoServer::start(0)).unwrap()
    }

    /// Where the binary keeps its journal, given the `XDG_STATE_HOME` it runs with.
    pub fn journal_path(&self) -> PathBuf {
        self.dir.join("state/linq-contact/journal.jsonl")
    }

    pub fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    pub fn command(&self, url: &str, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .current_dir(&self.dir)
            .env("LINQ_API_URL", url)
            .env("LINQ_INTEGRATION_TOKEN", "demo-token-0000")
            .env("HOME", &self.dir)
            .env("XDG_STATE_HOME", self.dir.join("state"))
            .env("XDG_CONFIG_HOME", self.dir.join("config"))
            .env_remove("LINQ_CONTACT_CONFIG")
            .env_remove("NO_COLOR");
        c
    }

    /// Runs the binary to the end with `stdin` (none: no input, not a terminal).
    pub fn run(&self, url: &str, args: &[&str], stdin: Option<&str>) -> Run {
        let mut child = self
            .command(url, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        input
            .write_all(stdin.unwrap_or_default().as_bytes())
            .unwrap();
        drop(input);
        let out = child.wait_with_output().unwrap();
        Run {
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// `(method, path, body)` of the API requests, in arrival order.
pub fn log(demo: &DemoServer) -> Vec<(String, String, String)> {
    demo.requests()
        .into_iter()
        .map(|RecordedRequest { method, path, body }| (method, path, body))
        .collect()
}

pub fn puts(demo: &DemoServer) -> Vec<(String, String)> {
    log(demo)
        .into_iter()
        .filter(|(m, _, _)| m == "PUT")
        .map(|(_, p, b)| (p, b))
        .collect()
}

pub fn at(id: u64) -> String {
    format!("{CONTACTS}/{id}")
}
