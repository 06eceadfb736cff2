//! `apply`: many updates from a file, each row read, planned with the editor's rules,
//! sent and checked, `--concurrency` rows at a time over one connection pool.
//!
//! Rows stream from the input through a bounded channel and out into the report as they
//! finish, so memory does not grow with the file. Rows for the same contact wait for
//! each other (`order.rs`). Ctrl-C stops taking rows; the rows in flight finish and are
//! reported, so the report is always a valid `--resume` file.

use super::edit::{self, Outcome};
use super::exit::{Code, Failure, one_line};
use super::input::{self, Item, Row, Rules};
use super::order::{Queue, Turn};
use super::progress::{Notes, Progress};
use super::read::Api;
use super::record::Recorder;
use super::report::{Entry, Report, Status, Stored};
use super::resume::Resume;
use super::roundtrip::{self, Decision, RoundTrip};
use crate::api::{ApiError, Contact, LinqClient, UpdateRequest};
use crate::cli::{ApplyArgs, Cli};
use crate::form::PlanError;
use crate::protocol::Verdict;
use crate::target::Target;
use futures::StreamExt;
use phonenumber::country::Id as Region;
use serde::Serialize;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// Why the batch stopped taking rows before the input ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stop {
    Interrupted,
    ReportFailed(String),
}

type SharedReport = Arc<Mutex<Option<Report>>>;

