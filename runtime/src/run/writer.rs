//! The event writer: one background thread that takes events from an unbounded queue and writes
//! them to the store in batches, so that an agent never waits on disk.
//!
//! A clean shutdown ([`EventWriter::flush`], or dropping the writer) writes everything queued; a
//! crash loses at most the batch not yet committed, and SQLite's WAL never corrupts the file.

use super::payload::RunPayloads;
use crate::store::{Store, StoredEvent, time};
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

/// At most this many events go into one transaction.
pub const MAX_BATCH: usize = 8192;

/// How often a failing batch is tried before its events are counted as lost.
const WRITE_ATTEMPTS: u32 = 5;

/// One event on its way to the store.
pub(crate) struct PendingEvent {
    pub run: Arc<RunPayloads>,
    pub seq: u64,
    pub kind: String,
    pub at: SystemTime,
    pub data: Value,
    pub tool: Option<String>,
}

pub(crate) enum Message {
    Event(PendingEvent),
    Flush(SyncSender<()>),
}

/// The sending side, held by every run's capture. Sending never blocks.
pub(crate) type EventQueue = Sender<Message>;

/// Counters of what the writer did.
#[derive(Debug, Default)]
pub struct WriterStats {
    written: AtomicU64,
    lost: AtomicU64,
    batches: AtomicU64,
    last_error: Mutex<Option<String>>,
}

impl WriterStats {
    /// Events written to the store.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    /// Events that could not be written after retries.
    pub fn lost(&self) -> u64 {
        self.lost.load(Ordering::Relaxed)
    }

    /// Transactions committed.
    pub fn batches(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }

    /// The last store error, if any batch failed.
    pub fn last_error(&self) -> Option<String> {
        self.last_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The batching writer thread and its queue.
#[derive(Debug)]
pub struct EventWriter {
    queue: EventQueue,
    stats: Arc<WriterStats>,
    thread: Option<JoinHandle<()>>,
}

impl EventWriter {
    /// Starts the writer thread for `store`.
    pub fn start(store: Arc<dyn Store>) -> EventWriter {
        let (queue, receiver) = channel();
        let stats = Arc::new(WriterStats::default());
        let thread_stats = Arc::clone(&stats);
        let thread = std::thread::Builder::new()
            .name("tapedeck-event-writer".into())
            .spawn(move || write_loop(&*store, &receiver, &thread_stats))
            .ok();
        EventWriter {
            queue,
            stats,
            thread,
        }
    }

    pub(crate) fn queue(&self) -> EventQueue {
        self.queue.clone()
    }

    /// What the writer did so far.
    pub fn stats(&self) -> &WriterStats {
        &self.stats
    }

    /// Waits until every event queued before this call is written (or counted as lost).
    pub fn flush(&self) {
        flush(&self.queue);
    }
}

/// Waits until every event queued on `queue` before this call is written.
pub(crate) fn flush(queue: &EventQueue) {
    let (ack, done) = sync_channel(1);
    if queue.send(Message::Flush(ack)).is_ok() {
        let _ = done.recv();
    }
}

impl Drop for EventWriter {
    fn drop(&mut self) {
        self.flush();
        // Runs still open keep their own senders; the thread ends when the last one is gone.
        if let Some(thread) = self.thread.take()
            && thread.is_finished()
        {
            let _ = thread.join();
        }
    }
}

fn write_loop(store: &dyn Store, receiver: &Receiver<Message>, stats: &WriterStats) {
    let mut batch = Vec::new();
    let mut acks = Vec::new();
    while let Ok(first) = receiver.recv() {
        let mut next = Some(first);
        while let Some(message) = next.take() {
            match message {
                Message::Event(event) => batch.push(finish(event)),
                Message::Flush(ack) => acks.push(ack),
            }
            if batch.len() < MAX_BATCH {
                next = receiver.try_recv().ok();
            }
        }
        write_batch(store, &mut batch, stats);
        for ack in acks.drain(..) {
            let _ = ack.send(());
        }
    }
    write_batch(store, &mut batch, stats);
}

/// Applies the run's payload rules (redaction, hashing) and formats the timestamp: the work
/// that stays off the agent's path.
fn finish(event: PendingEvent) -> StoredEvent {
    let mut data = event.data;
    event
        .run
        .apply(&event.kind, event.tool.as_deref(), &mut data);
    StoredEvent {
        run_id: event.run.run_id().to_string(),
        seq: event.seq,
        kind: event.kind,
        at: time::rfc3339(event.at),
        data,
    }
}

fn write_batch(store: &dyn Store, batch: &mut Vec<StoredEvent>, stats: &WriterStats) {
    if batch.is_empty() {
        return;
    }
    let mut attempt = 0;
    loop {
        attempt += 1;
        match store.append_events(batch) {
            Ok(()) => {
                stats
                    .written
                    .fetch_add(batch.len() as u64, Ordering::Relaxed);
                stats.batches.fetch_add(1, Ordering::Relaxed);
                break;
            }
            Err(e) => {
                *stats
                    .last_error
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some(e.to_string());
                if attempt >= WRITE_ATTEMPTS {
                    eprintln!(
                        "tapedeck: {} events could not be written to the run store: {e}",
                        batch.len()
                    );
                    stats.lost.fetch_add(batch.len() as u64, Ordering::Relaxed);
                    break;
                }
                std::thread::sleep(Duration::from_millis(20 << attempt));
            }
        }
    }
    batch.clear();
}
