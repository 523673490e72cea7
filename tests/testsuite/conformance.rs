//! An independent reading of what typst's export promises for PDF/UA-1 and PDF/A-2a: the
//! samples' catalog, structure tree, page content and XMP metadata, read with lopdf.
//!
//! No PDF/UA validator installs here (veraPDF needs a JVM and a download); these checks read
//! the files themselves, so that a change of typst or of a template that breaks one of them
//! fails here even if typst's own validation lets it through.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::common;

/// The samples' PDFs, built once with the default standards: (name, path).
fn samples() -> &'static [(String, PathBuf)] {
    type Built = ([tempfile::TempDir; 2], Vec<(String, PathBuf)>);
    static BUILT: OnceLock<Built> = OnceLock::new();
    let (_, pdfs) = BUILT.get_or_init(|| {
        let (out, _) = common::build_ok(common::repository(), &["--format", "pdf"]);
        let (basic, _) = common::build_ok(&common::fixture("basic"), &["--format", "pdf"]);
        let mut pdfs: Vec<(String, PathBuf)> = ["cahiers", "lettre"]
            .iter()
            .map(|name| (name.to_string(), out.path().join(format!("{name}/{name}.pdf"))))
            .collect();
        pdfs.push(("exemple".into(), basic.path().join("exemple/exemple.pdf")));
        ([out, basic], pdfs)
    });
    pdfs
}

/// The `basic` fixture built with `--pdf-standard none`, to show the checks can fail.
fn without_standards() -> (tempfile::TempDir, Document) {
    let (out, _) = common::build_ok(&common::fixture("basic"), &["--pdf-standard", "none"]);
    let document = load(&out.path().join("exemple/exemple.pdf"));
    (out, document)
}

