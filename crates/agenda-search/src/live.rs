//! The finder of the latest catalogue, rebuilt in the background: a question never waits for
//! an index to be built, except the very first one, when there is no index yet.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use agenda_core::Snapshot;

use crate::Finder;

/// The finder of the latest snapshot it was asked about. Cheap to clone (shared).
#[derive(Clone, Default)]
pub struct LiveFinder(Arc<Inner>);

#[derive(Default)]
struct Inner {
    current: RwLock<Option<Arc<Finder>>>,
    /// Whether a rebuild is under way (one at a time).
    building: AtomicBool,
    /// Held while the first index is built, so that it is built once.
    first: Mutex<()>,
}

impl LiveFinder {
    /// The finder for `snapshot`: the current one if it indexes that version; else the previous
    /// one, while a new one is built in the background; only when there is none yet, one built
    /// now.
    pub fn get(&self, snapshot: &Arc<Snapshot>) -> Arc<Finder> {
        self.get_with(snapshot, Finder::build)
    }

    /// As [`LiveFinder::get`], building with `build`.
    pub fn get_with(
        &self,
        snapshot: &Arc<Snapshot>,
        build: impl FnOnce(&Snapshot) -> Finder + Send + 'static,
    ) -> Arc<Finder> {
        if let Some(f) = self.current() {
            if f.version != snapshot.version {
                self.rebuild(snapshot, build);
            }
            return f;
        }
        let _first = self.0.first.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(f) = self.current() {
            return f;
        }
        let f = Arc::new(build(snapshot));
        self.install(f.clone());
        f
    }

    /// Starts building the finder of `snapshot` in the background, unless a build is under
    /// way (the next question after it ends starts another if the catalogue moved again).
    pub fn rebuild(
        &self,
        snapshot: &Arc<Snapshot>,
        build: impl FnOnce(&Snapshot) -> Finder + Send + 'static,
    ) {
        if self
            .0
            .building
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return;
        }
        let me = self.clone();
        let snapshot = snapshot.clone();
        let spawned = std::thread::Builder::new()
            .name("finder-index".into())
            .spawn(move || {
                // Cleared even if the build panics, so that a later question tries again.
                struct Done(LiveFinder);
                impl Drop for Done {
                    fn drop(&mut self) {
                        self.0.0.building.store(false, Ordering::Release);
                    }
                }
                let done = Done(me);
                let f = Arc::new(build(&snapshot));
                done.0.install(f);
            });
        if spawned.is_err() {
            self.0.building.store(false, Ordering::Release);
        }
    }

    /// The finder in use, if any.
    pub fn current(&self) -> Option<Arc<Finder>> {
        self.0
            .current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Puts `f` in use, unless the one in use indexes a later version.
    fn install(&self, f: Arc<Finder>) {
        let mut current = self
            .0
            .current
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if current.as_ref().is_none_or(|c| c.version <= f.version) {
            *current = Some(f);
        }
    }
}
