//! The effect runner: performs what the app asks for (requests, drafts, recents, the
//! journal) and sends the results back as messages. It owns the tasks in flight, so a
//! cancel aborts exactly the request it names. Nothing here blocks the event loop: the
//! journal's fsync and reads run on the blocking pool, one after another.

use super::Session;
use crate::api::ApiError;
use crate::api::retry;
use crate::api::retry::{Backoff, Gate};
use crate::app::{Effect, Msg, OneDeleted, OneSaved, WriteEnd};
use crate::index;
use crate::journal::Journal;
use crate::protocol::answer::Written;
use crate::target::Target;
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinHandle};

pub struct EffectRunner {
    session: Arc<Session>,
    tx: mpsc::UnboundedSender<Msg>,
    tasks: HashMap<u64, AbortHandle>,
    /// The last of the journal's reads and writes: each waits for the one before, so
    /// entries land in the order of the saves and F3 reads what was written before it.
    journal_work: Option<JoinHandle<()>>,
    /// The last write of the index file, for the same reason.
    index_work: Option<JoinHandle<()>>,
    /// Held shut while the server asks for a pause: every page of a reading waits here.
    gate: Arc<Gate>,
}

impl EffectRunner {
    pub fn new(session: Arc<Session>, tx: mpsc::UnboundedSender<Msg>) -> Self {
        Self {
            session,
            tx,
            tasks: HashMap::new(),
            journal_work: None,
            index_work: None,
            gate: Arc::default(),
        }
    }

    /// Runs `work` on the journal off the event loop (it reads a file or ends in an
    /// fsync), after the journal work before it; its message, if any, goes back to the
    /// loop. Should the work panic, `failed` words the message, given the journal's path
    /// and the panic.
    fn with_journal(
        &mut self,
        work: impl FnOnce(&Journal) -> Option<Msg> + Send + 'static,
        failed: impl FnOnce(String) -> Msg + Send + 'static,
    ) -> Option<()> {
        let journal = self.session.journal.clone()?;
        let tx = self.tx.clone();
        after(&mut self.journal_work, async move {
            let path = journal.path().display().to_string();
            let msg = match tokio::task::spawn_blocking(move || work(&journal)).await {
                Ok(msg) => msg,
                Err(e) => Some(failed(format!("{path}: {e}"))),
            };
            if let Some(msg) = msg {
                let _ = tx.send(msg);
            }
        });
        Some(())
    }

    /// Waits for the journal's writes still under way (the session is ending: an entry
    /// must not be lost to a quick quit).
    pub async fn settle_journal(&mut self) {
        if let Some(work) = self.journal_work.take() {
            let _ = work.await;
        }
    }

    /// Runs `request` as a task that can be cancelled by its generation; its message
    /// goes back to the loop.
    fn spawn(&mut self, generation: u64, request: impl Future<Output = Msg> + Send + 'static) {
        let tx = self.tx.clone();
        let task = tokio::spawn(async move {
            let _ = tx.send(request.await);
        });
        self.tasks.insert(generation, task.abort_handle());
    }

    /// Reads contact `id`, after `delay` when there is one, retrying as reads do.
    fn load(&mut self, generation: u64, id: u64, delay: Option<Duration>) {
        let client = self.session.client.clone();
        let tx = self.tx.clone();
        let backoff = self.session.backoff;
        let gate = self.gate.clone();
        self.spawn(generation, async move {
            if let Some(delay) = delay {
                tokio::time::sleep(delay).await;
            }
            let result = retry::retry_waiting(backoff, &gate, counted(generation, &tx), || {
                client.get_contact(id)
            })
            .await;
            Msg::Loaded { generation, result }
        });
    }