fn load(path: &Path) -> Document {
    Document::load(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Runs `check` on every sample, naming each that fails.
fn each_sample(mut check: impl FnMut(&Document) -> Result<(), String>) {
    let failures: Vec<String> = samples()
        .iter()
        .filter_map(|(name, path)| check(&load(path)).err().map(|why| format!("{name}: {why}")))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The object `object` points to, or itself.
fn resolve<'a>(document: &'a Document, object: &'a Object) -> &'a Object {
    document.dereference(object).map_or(object, |(_, target)| target)
}

fn dictionary<'a>(document: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    resolve(document, object).as_dict().ok()
}

/// A structure element of the tree, as read: its type, `/Alt`, and its children elements.
struct Element {
    kind: String,
    alt: Option<String>,
    children: Vec<Element>,
}

impl Element {
    /// Every element of the tree under this one, itself first, in reading order.
    fn walk<'a>(&'a self, out: &mut Vec<&'a Element>) {
        out.push(self);
        self.children.iter().for_each(|child| child.walk(out));
    }

    fn all(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        self.walk(&mut out);
        out
    }
}

/// The structure tree under `/StructTreeRoot`, as elements.
fn structure_tree(document: &Document) -> Result<Element, String> {
    let catalog = document.catalog().map_err(|e| e.to_string())?;
    let root = catalog.get(b"StructTreeRoot").map_err(|_| "no /StructTreeRoot".to_string())?;
    let root = dictionary(document, root).ok_or("/StructTreeRoot is not a dictionary")?;
    Ok(Element { kind: "StructTreeRoot".into(), alt: None, children: kids(document, root) })
}

/// The structure elements among a node's `/K` (marked-content ids and references left out).
fn kids(document: &Document, node: &Dictionary) -> Vec<Element> {
    let Ok(k) = node.get(b"K") else {
        return Vec::new();
    };
    let list = match resolve(document, k) {
        Object::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    list.into_iter()
        .filter_map(|kid| dictionary(document, kid))
        .filter(|kid| kid.has(b"S"))
        .map(|kid| element(document, kid))
        .collect()
}

fn element(document: &Document, node: &Dictionary) -> Element {
    let name = |key: &[u8]| node.get(key).ok().and_then(|o| resolve(document, o).as_name().ok());
    let text = |key: &[u8]| node.get(key).ok().and_then(|o| resolve(document, o).as_str().ok());
    Element {
        kind: name(b"S").map(|s| String::from_utf8_lossy(s).into_owned()).unwrap_or_default(),
        alt: text(b"Alt").map(|s| String::from_utf8_lossy(s).into_owned()),
        children: kids(document, node),
    }
}

fn catalog_entry<'a>(document: &'a Document, key: &[u8]) -> Result<&'a Object, String> {
    let catalog = document.catalog().map_err(|e| e.to_string())?;
    let value = catalog.get(key).map_err(|_| format!("no /{} in the catalog", show(key)))?;
    Ok(resolve(document, value))
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_catalog_says_french_marked_and_shows_the_title() {
    each_sample(catalog_is_accessible);
    let (_out, plain) = without_standards();
    assert!(catalog_is_accessible(&plain).is_err(), "a PDF of no standard must fail");
}

fn catalog_is_accessible(document: &Document) -> Result<(), String> {
    {
        let lang = catalog_entry(document, b"Lang")?.as_str().map_err(|e| e.to_string())?;
        if !show(lang).starts_with("fr") {
            return Err(format!("/Lang is {}", show(lang)));
        }
        let preferences = catalog_entry(document, b"ViewerPreferences")?;
        let preferences = dictionary(document, preferences).ok_or("bad /ViewerPreferences")?;
        let display = preferences.get(b"DisplayDocTitle").and_then(Object::as_bool).ok();
        if display != Some(true) {
            return Err("/ViewerPreferences /DisplayDocTitle is not true".into());
        }
        let marked = catalog_entry(document, b"MarkInfo")?;
        let marked = dictionary(document, marked).ok_or("bad /MarkInfo")?;
        match marked.get(b"Marked").and_then(Object::as_bool) {
            Ok(true) => Ok(()),
            _ => Err("/MarkInfo /Marked is not true".into()),
        }
    }
}

/// The heading levels of the tree, in reading order (`H1` → 1).
fn heading_levels(tree: &Element) -> Vec<u32> {
    tree.all()
        .iter()
        .filter_map(|e| e.kind.strip_prefix('H').and_then(|level| level.parse().ok()))
        .collect()
}

/// Whether the levels start at 1 and never go down more than one level at once.
fn levels_are_consecutive(levels: &[u32]) -> Result<(), String> {
    let mut previous = 0;
    for (index, &level) in levels.iter().enumerate() {
        if level > previous + 1 {
            return Err(format!("heading {index} is H{level} after H{previous}: {levels:?}"));
        }
        previous = level;
    }
    Ok(())
}

#[test]
fn headings_skip_no_level_going_down() {
    each_sample(|document| {
        let levels = heading_levels(&structure_tree(document)?);
        if levels.is_empty() {
            return Err("no heading in the structure tree".into());
        }
        levels_are_consecutive(&levels)
    });
    assert!(levels_are_consecutive(&[1, 2, 2, 1, 2, 3]).is_ok());
    assert!(levels_are_consecutive(&[1, 3]).is_err(), "a skipped level must fail");
    assert!(levels_are_consecutive(&[2]).is_err(), "a first heading below H1 must fail");
}

/// The `/Figure` elements without an alternative text.
fn figures_without_alt(tree: &Element) -> usize {
    let figures = tree.all().into_iter().filter(|e| e.kind == "Figure");
    figures.filter(|e| e.alt.as_deref().is_none_or(|alt| alt.trim().is_empty())).count()
}

#[test]
fn every_figure_has_an_alternative_text() {
    each_sample(|document| {
        let tree = structure_tree(document)?;
        match figures_without_alt(&tree) {
            0 => Ok(()),
            n => Err(format!("{n} /Figure without /Alt")),
        }
    });
    let bare = Element { kind: "Figure".into(), alt: None, children: Vec::new() };
    let tree = Element { kind: "Document".into(), alt: None, children: vec![bare] };
    assert_eq!(figures_without_alt(&tree), 1, "a figure without /Alt must be counted");
}

/// The `/Table` elements that hold no `TH` cell.
fn tables_without_header_cells(tree: &Element) -> usize {
    let tables = tree.all().into_iter().filter(|e| e.kind == "Table");
    tables.filter(|table| !table.all().iter().any(|e| e.kind == "TH")).count()
}

#[test]
fn tables_have_header_cells() {
    let mut tables = 0;
    each_sample(|document| {
        let tree = structure_tree(document)?;
        tables += tree.all().iter().filter(|e| e.kind == "Table").count();
        match tables_without_header_cells(&tree) {
            0 => Ok(()),
            n => Err(format!("{n} /Table without a TH cell")),
        }
    });
    assert!(tables > 0, "the samples hold no table to check");
    let cell = Element { kind: "TD".into(), alt: None, children: Vec::new() };
    let row = Element { kind: "TR".into(), alt: None, children: vec![cell] };
    let table = Element { kind: "Table".into(), alt: None, children: vec![row] };
    assert_eq!(tables_without_header_cells(&table), 1, "a table of TD only must be counted");
}

/// How text is marked on a page: in an artifact, in marked content the structure tree can
/// reach (an MCID), or in neither.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Marking {
    Artifact,
    Structure,
    Untagged,
}

