//! The PDF edition: model → typst source → our world → laid-out document → PDF bytes.

mod balance;
pub mod columns;
mod elision;
pub(crate) mod emit;
mod escape;
pub(crate) mod layout;
pub(crate) mod pagination;
pub(crate) mod preflight;
pub(crate) mod preview;
pub(crate) mod print;
mod values;
mod world;

pub use preview::rasterise;
pub use world::{Environment, Fonts};

use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use typst::WorldExt;
use typst::diag::SourceDiagnostic;
use typst::foundations::{Datetime, Smart};
use typst::layout::{Abs, Frame, FrameItem};
use typst::syntax::{DiagSpan, Span};
use typst::visualize::{Color, Paint, ProcessColor};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandards, Timestamp};

use crate::date::edition_timestamp;
use crate::diag::{Diagnostic, Diagnostics, Outcome, Pos, Warned, pos_of_offset};
use crate::manifest::PdfStandard;
use crate::memo::{self, Round};
use crate::model::Publication;
use crate::styles::Style;
use emit::{TEMPLATE_PATH, TypstSource};
use print::PdfProfile;
use world::PresseWorld;

/// The virtual path of the generated main file.
pub const MAIN_PATH: &str = "/.presse/main.typ";

/// A laid-out publication, the typst source it came from and the world that compiled it
/// (to point what is found in the pages back at the Markdown).
pub struct Typeset {
    /// The laid-out pages.
    pub document: PagedDocument,
    /// The generated typst source.
    pub source: TypstSource,
    /// The world it was compiled in.
    world: PresseWorld,
    /// The style it was laid out with.
    style: Style,
}

impl Typeset {
    /// The file and position a span of the laid-out pages comes from; `None` when detached.
    pub fn locate(&self, span: impl Into<DiagSpan>) -> Option<(PathBuf, Pos)> {
        let span = span.into();
        if span.is_detached() {
            return None;
        }
        let (file, pos, _) = self.mapper().locate(span);
        Some((file, pos))
    }

    /// The project files typst read or looked for, relative to the root (images, raw blocks'
    /// `read()` …).
    pub fn files_read(&mut self) -> Vec<PathBuf> {
        self.world.project_files_read()
    }

    fn mapper(&self) -> Mapper<'_> {
        Mapper { world: &self.world, source: &self.source, style: &self.style }
    }
}

/// Emits, compiles and lays out a publication, with typst's findings and the emitter's.
pub fn typeset(
    publication: &Publication,
    root: &Path,
    env: &Environment,
    style: &Style,
) -> Outcome<Typeset> {
    typeset_with_bleed(publication, root, env, style, None)
}

/// [`typeset`], with every page laid out with a bleed when `bleed` is given (the print edition).
pub(crate) fn typeset_with_bleed(
    publication: &Publication,
    root: &Path,
    env: &Environment,
    style: &Style,
    bleed: Option<Abs>,
) -> Outcome<Typeset> {
    let typeset = memo::stage(|| compile(publication, root, env, style, bleed))?;
    // A round of its own: when no later build will use it, typst's memoised work was dropped as
    // the compilation's round ended, and the pages are cleaned in place.
    let _round = Round::work();
    let drop_soft_hyphens = elision::drop_unused_soft_hyphens;
    Ok(typeset.map(|t| Typeset { document: drop_soft_hyphens(t.document), ..t }))
}

/// How many balancing layouts a publication may take beyond its first.
const BALANCING_ROUNDS: usize = 5;