pub(super) async fn run(cli: &Cli, args: &ApplyArgs) -> Result<Code, Failure> {
    // Before anything is read, created or sent: a report that would overwrite the input
    // or the report being resumed.
    super::files::check(args)?;
    let resume = match &args.resume {
        Some(path) => {
            let resume = Resume::load(path)?;
            if let Some(warning) = resume.warning(path) {
                eprintln!("linq-contact: {warning}");
            }
            Some(resume)
        }
        None => None,
    };
    // Nothing is requested before the rows, whose retries are said through the bar.
    let mut ctx = super::context(cli, None, Arc::new(|_, _| {})).await?;
    // Before any row is read: a production profile's name is typed (a dry run sends
    // nothing, so it asks nothing).
    super::ask::confirm_production(
        &ctx.profile,
        &ctx.api_url,
        args.yes || args.dry_run,
        "apply",
    )?;
    let concurrency = usize::from(args.concurrency);
    let rules = Rules {
        region: ctx.region,
        empty_clears: args.empty_clears,
    };
    let trip = RoundTrip::new(
        roundtrip::kept_path(&ctx),
        ctx.journal.server().to_string(),
        ctx.region,
    );
    if input::is_stdin(&args.file) {
        // No looking ahead in a stream: its rows read their contacts one by one.
        trip.load();
    } else {
        trip.look_ahead(&ctx.api, &args.file, args.format, rules, concurrency)
            .await?;
    }
    let input = input::spawn(&args.file, args.format, rules, concurrency * 2)?;
    let report: SharedReport = Arc::new(Mutex::new(match &args.report {
        Some(path) => Some(Report::create(path)?),
        None => None,
    }));
    // Watched before the bar is drawn: a Ctrl-C at the sight of the bar is caught.
    let ctrl_c = watch_ctrl_c()?;
    let mut progress = Progress::new(input.total);
    ctx.api.on_retry = progress.notes().retry_note();

    let (stop_tx, stop_rx) = watch::channel(None::<Stop>);
    let listener = listen_for_interrupt(ctrl_c, stop_tx.clone(), report.clone(), progress.notes());
    let stopped = {
        let mut rx = stop_rx.clone();
        async move {
            let _ = rx.wait_for(Option::is_some).await;
        }
    };
    let rows = futures::stream::unfold(input.rows, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let resumed_from = args.resume.as_deref().map(input::shown);
    let job = Job {
        api: &ctx.api,
        journal: &ctx.journal,
        region: ctx.region,
        resume: resume.as_ref(),
        dry_run: args.dry_run,
        resumed_from: resumed_from.as_deref(),
        trip: &trip,
    };
    // Rows start in file order (`map` runs as each is taken), so each takes its turn
    // behind the earlier rows for its contact.
    let mut queue = Queue::default();
    let mut finished = std::pin::pin!(
        rows.take_until(stopped)
            .map(|item| {
                let turn = queue.turn(&item);
                job.in_turn(item, turn)
            })
            .buffer_unordered(concurrency)
    );
    while let Some(row) = finished.next().await {
        if let Some(body) = &row.dry_run_body {
            println!("{body}");
        }
        let written = report
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
            .map_or(Ok(()), |r| r.write(&row.entry));
        if let Err(e) = written {
            stop_tx.send_replace(Some(Stop::ReportFailed(e.to_string())));
        }
        progress.row(row.entry.status, &row.line, &row.warnings);
    }
    listener.abort();

    let summary = progress.finish(args.dry_run);
    eprintln!("{summary}");
    if let (Some(resume), Some(path)) = (&resume, &args.resume)
        && resume.proven() > 0
        && progress.counts.skipped == 0
    {
        eprintln!(
            "linq-contact: no row matched a done row of {} (same line, id and cells): \
             nothing was skipped",
            path.display()
        );
    }
    let stop = stop_rx.borrow().clone();
    match stop {
        Some(Stop::ReportFailed(e)) => Err(Failure::new(
            Code::Api,
            format!("stopped: cannot write the report: {e}"),
        )),
        Some(Stop::Interrupted) => {
            eprintln!("{}", interrupted_hint(args));
            Ok(Code::Interrupted)
        }
        None => Ok(progress.counts.exit_code()),
    }
}

fn interrupted_hint(args: &ApplyArgs) -> String {
    match &args.report {
        Some(report) => format!(
            "Interrupted: rows not started were not sent. To finish: linq-contact apply {} \
             --resume {} --report NEW_REPORT",
            input::shown(&args.file),
            report.display()
        ),
        None => "Interrupted: rows not started were not sent. Without --report there is \
                 nothing to resume from; running the file again finds the rows already \
                 saved unchanged."
            .to_string(),
    }
}

#[cfg(unix)]
type CtrlC = tokio::signal::unix::Signal;
#[cfg(not(unix))]
type CtrlC = ();

/// From here on, Ctrl-C no longer ends the process but is told to the batch.
fn watch_ctrl_c() -> Result<CtrlC, Failure> {
    #[cfg(unix)]
    let watched = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .map_err(|e| Failure::new(Code::Api, format!("cannot watch for Ctrl-C: {e}")));
    #[cfg(not(unix))]
    let watched = Ok(());
    watched
}

/// The first Ctrl-C stops taking rows and clears the bar; the second quits at once,
/// between two report lines (it waits for the report's lock, so no line is left
/// half-written).
fn listen_for_interrupt(
    #[cfg_attr(not(unix), allow(unused_variables))] mut ctrl_c: CtrlC,
    stop: watch::Sender<Option<Stop>>,
    report: SharedReport,
    notes: Notes,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        for count in 1.. {
            #[cfg(unix)]
            let got = ctrl_c.recv().await.is_some();
            #[cfg(not(unix))]
            let got = tokio::signal::ctrl_c().await.is_ok();
            if !got {
                return;
            }
            if count == 1 {
                stop.send_replace(Some(Stop::Interrupted));
                notes.drop_bar_at_ctrl_c();
                notes.say(
                    "Ctrl-C: taking no more rows; finishing the requests in flight (Ctrl-C \
                     again quits now)",
                );
            } else {
                let _no_half_lines = report.lock().unwrap_or_else(|e| e.into_inner());
                eprintln!(
                    "linq-contact: quit at the second Ctrl-C; the report holds every finished row"
                );
                std::process::exit(i32::from(Code::Interrupted.number()));
            }
        }
    })
}

/// What a row needs that does not change from row to row.
struct Job<'a> {
    api: &'a Api,
    journal: &'a Recorder,
    region: Region,
    /// With `--resume`: what the earlier report proves done.
    resume: Option<&'a Resume>,
    dry_run: bool,
    resumed_from: Option<&'a str>,
    trip: &'a RoundTrip,
}

/// A finished row: its report line, its line on stderr, and for `--dry-run` the body.
struct Finished {
    entry: Entry,
    line: String,
    warnings: Vec<String>,
    dry_run_body: Option<String>,
}

/// What `--dry-run` prints on stdout for a row that would be sent.
#[derive(Serialize)]
struct DryRunLine<'a> {
    line: u64,
    id: u64,
    body: &'a UpdateRequest,
}

