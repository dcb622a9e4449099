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
//! Layout: a magic line, the header's length (u32, little-endian), the header as JSON, then one
//! MessagePack section per kind (a self-describing format, so every serde attribute of the model
//! round-trips), each with its own BLAKE3 hash so sections are checked while they are decoded in
//! parallel.

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

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Section {
    kind: String,
    count: u64,
    len: u64,
    hash: String,
}

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
        let body = kind.dispatch(&mut Encode(snapshot))?;
        sections.push(Section {
            kind: kind.as_str().to_owned(),
            count: snapshot.count(kind) as u64,
            len: body.len() as u64,
            hash: blake3::hash(&body).to_hex().to_string(),
        });
        bodies.push(body);
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
        if header.binary != binary_id()? {
            return Err(Unusable::OtherBinary);
        }
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

    /// Decodes the snapshot over `sdg`, checking every section; sections are decoded on all
    /// cores, largest first.
    pub(crate) fn decode(self, sdg: Arc<SdgFramework>) -> Result<Snapshot, Unusable> {
        let mut body = &self.bytes[self.body_at..];
        let mut jobs = Vec::new();
        for section in &self.header.sections {
            let kind = Kind::parse(&section.kind)
                .ok_or_else(|| Unusable::Damaged(format!("unknown kind {}", section.kind)))?;
            let len = usize::try_from(section.len).map_err(|_| Unusable::Format)?;
            if body.len() < len {
                return Err(Unusable::Damaged("truncated".into()));
            }
            let (bytes, rest) = body.split_at(len);
            body = rest;
            jobs.push((kind, section, bytes));
        }
        if !body.is_empty() || jobs.len() != Kind::ALL.len() {
            return Err(Unusable::Damaged("sections do not match the kinds".into()));
        }
        jobs.sort_by_key(|(_, s, _)| std::cmp::Reverse(s.len));
        let next = std::sync::Mutex::new(jobs.into_iter());
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let parts: Vec<Result<Snapshot, Unusable>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| scope.spawn(|| decode_some(&next)))
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or_else(|_| Err(Unusable::Format)))
                .collect()
        });
        let mut snapshot = Snapshot::empty(sdg);
        snapshot.version = self.header.stamp.version;
        for part in parts {
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

type Job<'a> = (Kind, &'a Section, &'a [u8]);

/// Decodes sections taken from `next` until none is left, into a partial snapshot.
fn decode_some<'a>(
    next: &std::sync::Mutex<std::vec::IntoIter<Job<'a>>>,
) -> Result<Snapshot, Unusable> {
    let mut part = Snapshot::default();
    loop {
        let job = next.lock().unwrap_or_else(|e| e.into_inner()).next();
        let Some((kind, section, bytes)) = job else {
            return Ok(part);
        };
        if blake3::hash(bytes).to_hex().as_str() != section.hash {
            return Err(Unusable::Damaged(format!("{} altered", section.kind)));
        }
        kind.dispatch(&mut Decode {
            bytes,
            count: section.count,
            into: &mut part,
        })?;
    }
}

struct Encode<'a>(&'a Snapshot);

impl KindFn for Encode<'_> {
    type Out = Result<Vec<u8>, Unusable>;
    fn call<T: Collection>(&mut self) -> Self::Out {
        let mut out = Vec::new();
        let mut ser = rmp_serde::Serializer::new(&mut out).with_struct_map();
        for entity in T::of(self.0).values() {
            entity
                .serialize(&mut ser)
                .map_err(|e| Unusable::Damaged(e.to_string()))?;
        }
        Ok(out)
    }
}

struct Decode<'a> {
    bytes: &'a [u8],
    count: u64,
    into: &'a mut Snapshot,
}

impl KindFn for Decode<'_> {
    type Out = Result<(), Unusable>;
    fn call<T: Collection>(&mut self) -> Self::Out {
        let mut de = rmp_serde::Deserializer::from_read_ref(self.bytes);
        let count = usize::try_from(self.count).map_err(|_| Unusable::Format)?;
        let mut entries = Vec::with_capacity(count.min(self.bytes.len()));
        for _ in 0..count {
            let entity = T::deserialize(&mut de).map_err(|e| Unusable::Damaged(e.to_string()))?;
            entries.push((entity.key(), entity));
        }
        let map = agenda_core::snapshot::packed(entries);
        if map.len() != count {
            return Err(Unusable::Damaged(format!(
                "{} miscounted",
                T::KIND.as_str()
            )));
        }
        *T::of_mut(self.into) = map;
        Ok(())
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