/// Lays out a publication, then again while the columns where its chapters end are not level
/// (see `balance`). A later layout that fails keeps the one before it.
fn compile(
    publication: &Publication,
    root: &Path,
    env: &Environment,
    style: &Style,
    bleed: Option<Abs>,
) -> Outcome<Typeset> {
    let columns = style.options.get("columns").and_then(toml::Value::as_integer).unwrap_or(1);
    let mut reserves = emit::Reserves::new();
    let mut laid_out = compile_once(publication, root, env, style, bleed, &reserves)?;
    if columns < 2 {
        return Ok(laid_out);
    }
    let max_columns = columns as usize;
    let unbalanced = balance::Outline::of(&laid_out.output);
    // What each chapter's reserve must stay under: one that moved its chapter's end, or left a
    // page holding only itself, is taken back by half a line, and the round done again.
    let mut caps = emit::Reserves::new();
    for _ in 0..BALANCING_ROUNDS {
        let mut next = balance::reserves(&laid_out.output, &reserves, max_columns);
        balance::cap(&mut next, &caps);
        // The same heights: where the text begins may have moved with them, not the layout.
        let heights = |reserves: &emit::Reserves| {
            reserves.iter().map(|(chapter, reserve)| (*chapter, reserve.height)).collect::<Vec<_>>()
        };
        if heights(&next) == heights(&reserves) {
            break;
        }
        let Ok(balanced) = compile_once(publication, root, env, style, bleed, &next) else {
            break;
        };
        let moved = unbalanced.moved(&balanced.output, next.keys());
        if moved.is_empty() {
            (laid_out, reserves) = (balanced, next);
        } else {
            caps.extend(moved.into_iter().map(|chapter| (chapter, next[&chapter])));
        }
    }
    Ok(laid_out)
}

/// Emits and lays out a publication once, with `reserves` below its chapters' last columns.
fn compile_once(
    publication: &Publication,
    root: &Path,
    env: &Environment,
    style: &Style,
    bleed: Option<Abs>,
    reserves: &emit::Reserves,
) -> Outcome<Typeset> {
    let mut found = Diagnostics::default();
    let source = emit::emit(publication, &style.options, reserves);
    let mut template = style.template.clone();
    if let Some(bleed) = bleed {
        template.push_str(&crate::pdf::print::template_suffix(bleed));
    }
    let files = vec![
        (MAIN_PATH.to_string(), source.text.clone().into_bytes()),
        (TEMPLATE_PATH.to_string(), template.into_bytes()),
    ];
    let today = build_date(publication);
    let world =
        PresseWorld::new(env.clone(), root, MAIN_PATH, files, today).kept_as(&publication.name);
    // A bug inside typst must not take presse down with it (a watcher, the other publications).
    let compile = || typst::compile::<PagedDocument>(&world);
    let compiled = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(compile)) {
        Ok(compiled) => compiled,
        Err(panic) => {
            found.push(typst_panic(publication, panic.as_ref()));
            return Err(found);
        }
    };
    let mapper = Mapper { world: &world, source: &source, style };
    found.extend(compiled.warnings.iter().map(|warning| mapper.map(warning)));
    match compiled.output {
        Ok(document) => {
            let typeset = Typeset { document, source, world, style: style.clone() };
            Warned::new(typeset, found).checked()
        }
        Err(errors) => {
            found.extend(errors.iter().map(|error| mapper.map(error)));
            Err(found)
        }
    }
}

/// The error for a panic inside typst: a bug of typst's, said as such, at the publication.
fn typst_panic(publication: &Publication, panic: &(dyn std::any::Any + Send)) -> Diagnostic {
    let why = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string());
    let typst = typst::syntax::package::PackageVersion::compiler();
    let message =
        format!("typst {typst} stopped with an internal error laying out this publication: {why}");
    let hint = "this is a bug of typst's, not an error in your text; please report it with the \
                chapters to presse's maintainers. Rewording the paragraph it stops on usually \
                works around it";
    let manifest = publication.dir.join("publication.toml");
    Diagnostic::error(manifest, Pos::default(), message).with_code("typst-panic").with_hint(hint)
}

