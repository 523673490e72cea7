//! `publication.toml`: what a publication is called, who wrote it, which chapters it has.

use std::path::Path;

use serde::Deserialize;

use crate::date::Date;
use crate::diag::{Diagnostic, Pos, pos_of_offset};
use crate::lang::Lang;
use crate::model::{FieldText, optional_field_text, plain_text, required_field_text};

/// The checked contents of `publication.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The publication's title.
    #[serde(deserialize_with = "required_field_text")]
    pub title: FieldText,
    /// A subtitle or the issue's theme.
    #[serde(default, deserialize_with = "optional_field_text")]
    pub subtitle: Option<FieldText>,
    /// The issue number, as a number or a text (`12`, `"hors-série"`).
    #[serde(default)]
    pub number: Option<IssueNumber>,
    /// The publication date, `YYYY-MM-DD`.
    #[serde(deserialize_with = "date")]
    pub date: Date,
    /// The main language, a BCP 47 tag (`fr`, `fr-FR`, `en`).
    #[serde(default)]
    pub lang: Lang,
    /// The style preset (`default`, `cahiers`, `newsletter`, or one in `styles/`).
    #[serde(default = "default_style")]
    pub style: String,
    /// The authors, in order.
    #[serde(default)]
    pub authors: Vec<String>,
    /// A stable identifier (an ISSN, an ISBN or a URN); made from the title and date when absent.
    #[serde(default)]
    pub identifier: Option<String>,
    /// A cover image, relative to the publication folder.
    #[serde(default)]
    pub cover: Option<String>,
    /// The chapter files in reading order; by default every `*.md` by file name.
    #[serde(default)]
    pub chapters: Option<Vec<String>>,
    /// Keywords for the PDF and EPUB metadata.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// A short description of the publication.
    #[serde(default)]
    pub description: Option<String>,
    /// The publisher.
    #[serde(default)]
    pub publisher: Option<String>,
    /// Options of the style, overriding its `preset.toml` (`[options]`).
    #[serde(default)]
    pub options: toml::Table,
    /// Which standards every PDF edition meets (`[pdf]`).
    #[serde(default)]
    pub pdf: PdfManifest,
    /// How the print edition is made and what preflight checks (`[print]`).
    #[serde(default)]
    pub print: PrintManifest,
    /// Which editorial lint codes are off and which are errors (`[lint]`).
    #[serde(default)]
    pub lint: LintManifest,
    /// The text it was read from, to point later findings at a key's line.
    #[serde(skip)]
    text: String,
}

fn default_style() -> String {
    "default".to_string()
}

/// An issue number: a number or a free text.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum IssueNumber {
    /// `number = 12`
    Int(u32),
    /// `number = "hors-série"`
    Text(String),
}

impl std::fmt::Display for IssueNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IssueNumber::Int(n) => write!(f, "{n}"),
            IssueNumber::Text(t) => f.write_str(t),
        }
    }
}

/// The `[print]` table: how `presse build --print` makes the print edition, and the thresholds
/// of the preflight that checks every build.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrintManifest {
    /// The bleed beyond the trimmed page on every side (`"3mm"`).
    pub bleed: Length,
    /// Whether crop marks are drawn outside the bleed.
    pub marks: bool,
    /// The key the PDF standard once had, refused with a pointer to `[pdf] standards`.
    #[serde(rename = "standard")]
    pub moved_standard: Option<toml::Value>,
    /// How close to the trim text and pictures may come before preflight warns (`"3mm"`).
    pub safety_margin: Length,
    /// Warn when the page count is not a multiple of this (4 for a stapled issue).
    pub pages_multiple_of: Option<u32>,
}

impl Default for PrintManifest {
    fn default() -> Self {
        PrintManifest {
            bleed: Length::mm(3.0),
            marks: true,
            moved_standard: None,
            safety_margin: Length::mm(3.0),
            pages_multiple_of: None,
        }
    }
}

