//! The snapshot file: the whole snapshot at one audit head, kept next to the database so that
//! a server starts in a fraction of the time it takes to read and parse every stored record.
//!
//! The file is only ever an accelerator. It is used when it was written by this very binary
//! (the executable's hash), for this schema, at an audit head whose hash the database's audit
//! log still holds at that sequence number: the audit chain covers every record, so the same
//! hash at the same sequence means the same content. A file a little behind is brought up to
//! date from the audit log, as a server following others is. Anything else — a missing,
//! truncated or altered file, another binary, a restored or different database — means the
//! ordinary load from the database, and nothing is lost.
//!
//! Layout: a magic line, the header's length (u32, little-endian), the header as JSON, then the
//! entities of each kind in chunks of MessagePack `(key, entity)` pairs (a self-describing
//! format, so every serde attribute of the model round-trips). Each chunk has its own BLAKE3
//! hash, so chunks are checked while they are decoded on every core.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use agenda_core::sdg::SdgFramework;
use agenda_core::{Collection, Kind, KindFn, Snapshot};
use serde::{Deserialize, Serialize};

const MAGIC: &[u8] = b"agenda snapshot\n";
/// Changes whenever the layout below changes.
const FORMAT: u32 = 1;

/// Where a file stands against the database it would be used with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    /// The audit head the snapshot was taken at.
    pub version: u64,
    /// The audit record hash at `version` (the genesis hash at 0).
    pub hash: String,
    /// The last schema migration applied.
    pub schema: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: u32,
    /// BLAKE3 of the executable that wrote the file: only it knows the layout of its types.
    binary: String,
    stamp: Stamp,
    sections: Vec<Section>,
}

/// The entities of one kind.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Section {
    kind: String,
    chunks: Vec<Chunk>,
}

/// Up to [`CHUNK`] entities of a section, in key order.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Chunk {
    count: u64,
    len: u64,
    hash: String,
}

/// Entities per chunk: small enough to share a national kind's decoding among the cores
/// (and in tests small enough for the demo's kinds to span several chunks).
const CHUNK: usize = if cfg!(test) { 64 } else { 32_768 };

/// Why a file was not used; logged, never an error of the store.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Unusable {
    #[error("no snapshot file")]
    Missing,
    #[error("cannot read the snapshot file: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a snapshot file of this format")]
    Format,
    #[error("written by another build of agenda")]
    OtherBinary,
    #[error("damaged: {0}")]
    Damaged(String),
}

/// The hash of the running executable, read once.
fn binary_id() -> Result<&'static str, Unusable> {
    static ID: OnceLock<Option<String>> = OnceLock::new();
    ID.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        let mut hasher = blake3::Hasher::new();
        hasher.update_reader(std::fs::File::open(exe).ok()?).ok()?;
        Some(hasher.finalize().to_hex().to_string())
    })
    .as_deref()
    .ok_or(Unusable::OtherBinary)
}

/// Writes `snapshot`, taken at `stamp`, to `path`: to a temporary file in the same directory
/// first, renamed over `path` once complete and flushed, so a reader never sees half a file
/// and a crash leaves the previous one in place.
pub(crate) fn write(path: &Path, snapshot: &Snapshot, stamp: Stamp) -> Result<(), Unusable> {
    let binary = binary_id()?.to_owned();
    let mut sections = Vec::new();
    let mut bodies = Vec::new();
    for &kind in Kind::ALL {
        let encoded = kind.dispatch(&mut Encode(snapshot))?;
        let mut chunks = Vec::new();
        for (count, body) in encoded {
            chunks.push(Chunk {
                count,
                len: body.len() as u64,
                hash: blake3::hash(&body).to_hex().to_string(),
            });
            bodies.push(body);
        }
        sections.push(Section {
            kind: kind.as_str().to_owned(),
            chunks,
        });
    }
    let header = serde_json::to_vec(&Header {
        format: FORMAT,
        binary,
        stamp,
        sections,
    })
    .map_err(|e| Unusable::Damaged(e.to_string()))?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        out.write_all(MAGIC)?;
        out.write_all(&(header.len() as u32).to_le_bytes())?;
        out.write_all(&header)?;
        for body in &bodies {
            out.write_all(body)?;
        }
        out.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| Unusable::Io(e.error))?;
    Ok(())
}