/// Exports a laid-out publication as the screen PDF: tagged, with a stable identifier and
/// timestamp, meeting the publication's `[pdf] standards` (PDF/UA-1 and PDF/A-2a by default).
pub fn export_pdf(typeset: &Typeset, publication: &Publication) -> Result<Vec<u8>, Diagnostics> {
    export_pdf_with(typeset, publication, &PdfProfile::screen(&publication.manifest))
}

/// [`export_pdf`], as `profile` says: screen or print (crop marks and page boxes), and
/// meeting its standards.
pub(crate) fn export_pdf_with(
    typeset: &Typeset,
    publication: &Publication,
    profile: &PdfProfile,
) -> Result<Vec<u8>, Diagnostics> {
    memo::stage(|| export(typeset, publication, profile))
}

fn export(
    typeset: &Typeset,
    publication: &Publication,
    profile: &PdfProfile,
) -> Result<Vec<u8>, Diagnostics> {
    let options = PdfOptions {
        ident: Smart::Custom(publication.manifest.stable_identifier()),
        creator: Smart::Custom(Some(format!("presse {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(Timestamp::new_utc(build_date(publication))),
        tagged: true,
        standards: pdf_standards(&profile.standards),
        ..PdfOptions::default()
    };
    let marked = profile.print.map(|print| print::add_marks(&typeset.document, &print));
    let document = marked.as_ref().map_or(&typeset.document, |(document, _)| document);
    let manifest = publication.dir.join("publication.toml");
    match typst_pdf::pdf(document, &options) {
        Ok(bytes) => match &marked {
            None => Ok(bytes),
            Some((_, bleeds)) => print::add_bleed_boxes(bytes, bleeds).map_err(|error| {
                let message = format!("cannot add the BleedBox to the PDF: {error}");
                let hint = "please report it; build without --print meanwhile";
                let error = Diagnostic::error(&manifest, Pos::default(), message);
                error.with_hint(hint).with_code("pdf-export").into()
            }),
        },
        Err(errors) => {
            let at = publication.manifest.key_pos("standards");
            let asked = Asked { standards: &profile.standards, manifest: &manifest, at };
            Err(errors.iter().map(|error| export_error(typeset, &asked, error)).collect())
        }
    }
}

/// typst's settings for a list of PDF standards (none: plain tagged PDF 1.7).
fn pdf_standards(list: &[PdfStandard]) -> PdfStandards {
    let list: Vec<typst_pdf::PdfStandard> = list
        .iter()
        .map(|standard| match standard {
            PdfStandard::Ua1 => typst_pdf::PdfStandard::Ua_1,
            PdfStandard::A2a => typst_pdf::PdfStandard::A_2a,
            PdfStandard::A2b => typst_pdf::PdfStandard::A_2b,
        })
        .collect();
    PdfStandards::new(&list).expect("the manifest and the flag check the set")
}

/// The standards an export was asked to meet, and where the manifest asks for them.
struct Asked<'a> {
    standards: &'a [PdfStandard],
    manifest: &'a Path,
    /// The `standards` key, or the manifest's first line when the defaults apply.
    at: Pos,
}

/// How to opt out of the standards, said after every standard's error.
const OPT_OUT: &str = "or, to build without them, write `standards = []` under [pdf] in \
                       publication.toml, or pass --pdf-standard none";

/// A PDF export error, at the Markdown (or template) that caused it when typst says where,
/// else at the manifest's `standards` key.
fn export_error(typeset: &Typeset, asked: &Asked, error: &SourceDiagnostic) -> Diagnostic {
    // krilla says where nothing is when a CMYK colour has no profile: find the first one.
    let span = match error.span.is_detached() && error.message.contains("CMYK") {
        true => typeset.document.pages().iter().find_map(|p| first_cmyk(&p.frame)),
        false => None,
    };
    let located = typeset.locate(span.map_or(error.span, DiagSpan::from));
    let (file, pos) = located.unwrap_or_else(|| (asked.manifest.to_path_buf(), asked.at));
    if asked.standards.is_empty() {
        let message = format!("PDF export: {}", error.message);
        let hints: Vec<&str> = error.hints.iter().map(|h| h.v.as_str()).collect();
        return Diagnostic::error(file, pos, message)
            .with_hint(hints.join("; "))
            .with_code("pdf-export");
    }
    // typst starts its message with the standards that fail ("PDF/UA-1 error: "); the names
    // are ours when it does not.
    let (failing, what) = match error.message.split_once(" error: ") {
        Some((failing, what)) => (failing.to_string(), what),
        None => (PdfStandard::names(asked.standards), &error.message[..]),
    };
    let message = format!("the PDF cannot meet {failing}: {what}");
    let hints = standard_hints(what, error);
    Diagnostic::error(file, pos, message).with_hint(hints.join("; ")).with_code("pdf-standard")
}

/// What to do about a standard's error: how to fix the source (typst's own hints when presse
/// has none better), and how to opt out.
fn standard_hints(what: &str, error: &SourceDiagnostic) -> Vec<String> {
    let fix = SOURCE_FIXES.iter().find(|(needle, _)| what.contains(needle)).map(|(_, fix)| fix);
    let mut hints: Vec<String> = match fix {
        Some(fix) => vec![fix.to_string()],
        None => {
            let typst = error.hints.iter().map(|h| h.v.to_string());
            typst.filter(|h| !h.contains("show rule")).collect()
        }
    };
    hints.push(OPT_OUT.to_string());
    hints
}

/// How to fix the sources for typst's standard errors, by a phrase of the error.
const SOURCE_FIXES: [(&str, &str); 6] = [
    (
        "alt text",
        "describe the picture in its brackets: ![What the picture shows](images/file.png)",
    ),
    ("heading title is empty", "write the heading's text after its #, or remove the line"),
    ("first heading", "give the headings consecutive levels: a chapter opens with #, then ##, ###"),
    ("heading level", "give the headings consecutive levels: a chapter opens with #, then ##, ###"),
    (
        "could not be displayed",
        "no font of the style has this character: put a font that has it in the project's \
         fonts/ folder and name it in the style's options, or leave the character out",
    ),
    (
        "structure",
        "a raw typst block here, or the style template, nests elements the standard forbids: \
         use grid or block for layout, table for data, pdf.artifact for decoration",
    ),
];

/// Where the first text or shape painted in a CMYK colour comes from.
fn first_cmyk(frame: &Frame) -> Option<Span> {
    let is_cmyk =
        |paint: &Paint| matches!(paint, Paint::Solid(Color::Process(ProcessColor::Cmyk(_))));
    frame.items().find_map(|(_, item)| match item {
        FrameItem::Group(group) => first_cmyk(&group.frame),
        FrameItem::Text(text) if is_cmyk(&text.fill) => text.glyphs.first().map(|g| g.span.0),
        FrameItem::Shape(shape, span) => {
            let stroke = shape.stroke.as_ref().map(|s| &s.paint);
            (shape.fill.iter().chain(stroke).any(is_cmyk)).then_some(*span)
        }
        _ => None,
    })
}

/// The date stamped on the PDF (see [`edition_timestamp`]), as typst takes it.
fn build_date(publication: &Publication) -> Datetime {
    datetime(edition_timestamp(publication.manifest.date))
}

/// A moment as typst takes it.
fn datetime(moment: OffsetDateTime) -> Datetime {
    let (hour, minute, second) = moment.time().as_hms();
    Datetime::from_ymd_hms(moment.year(), moment.month().into(), moment.day(), hour, minute, second)
        .expect("a date time always converts")
}

/// Where in the generated world a typst diagnostic points.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// Inside a raw typst block of the Markdown.
    Raw,
    /// At code presse generated for a Markdown element.
    Markdown,
    /// In the style template.
    Template,
    /// In an SVG image of the project.
    Svg,
    /// Elsewhere (a project file read by typst, or generated code with no Markdown).
    Other,
}

/// Turns typst diagnostics into presse's, pointing at the Markdown that caused them.
struct Mapper<'a> {
    world: &'a PresseWorld,
    source: &'a TypstSource,
    style: &'a Style,
}