impl PrintManifest {
    fn check(&self, text: &str, file: &Path) -> Result<(), Diagnostic> {
        if self.moved_standard.is_some() {
            return Err(Diagnostic::error(file, key_pos(text, "standard"), MOVED_STANDARD)
                .with_code("bad-manifest")
                .with_hint(
                    "every PDF, screen and print, now meets PDF/UA-1 and PDF/A-2a; to ask for \
                     others, write them under [pdf], e.g. standards = [\"a-2b\"], or \
                     standards = [] for none",
                ));
        }
        let out_of_range = |key: &str, length: Length, max_mm: f64| {
            let mm = length.points() / 72.0 * 25.4;
            (!(0.0..=max_mm).contains(&mm)).then(|| {
                Diagnostic::error(file, key_pos(text, key), format!("`{key}` is {mm:.1} mm"))
                    .with_code("bad-manifest")
                    .with_hint(format!("give a length from 0 to {max_mm} mm"))
            })
        };
        if let Some(error) = out_of_range("bleed", self.bleed, 20.0)
            .or_else(|| out_of_range("safety_margin", self.safety_margin, 50.0))
        {
            return Err(error);
        }
        if self.pages_multiple_of == Some(0) {
            return Err(Diagnostic::error(
                file,
                key_pos(text, "pages_multiple_of"),
                "`pages_multiple_of` is 0",
            )
            .with_code("bad-manifest")
            .with_hint("give a page count such as 4 (a stapled issue), or remove the key"));
        }
        Ok(())
    }
}

const MOVED_STANDARD: &str = "`[print] standard` has moved to `[pdf] standards`";

/// The `[pdf]` table: the standards every PDF edition, screen and print, meets.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PdfManifest {
    /// The standards, checked by typst's export; `[]` for none.
    pub standards: Vec<PdfStandard>,
}

impl Default for PdfManifest {
    fn default() -> Self {
        PdfManifest { standards: PdfStandard::DEFAULT.to_vec() }
    }
}

impl PdfManifest {
    fn check(&self, text: &str, file: &Path) -> Result<(), Diagnostic> {
        PdfStandard::check_set(&self.standards).map_err(|message| {
            Diagnostic::error(file, key_pos(text, "standards"), message)
                .with_code("bad-manifest")
                .with_hint("keep one of \"a-2a\" and \"a-2b\"")
        })
    }
}

/// The codes of the French editorial lint, one per family of rules.
pub const LINT_CODES: [&str; 9] = [
    "typo-ordinal",
    "typo-abbreviation",
    "typo-accent",
    "typo-ligature",
    "typo-number",
    "typo-month",
    "typo-spacing",
    "typo-repeat",
    "typo-balance",
];

/// The `[lint]` table: `off = ["typo-number"]` turns codes off, `error = ["typo-ordinal"]`
/// makes their findings errors. `"typo-*"` names every code.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LintManifest {
    /// Codes not reported.
    pub off: Vec<String>,
    /// Codes reported as errors.
    pub error: Vec<String>,
}

impl LintManifest {
    fn check(&self, text: &str, file: &Path) -> Result<(), Diagnostic> {
        let known = |code: &String| code == "typo-*" || LINT_CODES.contains(&code.as_str());
        let Some(unknown) = self.off.iter().chain(&self.error).find(|code| !known(code)) else {
            return Ok(());
        };
        let hint = match crate::suggest::near_miss(unknown, &LINT_CODES) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("the codes are {} and \"typo-*\" for all", LINT_CODES.join(", ")),
        };
        let pos = key_pos(text, if self.off.contains(unknown) { "off" } else { "error" });
        Err(Diagnostic::error(file, pos, format!("unknown lint code `{unknown}`"))
            .with_code("bad-manifest")
            .with_hint(hint))
    }

    /// Whether `code` is in `codes`, itself or through `typo-*`.
    pub fn names(codes: &[String], code: &str) -> bool {
        codes.iter().any(|c| c == code || c == "typo-*")
    }
}

/// A length written with its unit: `"3mm"`, `"0.5cm"`, `"9pt"`, `"0.125in"`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Length(f64);

impl Length {
    /// A length in millimetres.
    pub fn mm(mm: f64) -> Length {
        Length(mm / 25.4 * 72.0)
    }

    /// The length in PostScript points (1/72 in).
    pub fn points(self) -> f64 {
        self.0
    }

    /// Reads a number followed by `mm`, `cm`, `pt` or `in`.
    pub fn parse(text: &str) -> Option<Length> {
        let text = text.trim();
        let split = text.find(|c: char| c.is_ascii_alphabetic())?;
        let (number, unit) = text.split_at(split);
        let value: f64 = number.trim().parse().ok()?;
        let points_per_unit = match unit {
            "mm" => 72.0 / 25.4,
            "cm" => 72.0 / 2.54,
            "pt" => 1.0,
            "in" => 72.0,
            _ => return None,
        };
        value.is_finite().then_some(Length(value * points_per_unit))
    }
}

