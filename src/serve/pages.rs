//! The pages of a publication's PDF as the page shows them: one hash per page, and each page's
//! PNG rendered on request by `diff`'s renderer (hayro, from the PDF as written, one page at a
//! time), kept in a cache of bounded size.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::snapshot::Snapshot;
use crate::diff::pdfs::encode_png;
use crate::diff::render::Document;

/// The most bytes of PNG kept between requests, all publications together: a few dozen pages
/// (a browser keeps those it fetched: their URLs never change).
const CACHE_BYTES: usize = 8 << 20;

/// One PDF as shown: its file, and the hash of each page in order.
pub struct Pages {
    file: Snapshot,
    /// The hash of each page, in order: equal hashes, equal pages.
    pub hashes: Vec<u64>,
}

/// A page to render: the PDF, the page's index, where to send its PNG.
type Job = (Snapshot, usize, Sender<Option<Vec<u8>>>);

/// The one thread that renders pages, whatever the requests: a storm of them waits in line, and
/// the renderer's working memory stays in one thread's heap rather than in each worker's.
fn renderer() -> &'static Mutex<Sender<Job>> {
    static RENDERER: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    RENDERER.get_or_init(|| {
        let (sender, jobs) = channel::<Job>();
        std::thread::Builder::new()
            .name("serve-render".into())
            .spawn(move || {
                for (file, index, answer) in jobs {
                    // A page the renderer cannot draw is not found; the thread goes on.
                    let png = std::panic::catch_unwind(|| render(&file, index));
                    let _ = answer.send(png.ok().flatten());
                    // mimalloc (presse's allocator) returns freed memory to the system only when
                    // the thread that freed it allocates again; this one then waits, idle, with
                    // a page's pixels and decoded images (tens of MB) resident: collect now.
                    // SAFETY: mi_collect takes no pointer and may be called from any thread.
                    unsafe { libmimalloc_sys::mi_collect(true) };
                }
            })
            .expect("the renderer's thread starts");
        Mutex::new(sender)
    })
}

/// The PNG of one page. The PDF is opened for this page only: what the renderer caches (fonts,
/// images decoded) does not stay in memory.
fn render(file: &Snapshot, index: usize) -> Option<Vec<u8>> {
    let document = Document::from_shared(file.bytes())?;
    (index < document.page_count()).then(|| encode_png(&document.page(index)))
}

impl Pages {
    /// The PDF at `path`, its pages known by the hashes the build gave (`None`: hashed here, by
    /// rendering each page, for a PDF left by an earlier run).
    pub fn open(path: &Path, hashes: Option<Vec<u64>>) -> Result<Pages, String> {
        let unreadable = || format!("{}: this PDF cannot be read", path.display());
        let file = Snapshot::open(path)?;
        let document = Document::from_shared(file.bytes()).ok_or_else(unreadable)?;
        let hashes = hashes.unwrap_or_else(|| document.page_hashes());
        Ok(Pages { file, hashes })
    }

    /// The PNG of the page whose hash is `hash`, rendered unless the cache holds it; `None` when
    /// no page of this PDF has that hash (any more).
    pub fn png(&self, hash: u64, cache: &PngCache) -> Option<Arc<Vec<u8>>> {
        let index = self.hashes.iter().position(|h| *h == hash)?;
        if let Some(png) = cache.get(hash) {
            return Some(png);
        }
        let (answer, png) = channel();
        let job = (self.file.clone(), index, answer);
        renderer().lock().unwrap_or_else(PoisonError::into_inner).send(job).ok()?;
        let png = Arc::new(png.recv().ok()??);
        cache.put(hash, Arc::clone(&png));
        Some(png)
    }
}

/// PNGs of pages by hash, the oldest let go first past [`CACHE_BYTES`].
#[derive(Default)]
pub struct PngCache {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    pngs: HashMap<u64, Arc<Vec<u8>>>,
    order: VecDeque<u64>,
    bytes: usize,
}

impl PngCache {
    fn get(&self, hash: u64) -> Option<Arc<Vec<u8>>> {
        self.lock().pngs.get(&hash).cloned()
    }

    fn put(&self, hash: u64, png: Arc<Vec<u8>>) {
        let mut kept = self.lock();
        kept.bytes += png.len();
        match kept.pngs.insert(hash, png) {
            Some(replaced) => kept.bytes -= replaced.len(),
            None => kept.order.push_back(hash),
        }
        while kept.bytes > CACHE_BYTES
            && let Some(oldest) = kept.order.pop_front()
        {
            let freed = kept.pngs.remove(&oldest).map_or(0, |png| png.len());
            kept.bytes -= freed;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_lets_the_oldest_go_past_its_size() {
        let cache = PngCache::default();
        let third = Arc::new(vec![0; CACHE_BYTES / 3 + 1]);
        for hash in 0..3 {
            cache.put(hash, Arc::clone(&third));
        }
        assert!(cache.get(0).is_none(), "the oldest went");
        assert!(cache.get(1).is_some() && cache.get(2).is_some());
        assert!(cache.lock().bytes <= CACHE_BYTES);
    }
}