/// A snapshot file read into memory, its header checked, its body not yet decoded.
pub(crate) struct Loaded {
    bytes: Vec<u8>,
    header: Header,
    body_at: usize,
}

impl Loaded {
    /// Reads the file at `path` and checks that this binary wrote it.
    pub(crate) fn read(path: &Path) -> Result<Loaded, Unusable> {
        let started = std::time::Instant::now();
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Unusable::Missing,
            _ => Unusable::Io(e),
        })?;
        let rest = bytes.strip_prefix(MAGIC).ok_or(Unusable::Format)?;
        let (len, rest) = rest.split_first_chunk::<4>().ok_or(Unusable::Format)?;
        let len = u32::from_le_bytes(*len) as usize;
        let json = rest.get(..len).ok_or(Unusable::Format)?;
        let header: Header = serde_json::from_slice(json).map_err(|_| Unusable::Format)?;
        if header.format != FORMAT {
            return Err(Unusable::Format);
        }
        let read_ms = started.elapsed().as_millis() as u64;
        if header.binary != binary_id()? {
            return Err(Unusable::OtherBinary);
        }
        tracing::debug!(
            read_ms,
            checked_ms = started.elapsed().as_millis() as u64,
            bytes = bytes.len(),
            "snapshot file read"
        );
        let body_at = MAGIC.len() + 4 + len;
        Ok(Loaded {
            bytes,
            header,
            body_at,
        })
    }

    /// Where the snapshot in the file stands.
    pub(crate) fn stamp(&self) -> &Stamp {
        &self.header.stamp
    }

    /// Decodes the snapshot over `sdg`, checking every chunk, on every core: one thread builds
    /// the largest kind's map (a national catalogue's observations) chunk after chunk, while
    /// the others build the remaining kinds and then decode that kind's chunks ahead of it.
    pub(crate) fn decode(self, sdg: Arc<SdgFramework>) -> Result<Snapshot, Unusable> {
        let mut body = &self.bytes[self.body_at..];
        let mut kinds: Vec<KindChunks<'_>> = Vec::new();
        for section in &self.header.sections {
            let kind = Kind::parse(&section.kind)
                .ok_or_else(|| Unusable::Damaged(format!("unknown kind {}", section.kind)))?;
            let mut chunks = Vec::new();
            for chunk in &section.chunks {
                let len = usize::try_from(chunk.len).map_err(|_| Unusable::Format)?;
                if body.len() < len {
                    return Err(Unusable::Damaged("truncated".into()));
                }
                let (bytes, rest) = body.split_at(len);
                body = rest;
                chunks.push((chunk, bytes));
            }
            kinds.push(KindChunks { kind, chunks });
        }
        let mut distinct: Vec<Kind> = kinds.iter().map(|k| k.kind).collect();
        distinct.sort();
        distinct.dedup();
        if !body.is_empty() || distinct.len() != Kind::ALL.len() || kinds.len() != distinct.len() {
            return Err(Unusable::Damaged("sections do not match the kinds".into()));
        }
        kinds.sort_by_key(|k| std::cmp::Reverse(k.count()));
        let mut rest = kinds.into_iter();
        let Some(largest) = rest.next() else {
            return Err(Unusable::Format);
        };
        let others = std::sync::Mutex::new(rest);
        let ahead = Ahead {
            chunks: &largest.chunks,
            kind: largest.kind,
            next: std::sync::atomic::AtomicUsize::new(0),
            slots: std::sync::Mutex::new((0..largest.chunks.len()).map(|_| None).collect()),
            filled: std::sync::Condvar::new(),
        };
        let helpers = std::thread::available_parallelism().map_or(1, |n| n.get()) - 1;
        let (main, parts) = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..helpers)
                .map(|_| {
                    scope.spawn(|| {
                        let mut part = Snapshot::default();
                        loop {
                            let next = others.lock().unwrap_or_else(|e| e.into_inner()).next();
                            let Some(k) = next else { break };
                            k.build(&mut part)?;
                        }
                        while ahead.decode_next() {}
                        Ok::<_, Unusable>(part)
                    })
                })
                .collect();
            let mut part = Snapshot::default();
            let main = ahead.build(largest.count(), &mut part).and_then(|()| {
                // Alone (one core), or done first: the kinds left are built here.
                loop {
                    let next = others.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some(k) = next else { break };
                    k.build(&mut part)?;
                }
                Ok(part)
            });
            let parts: Vec<Result<Snapshot, Unusable>> = workers
                .into_iter()
                .map(|w| w.join().unwrap_or_else(|_| Err(Unusable::Format)))
                .collect();
            (main, parts)
        });
        let mut snapshot = Snapshot::empty(sdg);
        snapshot.version = self.header.stamp.version;
        for part in std::iter::once(main).chain(parts) {
            let mut part = part?;
            for &kind in Kind::ALL {
                kind.dispatch(&mut Merge {
                    from: &mut part,
                    into: &mut snapshot,
                });
            }
        }
        Ok(snapshot)
    }
}