    /// Performs one effect. The terminal's own effects (repaint, clipboard, quit) are
    /// the loop's business and are ignored here.
    pub fn perform(&mut self, effect: Effect) {
        let client = self.session.client.clone();
        let tx = self.tx.clone();
        let backoff = self.session.backoff;
        let gate = self.gate.clone();
        self.tasks.retain(|_, t| !t.is_finished());
        match effect {
            Effect::Load { generation, id } => self.load(generation, id, None),
            Effect::LoadLater {
                generation,
                id,
                delay,
            } => self.load(generation, id, Some(delay)),
            Effect::Find {
                generation,
                email,
                phone,
            } => self.spawn(generation, async move {
                let result = retry::retry_waiting(backoff, &gate, counted(generation, &tx), || {
                    client.find_contact(email.as_deref(), phone.as_deref())
                })
                .await;
                Msg::Found { generation, result }
            }),
            Effect::Lookup {
                generation,
                targets,
            } => self.spawn(generation, async move {
                let mut found = Vec::new();
                let mut result = Ok(());
                for target in &targets {
                    let (email, phone) = match target {
                        Target::Email(e) => (Some(e.as_str()), None),
                        Target::Phone(p) => (None, Some(p.as_str())),
                        Target::Id(_) => continue,
                    };
                    match retry::retry_waiting(backoff, &gate, counted(generation, &tx), || {
                        client.find_contact(email, phone)
                    })
                    .await
                    {
                        Ok(contact) => crate::protocol::create::gather(&mut found, contact),
                        Err(e) => {
                            result = Err(e);
                            break;
                        }
                    }
                }
                Msg::LookedUp {
                    generation,
                    result: result.map(|()| found),
                }
            }),
            Effect::Wait { generation, delay } => self.spawn(generation, async move {
                count_down(generation, &tx, delay).await;
                Msg::Waited { generation }
            }),
            Effect::LoadMany { generation, ids } => {
                let gate = self.gate.clone();
                self.spawn(generation, async move {
                    let reads =
                        futures::stream::iter(ids)
                            .map(|id| {
                                let (client, gate) = (&client, &gate);
                                async move {
                                    retry::quietly(backoff, gate, || client.get_contact(id)).await
                                }
                            })
                            .buffered(index::DEFAULT_CONCURRENCY)
                            .collect::<Vec<_>>()
                            .await;
                    Msg::LoadedMany {
                        generation,
                        result: reads.into_iter().collect(),
                    }
                });
            }
            Effect::SaveMany { generation, saves } => {
                let gate = self.gate.clone();
                let batch = crate::journal::new_id();
                let task = tokio::spawn(async move {
                    futures::stream::iter(saves)
                        .for_each_concurrent(index::DEFAULT_CONCURRENCY, |(id, patch)| {
                            let (client, gate, tx, batch) = (&client, &gate, &tx, &batch);
                            async move {
                                let end = write_then_read(client, gate, backoff, id, || {
                                    client.update_contact(id, &patch)
                                })
                                .await;
                                let batch = batch.clone();
                                let _ = tx.send(Msg::SavedOne(Box::new(OneSaved {
                                    generation,
                                    id,
                                    batch,
                                    end,
                                })));
                            }
                        })
                        .await;
                });
                self.tasks.insert(generation, task.abort_handle());
            }
            Effect::ReadBatch { batch } => {
                let server = self.session.server_key.clone();
                let failed = batch.clone();
                let read = self.with_journal(
                    move |journal| {
                        let result = journal
                            .entries(&server, None)
                            .map(|read| {
                                read.entries
                                    .into_iter()
                                    .filter(|e| e.batch.as_deref() == Some(batch.as_str()))
                                    .collect()
                            })
                            .map_err(|e| e.to_string());
                        Some(Msg::BatchRead { batch, result })
                    },
                    move |why| Msg::BatchRead {
                        batch: failed,
                        result: Err(format!("cannot read the journal {why}")),
                    },
                );
                if read.is_none() {
                    let _ = tx.send(Msg::BatchRead {
                        batch: String::new(),
                        result: Err("there is no journal (no state directory)".into()),
                    });
                }
            }
            Effect::LoadIndex => self.load_index(),
            Effect::ReadIndex { generation } => self.read_index(generation),
            Effect::KeepInIndex(entry) => self.keep_in_index(move |mut entries| {
                entries.push(*entry);
                Some(entries)
            }),
            Effect::DropFromIndex(id) => self.keep_in_index(move |mut entries| {
                entries.retain(|e| e.id() != id);
                Some(entries)
            }),
            Effect::DeleteMany {
                generation,
                ids,
                batch,
            } => {
                let gate = self.gate.clone();
                let batch = batch.unwrap_or_else(crate::journal::new_id);
                let task = tokio::spawn(async move {
                    // One after another: each is final, and the API cannot undo one.
                    for id in ids {
                        let end = write_then_read(&client, &gate, backoff, id, || {
                            client.delete_contact(id)
                        })
                        .await;
                        let _ = tx.send(Msg::DeletedOne(Box::new(OneDeleted {
                            generation,
                            id,
                            batch: batch.clone(),
                            end,
                        })));
                    }
                });
                self.tasks.insert(generation, task.abort_handle());
            }
            Effect::Save {
                generation,
                id,
                patch,
            } => self.spawn(generation, async move {
                // A PUT abandoned on its way (Esc, leaving, quitting) is in the log too.
                let mut watch = AbortLog {
                    what: format!("PUT contact {id}"),
                    done: false,
                };
                let result = client.update_contact(id, &patch).await;
                watch.done = true;
                Msg::Saved { generation, result }
            }),
            Effect::Create { generation, patch } => self.spawn(generation, async move {
                let mut watch = AbortLog {
                    what: "POST contact".into(),
                    done: false,
                };
                let result = client.create_contact(&patch).await;
                watch.done = true;
                Msg::Created { generation, result }
            }),
            Effect::LoadHistory { id } => {
                let server = self.session.server_key.clone();
                let read = self.with_journal(
                    move |journal| {
                        Some(match journal.entries(&server, Some(id)) {
                            Ok(read) => Msg::History {
                                id,
                                entries: read.entries,
                                skipped: read.skipped,
                            },
                            Err(e) => Msg::HistoryUnreadable {
                                id,
                                reason: e.to_string(),
                            },
                        })
                    },
                    move |why| Msg::HistoryUnreadable {
                        id,
                        reason: format!("cannot read the journal {why}"),
                    },
                );
                // No state directory: no journal, so no history.
                if read.is_none() {
                    let _ = tx.send(Msg::History {
                        id,
                        entries: Vec::new(),
                        skipped: 0,
                    });
                }
            }
            Effect::CheckDraft { id } => {
                let draft = self
                    .session
                    .drafts
                    .as_ref()
                    .and_then(|s| s.load(&self.session.server_key, id))
                    .map(Box::new);
                let _ = tx.send(Msg::DraftFound { id, draft });
            }
            Effect::SaveRecent(list) => {
                if let Some(path) = &self.session.recent_path {
                    let _ = crate::recent::save(path, &list);
                }
            }
            Effect::Cancel { generation } => {
                if let Some(task) = self.tasks.remove(&generation) {
                    task.abort();
                }
            }
            Effect::Journal(mut entry) => {
                entry.at = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
                entry.server = self.session.server_key.clone();
                self.with_journal(
                    move |journal| {
                        let e = journal.append(&entry).err()?;
                        tracing::warn!(error = %e, "could not write the journal");
                        Some(Msg::NotJournalled(e.to_string()))
                    },
                    |why| Msg::NotJournalled(format!("cannot write {why}")),
                );
            }
            Effect::DeleteDraft { id } => {
                if let Some(store) = &self.session.drafts {
                    let _ = store.delete(&self.session.server_key, id);
                }
            }
            Effect::ClearScreen | Effect::Quit | Effect::Copy(_) => {}
        }
    }