/// Each text-showing operation of a page: its marking and its height above the page's foot
/// (in points, from the current transformation and the text matrix).
fn text_runs(document: &Document, page: ObjectId) -> Result<Vec<(Marking, f32)>, String> {
    let content = document.get_page_content(page);
    let content = Content::decode(&content).map_err(|e| e.to_string())?;
    let mut marks: Vec<Marking> = Vec::new();
    let mut ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
    let mut saved = Vec::new();
    let mut text_at = (0.0, 0.0);
    let mut runs = Vec::new();
    let number = |o: &Object| o.as_float().unwrap_or(0.0);
    for op in &content.operations {
        match op.operator.as_str() {
            "q" => saved.push(ctm),
            "Q" => ctm = saved.pop().unwrap_or(ctm),
            "cm" => ctm = multiply(op.operands.iter().map(number).collect(), ctm),
            "Tm" => text_at = (number(&op.operands[4]), number(&op.operands[5])),
            "BMC" | "BDC" => marks.push(marking(op, marks.last().copied())),
            "EMC" => drop(marks.pop()),
            "Tj" | "TJ" | "'" | "\"" => {
                let y = ctm[1] * text_at.0 + ctm[3] * text_at.1 + ctm[5];
                runs.push((marks.last().copied().unwrap_or(Marking::Untagged), y));
            }
            _ => {}
        }
    }
    Ok(runs)
}

/// The marking a `BMC`/`BDC` opens inside `outer`: an artifact stays one.
fn marking(op: &lopdf::content::Operation, outer: Option<Marking>) -> Marking {
    let tag = op.operands.first().and_then(|o| o.as_name().ok()).unwrap_or_default();
    let has_mcid = op
        .operands
        .get(1)
        .and_then(|o| o.as_dict().ok())
        .is_some_and(|properties| properties.has(b"MCID"));
    match (outer, tag) {
        (Some(Marking::Artifact), _) | (_, b"Artifact") => Marking::Artifact,
        _ if has_mcid => Marking::Structure,
        (Some(outer), _) => outer,
        (None, _) => Marking::Untagged,
    }
}

/// `m` × `ctm`, as PDF's `cm` concatenates a matrix to the current one.
fn multiply(m: Vec<f32>, ctm: [f32; 6]) -> [f32; 6] {
    let [a, b, c, d, e, f] = ctm;
    let &[ma, mb, mc, md, me, mf] = &m[..] else {
        return ctm;
    };
    [
        ma * a + mb * c,
        ma * b + mb * d,
        mc * a + md * c,
        mc * b + md * d,
        me * a + mf * c + e,
        me * b + mf * d + f,
    ]
}

/// The page's height, from its MediaBox.
fn page_height(document: &Document, page: ObjectId) -> Result<f32, String> {
    let page = document.get_dictionary(page).map_err(|e| e.to_string())?;
    let media = page.get(b"MediaBox").and_then(Object::as_array).map_err(|e| e.to_string())?;
    media[3].as_float().map_err(|e| e.to_string())
}

/// How far from the top and from the foot of a page its running head and folio lie, in mm:
/// (top, bottom), per sample; the body's text starts farther in.
fn margin_bands(sample: &str) -> (f32, f32) {
    match sample {
        // cahiers: running head and folio 9 mm into margins of 22 and 24 mm.
        "cahiers" => (15.0, 15.0),
        // newsletter: no running head, body text from 15 mm; a footer line in 22 mm.
        "lettre" => (10.0, 20.0),
        // default: no running head; a folio in a 26 mm margin.
        _ => (20.0, 20.0),
    }
}

