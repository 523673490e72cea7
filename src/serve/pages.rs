//! The pages of a publication's PDF as the page shows them: one hash per page, and each page's
//! PNG rendered on request by `diff`'s renderer (hayro, from the PDF as written, one page at a
//! time), kept in a cache of bounded size.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use crate::diff::pdfs::encode_png;
use crate::diff::render::Document;

/// The most bytes of PNG kept between requests, all publications together: a few dozen pages.
const CACHE_BYTES: usize = 24 << 20;

/// One PDF as shown: its bytes, and the hash of each page in order.
pub struct Pages {
    bytes: Arc<Vec<u8>>,
    /// The hash of each page, in order: equal hashes, equal pages.
    pub hashes: Vec<u64>,
}

/// One page is rendered at a time, whatever the requests: a storm of them waits in line instead
/// of holding a page's pixels per thread.
static RENDERING: Mutex<()> = Mutex::new(());

impl Pages {
    /// The PDF at `path`, its pages known by the hashes the build gave (`None`: hashed here, by
    /// rendering each page, for a PDF left by an earlier run).
    pub fn open(path: &Path, hashes: Option<Vec<u64>>) -> Result<Pages, String> {
        let unreadable = || format!("{}: this PDF cannot be read", path.display());
        let bytes = std::fs::read(path).map_err(|err| format!("{}: {err}", path.display()))?;
        let bytes = Arc::new(bytes);
        let hashes = match hashes {
            Some(hashes) => hashes,
            None => Document::from_shared(Arc::clone(&bytes)).ok_or_else(unreadable)?.page_hashes(),
        };
        Ok(Pages { bytes, hashes })
    }

    /// The PNG of the page whose hash is `hash`, rendered unless the cache holds it; `None` when
    /// no page of this PDF has that hash (any more).
    pub fn png(&self, hash: u64, cache: &PngCache) -> Option<Arc<Vec<u8>>> {
        let index = self.hashes.iter().position(|h| *h == hash)?;
        if let Some(png) = cache.get(hash) {
            return Some(png);
        }
        let _turn = RENDERING.lock().unwrap_or_else(PoisonError::into_inner);
        // Opened for this page only: what the renderer caches (fonts, images decoded) goes with
        // it, rather than staying as long as the page is shown.
        let pixels = Document::from_shared(Arc::clone(&self.bytes))?.page(index);
        let png = Arc::new(encode_png(&pixels));
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