/// The chunks of one kind in the file.
struct KindChunks<'a> {
    kind: Kind,
    chunks: Vec<(&'a Chunk, &'a [u8])>,
}

impl KindChunks<'_> {
    fn count(&self) -> u64 {
        self.chunks.iter().map(|(c, _)| c.count).sum()
    }

    /// Decodes every chunk and builds the kind's map into `part`.
    fn build(&self, part: &mut Snapshot) -> Result<(), Unusable> {
        let mut chunks = self.chunks.iter();
        let mut next = || chunks.next().map(|(c, b)| decode_chunk(self.kind, c, b));
        self.kind.dispatch(&mut Build {
            next: &mut next,
            count: self.count(),
            into: part,
        })?;
        check_count(part, self.kind, self.count())
    }
}

fn check_count(part: &Snapshot, kind: Kind, count: u64) -> Result<(), Unusable> {
    if part.count(kind) as u64 == count {
        Ok(())
    } else {
        Err(Unusable::Damaged(format!("{} miscounted", kind.as_str())))
    }
}

fn decode_chunk(kind: Kind, chunk: &Chunk, bytes: &[u8]) -> Result<Pairs, Unusable> {
    if blake3::hash(bytes).to_hex().as_str() != chunk.hash {
        return Err(Unusable::Damaged(format!("{} altered", kind.as_str())));
    }
    kind.dispatch(&mut Decode {
        bytes,
        count: chunk.count,
    })
}

/// The largest kind's chunks, decoded by any thread, taken in order by the one building it.
struct Ahead<'a> {
    kind: Kind,
    chunks: &'a [(&'a Chunk, &'a [u8])],
    /// The next chunk no thread has taken yet.
    next: std::sync::atomic::AtomicUsize,
    slots: std::sync::Mutex<Vec<Option<Result<Pairs, Unusable>>>>,
    filled: std::sync::Condvar,
}

impl Ahead<'_> {
    /// Takes the next chunk nobody has taken and decodes it; false when none is left.
    fn decode_next(&self) -> bool {
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let Some((chunk, bytes)) = self.chunks.get(i) else {
            return false;
        };
        let decoded = decode_chunk(self.kind, chunk, bytes);
        self.slots.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(decoded);
        self.filled.notify_all();
        true
    }

    /// Chunk `i`, decoded here if no thread has taken it, else waited for.
    fn take(&self, i: usize) -> Result<Pairs, Unusable> {
        loop {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(done) = slots[i].take() {
                return done;
            }
            if self.next.load(std::sync::atomic::Ordering::SeqCst) <= i {
                drop(slots);
                self.decode_next();
                continue;
            }
            // Another thread is decoding it.
            while slots[i].is_none() {
                slots = self.filled.wait(slots).unwrap_or_else(|e| e.into_inner());
            }
        }
    }

    /// Builds the kind's map into `part`, chunk after chunk.
    fn build(&self, count: u64, part: &mut Snapshot) -> Result<(), Unusable> {
        let mut i = 0;
        let mut next = || {
            let chunk = (i < self.chunks.len()).then(|| self.take(i));
            i += 1;
            chunk
        };
        self.kind.dispatch(&mut Build {
            next: &mut next,
            count,
            into: part,
        })?;
        check_count(part, self.kind, count)
    }
}

/// A chunk's decoded `Vec<(String, T)>`, its type known from its kind.
type Pairs = Box<dyn std::any::Any + Send>;