/// Whether the text in the top and bottom bands (in mm) of page `number` (running head and
/// folio) is all artifact, and every other run is reachable from the structure tree.
fn margins_are_artifacts(
    document: &Document,
    number: u32,
    (top, bottom): (f32, f32),
) -> Result<(), String> {
    let page = *document.get_pages().get(&number).ok_or("no such page")?;
    let height = page_height(document, page)?;
    let runs = text_runs(document, page)?;
    let points = |mm: f32| mm / 25.4 * 72.0;
    let in_margins: Vec<&(Marking, f32)> =
        runs.iter().filter(|(_, y)| *y > height - points(top) || *y < points(bottom)).collect();
    if in_margins.is_empty() {
        return Err(format!("page {number} has no text in its margins to check"));
    }
    if let Some((marking, y)) = in_margins.iter().find(|(m, _)| *m != Marking::Artifact) {
        return Err(format!("page {number}: text at {y:.0} pt in a margin is {marking:?}"));
    }
    match runs.iter().find(|(m, _)| *m == Marking::Untagged) {
        Some((_, y)) => Err(format!("page {number}: text at {y:.0} pt is not tagged at all")),
        None => Ok(()),
    }
}

#[test]
fn running_heads_and_folios_are_artifacts_outside_the_structure() {
    // Page 2 of each sample: a running head and a folio (cahiers), a footer line (lettre), a
    // folio (exemple).
    let failures: Vec<String> = samples()
        .iter()
        .filter_map(|(name, path)| {
            let checked = margins_are_artifacts(&load(path), 2, margin_bands(name));
            checked.err().map(|why| format!("{name}: {why}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The same reading of a page whose folio is structure content must fail.
    let bands = margin_bands("cahiers");
    let tagged = b"BT /P <</MCID 0>> BDC 1 0 0 1 300 20 Tm (2) Tj EMC ET".to_vec();
    assert!(margins_are_artifacts(&one_page(tagged), 1, bands).is_err(), "a tagged folio");
    let artifact = b"/Artifact BMC BT 1 0 0 1 300 20 Tm (2) Tj ET EMC".to_vec();
    assert!(margins_are_artifacts(&one_page(artifact), 1, bands).is_ok());
}

/// A document of one A4 page drawn by `content`.
fn one_page(content: Vec<u8>) -> Document {
    use lopdf::dictionary;
    let mut document = Document::with_version("1.7");
    let pages_id = document.new_object_id();
    let content_id = document.add_object(lopdf::Stream::new(dictionary! {}, content));
    let page_id = document.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content_id,
    });
    let pages = dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 };
    document.objects.insert(pages_id, Object::Dictionary(pages));
    let catalog_id = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    document.trailer.set("Root", catalog_id);
    document
}

/// The XMP metadata packet of the catalog, as text.
fn xmp(document: &Document) -> Result<String, String> {
    let metadata = catalog_entry(document, b"Metadata")?;
    let stream = metadata.as_stream().map_err(|e| e.to_string())?;
    let bytes = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Whether XMP metadata claims PDF/UA-1 and PDF/A-2a (element or attribute form).
fn claims_ua_1_and_a_2a(xmp: &str) -> Result<(), String> {
    let has = |property: &str, value: &str| {
        xmp.contains(&format!("<{property}>{value}</{property}>"))
            || xmp.contains(&format!("{property}=\"{value}\""))
    };
    let wanted = [("pdfuaid:part", "1"), ("pdfaid:part", "2"), ("pdfaid:conformance", "A")];
    match wanted.iter().find(|(property, value)| !has(property, value)) {
        Some((property, value)) => Err(format!("the XMP lacks {property} = {value}")),
        None => Ok(()),
    }
}

#[test]
fn the_xmp_claims_pdf_ua_1_and_pdf_a_2a() {
    each_sample(|document| claims_ua_1_and_a_2a(&xmp(document)?));
    let archival_only = "<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>";
    assert!(claims_ua_1_and_a_2a(archival_only).is_err(), "PDF/A-2b alone must fail");
    let (_out, plain) = without_standards();
    let plain = xmp(&plain).unwrap_or_default();
    assert!(claims_ua_1_and_a_2a(&plain).is_err(), "a PDF of no standard must fail");
}