impl Mapper<'_> {
    fn map(&self, diagnostic: &SourceDiagnostic) -> Diagnostic {
        let message = diagnostic.message.to_string();
        // A font family asked for and missing must not fall back silently.
        let missing_font = message.starts_with("unknown font family");
        let error = diagnostic.severity == typst::diag::Severity::Error || missing_font;
        let code = if missing_font { "missing-font" } else { "typst" };
        let (file, pos, place) = self.locate(diagnostic.span);
        let mut hints: Vec<String> = diagnostic.hints.iter().map(|h| h.v.to_string()).collect();
        if missing_font {
            hints.push(
                "put the font files in the project's fonts/ folder, or use --system-fonts".into(),
            );
        }
        if hints.is_empty() {
            hints.push(Self::default_hint(place).to_string());
        }
        let base = if error {
            Diagnostic::error(file, pos, message)
        } else {
            Diagnostic::warning(file, pos, message)
        };
        base.with_hint(hints.join("; ")).with_code(code)
    }

    /// Where to look when typst itself gives no hint.
    fn default_hint(place: Place) -> &'static str {
        match place {
            Place::Raw => "check the typst code of this ```{=typst} block",
            Place::Markdown => {
                "the style template lacks what presse calls here (see styles/README.md), \
                 or the image here cannot be read"
            }
            Place::Template => "the style template needs fixing",
            Place::Svg => {
                "make the SVG stand alone: embed what it links (a picture as a data: URI, a \
                 font as paths), or remove the link; an editor's \"embed images\" option does it"
            }
            Place::Other => "presse generated typst it cannot compile; please report it",
        }
    }

    fn locate(&self, span: DiagSpan) -> (PathBuf, Pos, Place) {
        let fallback = (self.style.origin.clone(), Pos::default(), Place::Template);
        let Some(id) = span.id() else {
            return fallback;
        };
        let range = self.world.range(span);
        let offset = range.map_or(0, |r| r.start);
        let path = id.get().vpath().get_with_slash().to_string();
        if path == MAIN_PATH {
            return match self.source.map.lookup(&self.source.text, offset) {
                Some((file, pos, true)) => (file.to_path_buf(), pos, Place::Raw),
                Some((file, pos, false)) => (file.to_path_buf(), pos, Place::Markdown),
                None => {
                    let pos = pos_of_offset(&self.source.text, offset);
                    (Path::new(MAIN_PATH).to_path_buf(), pos, Place::Other)
                }
            };
        }
        if path == TEMPLATE_PATH {
            let pos = pos_of_offset(&self.style.template, offset);
            return (self.style.origin.clone(), pos, Place::Template);
        }
        let text =
            typst::World::source(self.world, id).map(|s| s.text().to_string()).unwrap_or_default();
        let place =
            if path.to_ascii_lowercase().ends_with(".svg") { Place::Svg } else { Place::Other };
        (path.trim_start_matches('/').into(), pos_of_offset(&text, offset), place)
    }
}

/// The text typst laid out, page after page, in reading order of its frames.
pub fn laid_out_text(document: &PagedDocument) -> String {
    let mut out = String::new();
    for page in document.pages() {
        frame_text(&page.frame, &mut out);
        out.push('\n');
    }
    out
}

fn frame_text(frame: &Frame, out: &mut String) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => frame_text(&group.frame, out),
            FrameItem::Text(text) => {
                out.push_str(&text.text);
                out.push(' ');
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_convert_to_typst_dates() {
        let moment = OffsetDateTime::from_unix_timestamp(1_317_427_200 + 3661).unwrap();
        assert_eq!(datetime(moment), Datetime::from_ymd_hms(2011, 10, 1, 1, 1, 1).unwrap());
    }
}