struct Encode<'a>(&'a Snapshot);

impl KindFn for Encode<'_> {
    /// `(count, bytes)` of each chunk.
    type Out = Result<Vec<(u64, Vec<u8>)>, Unusable>;
    fn call<T: Collection>(&mut self) -> Result<Vec<(u64, Vec<u8>)>, Unusable> {
        let mut chunks = Vec::new();
        let map = T::of(self.0);
        let mut entries = map.iter().peekable();
        while entries.peek().is_some() {
            let mut out = Vec::new();
            let mut ser = rmp_serde::Serializer::new(&mut out).with_struct_map();
            let mut count = 0;
            for pair in entries.by_ref().take(CHUNK) {
                pair.serialize(&mut ser)
                    .map_err(|e| Unusable::Damaged(e.to_string()))?;
                count += 1;
            }
            chunks.push((count, out));
        }
        Ok(chunks)
    }
}

struct Decode<'a> {
    bytes: &'a [u8],
    count: u64,
}

impl KindFn for Decode<'_> {
    type Out = Result<Pairs, Unusable>;
    fn call<T: Collection>(&mut self) -> Result<Pairs, Unusable> {
        let mut de = rmp_serde::Deserializer::from_read_ref(self.bytes);
        let count = usize::try_from(self.count).map_err(|_| Unusable::Format)?;
        let mut pairs: Vec<(String, T)> = Vec::with_capacity(count.min(CHUNK));
        for _ in 0..count {
            let pair = <(String, T)>::deserialize(&mut de)
                .map_err(|e| Unusable::Damaged(e.to_string()))?;
            pairs.push(pair);
        }
        Ok(Box::new(pairs))
    }
}

/// Builds one kind's map from its decoded chunks, taken in order from `next`.
struct Build<'a> {
    next: &'a mut dyn FnMut() -> Option<Result<Pairs, Unusable>>,
    count: u64,
    into: &'a mut Snapshot,
}

impl KindFn for Build<'_> {
    type Out = Result<(), Unusable>;
    fn call<T: Collection>(&mut self) -> Result<(), Unusable> {
        let mut failed = None;
        let next = &mut self.next;
        let chunks = std::iter::from_fn(|| match next()? {
            Ok(pairs) => match pairs.downcast::<Vec<(String, T)>>() {
                Ok(pairs) => Some(*pairs),
                Err(_) => {
                    failed = Some(Unusable::Format);
                    None
                }
            },
            Err(e) => {
                failed = Some(e);
                None
            }
        });
        // Chunks follow each other in key order: no sort, no copy into one vector.
        let count = usize::try_from(self.count).map_err(|_| Unusable::Format)?;
        let map = agenda_core::snapshot::packed_sorted(ExactLen(chunks.flatten(), count));
        if let Some(e) = failed {
            return Err(e);
        }
        *T::of_mut(self.into) = map;
        Ok(())
    }
}

/// An iterator that knows its length, so the map builder sizes its buffer once.
struct ExactLen<I>(I, usize);

impl<I: Iterator> Iterator for ExactLen<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        self.1 = self.1.saturating_sub(1);
        self.0.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.1, Some(self.1))
    }
}

struct Merge<'a> {
    from: &'a mut Snapshot,
    into: &'a mut Snapshot,
}

impl KindFn for Merge<'_> {
    type Out = ();
    fn call<T: Collection>(&mut self) {
        let part = std::mem::take(T::of_mut(self.from));
        if !part.is_empty() {
            *T::of_mut(self.into) = part;
        }
    }
}

/// The snapshot file to use for the database at `url`, if any: next to an SQLite file;
/// under `dir` for PostgreSQL, named after the database so several can share the directory.
pub fn default_path(url: &str, dir: &Path) -> Option<PathBuf> {
    match crate::backend::sqlite_path(url) {
        Some(db) => {
            let db = Path::new(db);
            let mut name = db.as_os_str().to_owned();
            name.push(".snapshot");
            Some(PathBuf::from(name))
        }
        None if url.starts_with("sqlite:") => None,
        None => {
            let id = blake3::hash(crate::backend::redact_url(url).as_bytes()).to_hex();
            Some(dir.join(format!("snapshot-{}.bin", &id.as_str()[..16])))
        }
    }
}