impl<'de> Deserialize<'de> for Length {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(deserializer)?;
        let text = value.as_str().map_or_else(|| value.to_string(), str::to_string);
        Length::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a length; write a number and a unit, such as \"3mm\""
            ))
        })
    }
}

/// A PDF standard the PDF edition can be made to meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfStandard {
    /// PDF/UA-1: accessible (tagged, every image described).
    Ua1,
    /// PDF/A-2a: archival, and tagged so that its text can be reused.
    A2a,
    /// PDF/A-2b: archival, its look only.
    A2b,
}

impl PdfStandard {
    /// What every PDF meets unless the publication or the command line asks for less.
    pub const DEFAULT: [PdfStandard; 2] = [PdfStandard::Ua1, PdfStandard::A2a];

    /// Reads `ua-1`, `a-2a`, `a-2b`, with or without a `pdf/` in front, in any case.
    pub fn parse(text: &str) -> Option<PdfStandard> {
        let text = text.trim().to_ascii_lowercase();
        match text.strip_prefix("pdf/").unwrap_or(&text) {
            "ua-1" => Some(PdfStandard::Ua1),
            "a-2a" => Some(PdfStandard::A2a),
            "a-2b" => Some(PdfStandard::A2b),
            _ => None,
        }
    }

    /// Reads the `--pdf-standard` flag: a comma list (`ua-1,a-2a`), or `none`.
    pub fn from_flag(text: &str) -> Result<Vec<PdfStandard>, String> {
        if text.trim().eq_ignore_ascii_case("none") {
            return Ok(Vec::new());
        }
        let read = |one: &str| {
            PdfStandard::parse(one).ok_or_else(|| {
                format!("`{one}` is not ua-1, a-2a or a-2b (or none for no standard)")
            })
        };
        let list = text.split(',').map(read).collect::<Result<Vec<_>, _>>()?;
        PdfStandard::check_set(&list)?;
        Ok(list)
    }

    /// Whether typst can meet all of `list` at once: one PDF/A part at most.
    pub fn check_set(list: &[PdfStandard]) -> Result<(), String> {
        match list.contains(&PdfStandard::A2a) && list.contains(&PdfStandard::A2b) {
            true => Err("a PDF meets one PDF/A level, not both a-2a and a-2b".into()),
            false => Ok(()),
        }
    }

    /// Its name, as written in the standard.
    pub fn name(self) -> &'static str {
        match self {
            PdfStandard::Ua1 => "PDF/UA-1",
            PdfStandard::A2a => "PDF/A-2a",
            PdfStandard::A2b => "PDF/A-2b",
        }
    }

    /// The names of `list`, joined with "and" (`PDF/UA-1 and PDF/A-2a`).
    pub fn names(list: &[PdfStandard]) -> String {
        list.iter().map(|s| s.name()).collect::<Vec<_>>().join(" and ")
    }
}

impl<'de> Deserialize<'de> for PdfStandard {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PdfStandard::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a PDF standard presse makes; write \"ua-1\", \"a-2a\" or \"a-2b\""
            ))
        })
    }
}

/// Reads the date from a TOML string (`"2011-10-01"`) or a TOML date (`2011-10-01`).
fn date<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
    let value = toml::Value::deserialize(deserializer)?;
    let text = match &value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        other => other.to_string(),
    };
    Date::parse(&text).ok_or_else(|| {
        serde::de::Error::custom(format!("`{text}` is not a date; write it as \"YYYY-MM-DD\""))
    })
}

/// What to do about an error reading `publication.toml`, by its kind.
fn hint_for(message: &str) -> &'static str {
    if message.starts_with("unknown field") {
        "publication.toml takes title, subtitle, number, date, lang, style, authors, identifier, \
         cover, chapters, keywords, description, publisher, an [options], a [pdf] and a [print] \
         table"
    } else if message.starts_with("missing field") {
        "every publication.toml needs at least a title and a date"
    } else if message.contains("is not a date") {
        "write the date with a four-digit year and a two-digit month and day: date = \"2026-01-05\""
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        "check this value: text goes in double quotes, numbers bare, lists in [ ]"
    } else {
        "this line is not valid TOML: one `key = value` per line, text in double quotes \
         (title = \"La lettre\"), tables as [print]"
    }
}