    /// Reads the index kept on disk, off the loop; none when it is kept in memory.
    fn load_index(&mut self) {
        let tx = self.tx.clone();
        let Some(path) = self.session.index_file.clone() else {
            let _ = tx.send(Msg::IndexLoaded(None));
            return;
        };
        let server = self.session.server_key.clone();
        after(&mut self.index_work, async move {
            let loaded = tokio::task::spawn_blocking(move || index::store::load(&path, &server))
                .await
                .ok()
                .and_then(|read| {
                    read.map_err(|e| tracing::warn!(error = %e, "the index file cannot be read"))
                        .ok()
                })
                .flatten();
            let _ = tx.send(Msg::IndexLoaded(loaded.map(Box::new)));
        });
    }

    /// Reads every page of the list, several at once, each page to the app as it
    /// arrives; the new index is kept on disk (unless memory only) before the app hears
    /// it is complete.
    fn read_index(&mut self, generation: u64) {
        let client = self.session.client.clone();
        let backoff = self.session.backoff;
        let gate = self.gate.clone();
        let server = self.session.server_key.clone();
        let path = self.session.index_file.clone();
        let tx = self.tx.clone();
        self.spawn(generation, async move {
            let started = index::seconds(std::time::SystemTime::now());
            let mut all = Vec::new();
            let mut read = 0;
            let fetch = |n: u32| {
                let (client, gate) = (&client, &gate);
                async move {
                    retry::quietly(backoff, gate, || client.list_contacts(n, index::PER_PAGE)).await
                }
            };
            let sink = |page: index::Page| -> Result<(), std::convert::Infallible> {
                let entries: Vec<index::Entry> =
                    page.contacts.iter().map(index::Entry::of).collect();
                all.extend(entries.iter().cloned());
                read += 1;
                let _ = tx.send(Msg::IndexPage {
                    generation,
                    entries,
                    pages: (read, page.total_pages),
                });
                Ok(())
            };
            let result = match index::pages::read_all(
                fetch,
                index::DEFAULT_CONCURRENCY,
                false,
                sink,
            )
            .await
            {
                Ok(_) => {
                    let built = index::Index::new(server, started, all);
                    if let Some(path) = path {
                        let kept = built.clone();
                        let saved =
                            tokio::task::spawn_blocking(move || index::store::save(&kept, &path))
                                .await;
                        if let Ok(Err(e)) = saved {
                            tracing::warn!(error = %e, "the index cannot be kept on disk");
                        }
                    }
                    Ok(Box::new(built))
                }
                Err(index::Stop::Api { error, .. }) => Err(error),
                Err(index::Stop::Sink(never)) => match never {},
            };
            Msg::IndexRead { generation, result }
        });
    }

