//! presse: one Markdown source tree, two editions — a print PDF (typst) and an EPUB 3.
//!
//! # The map
//!
//! The modules form a stack of layers. Each imports only from the layers below it, so the code
//! reads from the bottom up and no change deep down depends on what sits above.
//!
//! | layer | modules | what they hold |
//! |---|---|---|
//! | 7. commands | [`check`], [`watch`], [`scaffold`], [`diff`], [`serve`] | `presse check`, `presse watch`, `presse new`, `presse diff`, `presse serve` (watch's loop and diff's renderer behind a local web page) |
//! | 6. build machinery | [`build`] (`output`, `stamp`, `progress`, `report`) | every stage in order, per publication; editions written atomically, stamps, progress, findings printed |
//! | 5. editions | [`pdf`], [`epub`] | model → typst → PDF (print boxes, preflight, previews, where each page begins); model → XHTML → EPUB (with the PDF's page list and cover) |
//! | 4. passes | [`passes`] | model → model: typography, ids and links, URLs, images, checks, the French editorial lint |
//! | 3. reading | `parse`, [`load`] | Markdown → model (the only module that knows comrak); a source folder → a publication |
//! | 2. the model | [`manifest`], [`model`], [`styles`] | `publication.toml`; the document model both editions read; the style presets |
//! | 1. shared helpers | [`limits`], [`memo`], [`lang`], [`date`], `paths`, [`project`], `files`, `html`, `slug`, `suggest`, `url`, `xml`, [`svg`] | limits on input, memoised work bounded, language tags, dates, the one "inside the project" check, the project found from any folder in it, safe reads and atomic writes, HTML tags read, slugs, "did you mean", URLs, XML escaping, SVG made safe |
//! | 0. findings | [`diag`] | positions, findings, and results that carry their findings ([`diag::Warned`]) |
//!
//! Within a layer, a module may use one listed before it (`model` holds a `manifest`, `load`
//! calls `parse`), never one after it. Both editions read the same model after the same
//! passes, so the PDF and the EPUB always say the same thing.
#![warn(missing_docs)]

pub mod diag;

pub mod date;
mod files;
mod html;
pub mod lang;
pub mod limits;
pub mod memo;
mod paths;
pub mod project;
mod slug;
mod suggest;
pub mod svg;
mod url;
mod xml;

pub mod manifest;
pub mod model;
pub mod styles;

pub mod load;
mod parse;

pub mod passes;

pub mod epub;
pub mod pdf;

pub mod build;

pub mod check;
pub mod diff;
pub mod scaffold;
pub mod serve;
pub mod watch;