impl Manifest {
    /// Reads and checks a manifest; `file` is its path relative to the project root.
    pub fn parse(text: &str, file: &Path) -> Result<Manifest, Diagnostic> {
        let manifest: Manifest = toml::from_str(text).map_err(|err| {
            let pos = err.span().map_or(Pos::new(1, 1), |span| pos_of_offset(text, span.start));
            let message = err.message().trim().to_string();
            let hint = hint_for(&message);
            Diagnostic::error(file, pos, message).with_code("bad-manifest").with_hint(hint)
        })?;
        manifest.check(text, file)?;
        Ok(Manifest { text: text.to_string(), ..manifest })
    }

    fn check(&self, text: &str, file: &Path) -> Result<(), Diagnostic> {
        let at = |key: &str| key_pos(text, key);
        if plain_text(&self.title).trim().is_empty() {
            return Err(Diagnostic::error(file, at("title"), "the title is empty")
                .with_code("bad-manifest")
                .with_hint("give the publication a title"));
        }
        self.pdf.check(text, file)?;
        self.print.check(text, file)?;
        self.lint.check(text, file)
    }

    /// The identifier, or one derived from the title, number and date so that it never changes.
    pub fn stable_identifier(&self) -> String {
        if let Some(id) = &self.identifier {
            return id.clone();
        }
        let number = self.number.as_ref().map(|n| n.to_string()).unwrap_or_default();
        let seed = format!("{}\u{0}{number}\u{0}{}", plain_text(&self.title), self.date);
        format!("urn:presse:{:016x}", fnv1a(seed.as_bytes()))
    }
}

impl Manifest {
    /// Where `key = ` stands in the manifest, for findings made after parsing.
    pub fn key_pos(&self, key: &str) -> Pos {
        key_pos(&self.text, key)
    }
}

/// The position of `key = ` at the start of a line, for checks made after parsing.
fn key_pos(text: &str, key: &str) -> Pos {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return pos_of_offset(text, offset + line.len() - trimmed.len());
        }
        offset += line.len();
    }
    Pos::new(1, 1)
}