    /// Changes the index on disk, if there is one there: `change` gets it and returns
    /// its new entries (or nothing to leave it). Runs off the loop, after the index
    /// work before it.
    fn keep_in_index(
        &mut self,
        change: impl FnOnce(Vec<index::Entry>) -> Option<Vec<index::Entry>> + Send + 'static,
    ) {
        let Some(path) = self.session.index_file.clone() else {
            return;
        };
        let server = self.session.server_key.clone();
        after(&mut self.index_work, async move {
            let _ = tokio::task::spawn_blocking(move || {
                if let Err(e) = index::store::change(&path, &server, change) {
                    tracing::warn!(error = %e, "the index on disk cannot be updated");
                }
            })
            .await;
        });
    }

    /// Abandons every request still in flight (the session is ending).
    pub fn abort_all(&mut self) {
        for (_, task) in self.tasks.drain() {
            task.abort();
        }
    }
}

/// Runs `work` once the work in `last` is done, and leaves it in `last` for the next:
/// one file's reads and writes happen in the order they were asked for.
fn after(last: &mut Option<JoinHandle<()>>, work: impl Future<Output = ()> + Send + 'static) {
    let before = last.take();
    *last = Some(tokio::spawn(async move {
        if let Some(before) = before {
            let _ = before.await;
        }
        work.await;
    }));
}

/// One write of several (a PUT, a DELETE) to contact `id`, following the protocol's
/// decision after a failure: a short pause asked by a 429 is waited out once (holding
/// every other write of the batch too), and an answer after which the server may have
/// acted is found out by reading the contact, never by sending again.
async fn write_then_read<T, Fut>(
    client: &crate::api::LinqClient,
    gate: &Gate,
    backoff: Backoff,
    id: u64,
    send: impl Fn() -> Fut,
) -> WriteEnd<T>
where
    Fut: Future<Output = Result<T, ApiError>>,
{
    match crate::protocol::answer::write(gate, |_, _| {}, send).await {
        Written::Done(stored) => WriteEnd::Answered(stored),
        Written::Lost(lost) => {
            let result = retry::quietly(backoff, gate, || client.get_contact(id)).await;
            WriteEnd::Reread { lost, result }
        }
        Written::Refused(e) | Written::ComeBack { error: e, .. } => WriteEnd::Failed(e),
    }
}

/// Logs, when dropped before `done`, that a request was abandoned with its outcome
/// unknown: an aborted task never reaches the client's own log line.
struct AbortLog {
    what: String,
    done: bool,
}

impl Drop for AbortLog {
    fn drop(&mut self) {
        if !self.done {
            tracing::warn!(request = %self.what, outcome = "aborted", "request aborted before its answer; whether the server acted is unknown");
        }
    }
}

/// A read's pauses before retries (`retry::retry_waiting`), each counted down in the
/// status pane of the request of `generation`.
fn counted(
    generation: u64,
    tx: &mpsc::UnboundedSender<Msg>,
) -> impl Fn(&ApiError, Duration, u32) -> futures::future::BoxFuture<'static, ()> {
    let tx = tx.clone();
    move |e, delay, attempt| {
        let (tx, reason) = (tx.clone(), e.headline());
        Box::pin(async move { retry_count_down(generation, &tx, delay, attempt, reason).await })
    }
}

/// Counted down a second at a time so the status pane stays truthful.
async fn retry_count_down(
    generation: u64,
    tx: &mpsc::UnboundedSender<Msg>,
    delay: Duration,
    attempt: u32,
    reason: String,
) {
    let mut left = delay;
    while !left.is_zero() {
        let _ = tx.send(Msg::Retrying {
            generation,
            attempt,
            delay: left,
            reason: reason.clone(),
        });
        let step = left.min(Duration::from_secs(1));
        tokio::time::sleep(step).await;
        left -= step;
    }
    let _ = tx.send(Msg::Retrying {
        generation,
        attempt,
        delay: Duration::ZERO,
        reason,
    });
}

/// The pause a 429 asked for before a write goes out once more: the app already shows
/// why; this keeps its countdown moving.
async fn count_down(generation: u64, tx: &mpsc::UnboundedSender<Msg>, delay: Duration) {
    let mut left = delay;
    while !left.is_zero() {
        let step = left.min(Duration::from_secs(1));
        tokio::time::sleep(step).await;
        left -= step;
        let _ = tx.send(Msg::Counted { generation, left });
    }
}

impl std::fmt::Debug for EffectRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EffectRunner")
            .field("in_flight", &self.tasks.len())
            .finish()
    }
}