impl Job<'_> {
    /// A row in its turn: skipped when the `--resume` report proves it done, finished
    /// at once when it has nothing to send, else run after the earlier rows for its
    /// contact. Its report entry carries its fingerprint whatever the outcome.
    async fn in_turn(&self, item: Item, mut turn: Turn) -> Finished {
        let fingerprint = input::fingerprint_of(&item).map(str::to_string);
        let mut base = None;
        let done = self
            .done_before(&item)
            .or_else(|| nothing_to_send(&item))
            .or_else(|| {
                let row = item.as_ref().ok()?;
                base = self.trip.base(row);
                self.unchanged_since_export(row, base.as_ref()?)
            });
        let mut finished = match done {
            Some(finished) => finished,
            None => {
                turn.wait().await;
                self.row(item, base).await
            }
        };
        // The next row for this contact may go.
        drop(turn);
        finished.entry.fingerprint = fingerprint;
        finished
    }

    /// The row as `skipped` when the earlier report has a done entry for it: the same
    /// line, the same cells and, when the row names one, the same id.
    fn done_before(&self, item: &Item) -> Option<Finished> {
        let (line, id) = line_and_id(item);
        let earlier = self.resume?.done(line, id, input::fingerprint_of(item))?;
        let from = self.resumed_from.unwrap_or("the earlier report");
        Some(Finished::plain(
            Entry::new(line, earlier.or(id), Status::Skipped),
            format!("line {line}: skipped (done in {from})"),
        ))
    }

    /// A row of an export equal to what was exported: nothing read or sent.
    fn unchanged_since_export(&self, row: &Row, base: &Contact) -> Option<Finished> {
        self.trip.unchanged(row, base).then(|| {
            Finished::plain(
                Entry::new(row.line, id_of(&row.target), Status::Unchanged),
                format!(
                    "line {}: {} unchanged since the export (nothing to send)",
                    row.line,
                    row.target.describe()
                ),
            )
        })
    }

    /// The row's contact as the server holds it: read ahead with the list, or now.
    async fn read(&self, row: &Row) -> Result<Option<Contact>, ApiError> {
        let ahead = roundtrip::exported(row).and_then(|(id, _)| self.trip.take(id));
        match ahead {
            Some(contact) => Ok(Some(contact)),
            None => self.api.resolve(&row.target).await,
        }
    }

    async fn row(&self, item: Item, base: Option<Contact>) -> Finished {
        let (line, id) = line_and_id(&item);
        let row = match item {
            Ok(row) => row,
            Err(bad) => return failed(Entry::new(line, id, Status::Failed), bad.message),
        };
        let raw = match self.read(&row).await {
            Ok(Some(contact)) => contact,
            Ok(None) => {
                return failed(
                    Entry::new(line, id, Status::Failed),
                    super::read::not_found(&row.target),
                );
            }
            Err(e) => {
                return failed(
                    Entry::new(line, id, Status::Failed),
                    format!("{}: {}", row.target.describe(), one_line(&e)),
                );
            }
        };
        let Decision {
            prepared,
            conflicts,
        } = match roundtrip::exported(&row) {
            Some(_) => roundtrip::decide(base.as_ref(), &row, &raw, self.region),
            None => Decision {
                prepared: edit::prepare(&raw, &row.edits, self.region),
                conflicts: Vec::new(),
            },
        };
        let before = &prepared.before;
        let who = format!("contact {}", before.id);
        // Said after what became of the other cells.
        let clash = if conflicts.is_empty() {
            String::new()
        } else {
            format!("; {}", roundtrip::describe(&conflicts, &row, before))
        };
        let mut entry = Entry::new(line, Some(before.id), Status::Failed);
        entry.conflicts = conflicts;
        let plan = match prepared.plan {
            Ok(plan) => plan,
            Err(PlanError::NothingChanged) if !clash.is_empty() => {
                entry.status = Status::Conflict;
                entry.stored = Some(Stored::of(before));
                return Finished::plain(entry, format!("line {line}: {who}: nothing sent{clash}"));
            }
            Err(PlanError::NothingChanged) => {
                entry.status = Status::Unchanged;
                entry.stored = Some(Stored::of(before));
                return Finished::plain(
                    entry,
                    format!("line {line}: {who} unchanged (it already has these values)"),
                );
            }
            Err(e) => {
                entry.stored = Some(Stored::of(before));
                return failed(entry, format!("{who}: nothing sent: {}", e.summary()));
            }
        };
        let changed = edit::changed_names(&plan);
        let body = UpdateRequest {
            contact: plan.patch.clone(),
        };
        if self.dry_run {
            entry.status = if clash.is_empty() {
                Status::Planned
            } else {
                Status::Conflict
            };
            let shown = serde_json::to_string(&DryRunLine {
                line,
                id: before.id,
                body: &body,
            })
            .unwrap_or_else(|_| LinqClient::update_body(&plan.patch));
            return Finished {
                entry,
                line: format!("line {line}: {who} would be updated ({changed}){clash}"),
                warnings: Vec::new(),
                dry_run_body: Some(shown),
            };
        }
        entry.sent = Some(body);
        let outcome = edit::send(self.api, before, &plan.patch).await;
        // The server's record is known: stored, partly stored or (read back) not stored.
        let (contact, settled, note) = match outcome {
            Outcome::Settled(known) => {
                let (contact, settled, lost, checked_at) = known.parts();
                if settled.verdict == Verdict::NotStored {
                    entry.stored = Some(Stored::of(&contact));
                    let why = lost.as_ref().map_or_else(String::new, one_line);
                    return failed(
                        entry,
                        format!(
                            "{who}: outcome unknown ({why}): not stored as of {checked_at}; \
                             not re-sent"
                        ),
                    );
                }
                let note = lost.map_or_else(String::new, |e| {
                    format!(
                        "; the answer was lost ({}), reading it back at {checked_at} shows \
                         the values stored",
                        e.headline()
                    )
                });
                (contact, settled, note)
            }
            Outcome::Refused(e) => return failed(entry, format!("{who}: {}", one_line(&e))),
            Outcome::ComeBack { error, after } => {
                return failed(
                    entry,
                    format!("{who}: {}; {}", one_line(&error), edit::come_back(after)),
                );
            }
            Outcome::Unknown { error, reread } => {
                return failed(
                    entry,
                    format!(
                        "{who}: outcome unknown ({}); reading it back failed too ({})",
                        one_line(&error),
                        reread.headline()
                    ),
                );
            }
        };
        let partial = settled.verdict == Verdict::Partial;
        entry.status = if partial {
            Status::Partial
        } else if !clash.is_empty() {
            Status::Conflict
        } else {
            Status::Updated
        };
        entry.not_stored = settled
            .not_stored_fields()
            .iter()
            .map(|f| f.api_name().to_string())
            .collect();
        entry.stored = Some(Stored::of(&contact));
        entry.warnings = edit::unapplied_lines(&settled.warnings());
        let journal_problem = match settled.journal(&plan.patch, before, &contact) {
            Some(journal_entry) => self.journal.append(journal_entry, &contact).await,
            None => None,
        };
        let warnings = entry
            .warnings
            .iter()
            .chain(&journal_problem)
            .map(|w| format!("line {line}: {w}"))
            .collect();
        Finished {
            entry,
            line: if partial {
                format!(
                    "line {line}: {who} partly saved{note}: not stored: {}{clash}",
                    edit::names(&settled.not_stored_fields())
                )
            } else {
                format!("line {line}: {who} updated ({changed}){note}{clash}")
            },
            warnings,
            dry_run_body: None,
        }
    }
}