/// FNV-1a, 64 bits: the hash of the identifiers presse makes (`urn:presse:…`). It stays FNV,
/// though faster hashes are at hand, because those identifiers are already published in the
/// editions readers have: another hash would give every book a new identity. Not for security.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |hash, b| (hash ^ *b as u64).wrapping_mul(0x100000001b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CORPUS: &str = "title = \"Corpus de mesure\"\nsubtitle = \"40 chapitres\"\nnumber = 1\n\
                          date = \"2011-10-01\"\nlang = \"fr\"\nauthors = [\"Rédaction\"]\n";

    #[test]
    fn the_make_corpus_manifest_loads_as_is() {
        let m = Manifest::parse(CORPUS, Path::new("p.toml")).unwrap();
        assert_eq!(plain_text(&m.title), "Corpus de mesure");
        assert_eq!(m.number, Some(IssueNumber::Int(1)));
        assert_eq!(m.date, Date::parse("2011-10-01").unwrap());
        assert_eq!(m.style, "default");
        assert!(m.stable_identifier().starts_with("urn:presse:"));
    }

    #[test]
    fn each_kind_of_error_gets_its_own_hint() {
        let hint = |text: &str| Manifest::parse(text, Path::new("p.toml")).unwrap_err().hint;
        let hint = |text: &str| hint(text).unwrap();
        let syntax = hint("title = \"La lettre\ndate = \"2012-01-01\"\n");
        assert!(syntax.starts_with("this line is not valid TOML"), "{syntax}");
        let date = hint("title = \"La lettre\"\ndate = \"2012-1-1\"\n");
        assert!(date.contains("two-digit month and day"), "{date}");
        let unknown = hint(&format!("{CORPUS}permalink = \"/x\"\n"));
        assert!(unknown.starts_with("publication.toml takes title"), "{unknown}");
        let missing = hint("title = \"La lettre\"\n");
        assert!(missing.contains("a title and a date"), "{missing}");
        let value = hint("title = 3\ndate = \"2012-01-01\"\n");
        assert!(value.contains("text goes in double quotes"), "{value}");
    }

    #[test]
    fn an_unknown_field_names_its_line() {
        let text = format!("{CORPUS}titel = \"x\"\n");
        let err = Manifest::parse(&text, Path::new("p.toml")).unwrap_err();
        assert_eq!(err.pos.line, 7);
        assert!(err.message.contains("titel"), "{}", err.message);
    }

    #[test]
    fn a_bad_date_and_a_bad_language_are_errors() {
        let bad_date = CORPUS.replace("2011-10-01", "2011-02-30");
        let err = Manifest::parse(&bad_date, Path::new("p.toml")).unwrap_err();
        assert_eq!(err.pos.line, 4);
        let bad_lang = CORPUS.replace("\"fr\"", "\"français\"");
        let err = Manifest::parse(&bad_lang, Path::new("p.toml")).unwrap_err();
        assert_eq!(err.pos.line, 5);
        assert!(err.message.contains("BCP 47"), "{err}");
    }

    #[test]
    fn the_print_table_reads_lengths_and_checks() {
        let text = format!(
            "{CORPUS}[print]\nbleed = \"5mm\"\nmarks = false\n\
             safety_margin = \"0.5cm\"\npages_multiple_of = 4\n"
        );
        let m = Manifest::parse(&text, Path::new("p.toml")).unwrap();
        assert!((m.print.bleed.points() - Length::mm(5.0).points()).abs() < 1e-9);
        assert!(!m.print.marks);
        assert!((m.print.safety_margin.points() - Length::mm(5.0).points()).abs() < 1e-9);
        assert_eq!(m.print.pages_multiple_of, Some(4));
        assert_eq!(
            Manifest::parse(CORPUS, Path::new("p.toml")).unwrap().print.bleed,
            Length::mm(3.0)
        );
        for (bad, line) in [
            ("bleed = \"3\"", 8),
            ("bleed = \"30mm\"", 8),
            ("standard = \"pdf/a-2b\"", 8),
            ("bled = \"3mm\"", 8),
            ("pages_multiple_of = 0", 8),
        ] {
            let text = format!("{CORPUS}[print]\n{bad}\n");
            let err = Manifest::parse(&text, Path::new("p.toml")).unwrap_err();
            assert_eq!(err.pos.line, line, "{bad}: {err}");
        }
    }

    #[test]
    fn every_pdf_meets_ua_1_and_a_2a_unless_the_pdf_table_says_otherwise() {
        let standards = |extra: &str| {
            let text = format!("{CORPUS}{extra}");
            Manifest::parse(&text, Path::new("p.toml")).map(|m| m.pdf.standards)
        };
        assert_eq!(standards("").unwrap(), [PdfStandard::Ua1, PdfStandard::A2a]);
        assert_eq!(standards("[pdf]\nstandards = []\n").unwrap(), []);
        let archival = standards("[pdf]\nstandards = [\"PDF/A-2b\"]\n").unwrap();
        assert_eq!(archival, [PdfStandard::A2b]);
        for bad in ["[\"pdf/x-4\"]", "[\"a-2a\", \"a-2b\"]"] {
            let err = standards(&format!("[pdf]\nstandards = {bad}\n")).unwrap_err();
            assert_eq!(err.pos.line, 8, "{bad}: {err}");
        }
        let moved = standards("[print]\nstandard = \"pdf/ua-1\"\n").unwrap_err();
        assert!(moved.message.contains("[pdf] standards"), "{moved}");
    }

    #[test]
    fn the_standards_flag_takes_a_comma_list_or_none() {
        assert_eq!(PdfStandard::from_flag("none"), Ok(vec![]));
        let both = PdfStandard::from_flag("ua-1,a-2a").unwrap();
        assert_eq!(both, PdfStandard::DEFAULT);
        assert!(PdfStandard::from_flag("a-2a,a-2b").is_err());
        assert!(PdfStandard::from_flag("x-4").unwrap_err().contains("or none"));
    }

    #[test]
    fn identifiers_made_by_presse_never_change() {
        let m = Manifest::parse(CORPUS, Path::new("p.toml")).unwrap();
        assert_eq!(m.stable_identifier(), "urn:presse:481b3df70820a5c6");
    }
}