impl Finished {
    fn plain(entry: Entry, line: String) -> Self {
        Self {
            entry,
            line,
            warnings: Vec::new(),
            dry_run_body: None,
        }
    }
}

fn failed(mut entry: Entry, error: String) -> Finished {
    let line = format!("line {}: failed: {error}", entry.line);
    entry.status = Status::Failed;
    entry.error = Some(error);
    Finished::plain(entry, line)
}

/// A row with no value to set (every cell empty but those that find the contact):
/// `unchanged`, with nothing read or sent.
fn nothing_to_send(item: &Item) -> Option<Finished> {
    let row = item.as_ref().ok().filter(|row| row.edits.is_empty())?;
    Some(Finished::plain(
        Entry::new(row.line, id_of(&row.target), Status::Unchanged),
        format!(
            "line {}: {} unchanged (nothing to send: the row has no value to set)",
            row.line,
            row.target.describe()
        ),
    ))
}

fn line_and_id(item: &Item) -> (u64, Option<u64>) {
    match item {
        Ok(row) => (row.line, id_of(&row.target)),
        Err(bad) => (bad.line, bad.id),
    }
}

fn id_of(target: &Target) -> Option<u64> {
    match target {
        Target::Id(id) => Some(*id),
        Target::Email(_) | Target::Phone(_) => None,
    }
}
