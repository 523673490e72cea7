//! The `presse` command line: flags become one checked configuration, then the pipeline runs.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use presse::build::progress::{Progress, Verbosity};
use presse::build::report::{Colour, MessageFormat, print_diagnostics, summary};
use presse::build::{BuildConfig, BuildReport, Formats, Shard, build_with};
use presse::project;
use presse::styles::BuiltInStyle;
use presse::watch::WatchOutput;

/// presse turns a tree of French Markdown into a print PDF (and an EPUB) per publication.
///
/// Run it anywhere in a project: the project root is the nearest folder at or above the
/// working one that holds sources/. Each publication is a folder sources/<name>/ with a
/// publication.toml and Markdown chapters; its editions are written to output/<name>/.
#[derive(Parser)]
#[command(name = "presse", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to colour the findings: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorArg {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always, even into a file or a pipe.
    Always,
    /// Never.
    Never,
}

impl From<ColorArg> for Colour {
    fn from(color: ColorArg) -> Self {
        match color {
            ColorArg::Auto => Colour::Auto,
            ColorArg::Always => Colour::Always,
            ColorArg::Never => Colour::Never,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Build publications from sources/ into output/<publication>/.
    Build(BuildArgs),
    /// Build, then rebuild on every saved change of sources/, styles/ or fonts/, until Ctrl-C.
    ///
    /// Takes the options of build. typst's work is kept from one build to the next, so that
    /// an edit recompiles only what it changed; each rebuild prints one line with its time. A
    /// publication whose sources have errors keeps its last good editions until they are fixed.
    Watch(BuildArgs),
    /// Show every publication in a local web page, as it will print and as it will read, and
    /// follow every saved edit.
    ///
    /// Builds and rebuilds as watch does (and takes the same options), and serves a page, on
    /// 127.0.0.1 unless --host says otherwise, that shows each publication's PDF pages (spreads,
    /// one page large on click), its EPUB chapters with the style's CSS, and the findings of its
    /// last build. The open page updates by itself after each rebuild, fetching only the pages
    /// that changed; a failed rebuild shows its errors and keeps the last good pages.
    Serve(ServeArgs),
    /// Check publications without building them: every finding `build` would report about
    /// the sources, and raw typst blocks that do not parse; nothing is written.
    Check(CheckArgs),
    /// Remove what presse wrote: the editions of the publications named (all when none is), the
    /// image cache, and output/ itself once empty. Nothing else in output/ is touched.
    Clean(CleanArgs),
    /// List the font families a style or a raw typst block can use.
    Fonts(FontsArgs),
    /// List the built-in styles with their options, defaults and what each does.
    Styles,
    /// Print the completions of a shell for presse: `presse completions bash >
    /// ~/.local/share/bash-completion/completions/presse`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print presse's manual page (roff): `presse man > ~/.local/share/man/man1/presse.1`.
    Man,
    /// Start a new publication that builds at once: `presse new sources/lettre-13 --style newsletter`.
    ///
    /// A folder under sources/ becomes a publication of that project; any other folder
    /// becomes a new project holding sources/<its name>/.
    New(NewArgs),
    /// Compare two builds: which pages changed, and which paragraphs of the EPUB.
    ///
    /// Pages are compared as pixels, the EPUB's chapters as text. One line per publication is
    /// printed; with --out, also summary.md and an image of each changed page, old and new side
    /// by side with the changes boxed.
    ///
    /// OLD and NEW are two PDFs, two EPUBs, two output folders (every publication in them), or
    /// git revisions of the project: `presse diff HEAD~1` builds the sources at that revision in
    /// a temporary folder, leaving the work tree alone, and compares with output/. Exit code 0
    /// with or without differences (1 with --exit-code when something changed), 2 on an error.
    Diff(DiffArgs),
}

#[derive(clap::Args)]
struct ServeArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// The port to listen on (0: any free one, said when serving starts).
    #[arg(long, default_value_t = 8040)]
    port: u16,
    /// The address to listen on. The default serves this machine only; 0.0.0.0 (or ::) serves
    /// whoever can reach it.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Open the page in the default browser.
    #[arg(long)]
    open: bool,
}

#[derive(clap::Args)]
struct DiffArgs {
    /// The old build: a PDF, an EPUB, an output folder, or a git revision (HEAD~1, main).
    old: String,
    /// The new build, of the same kind [default: the project's output/, as last built].
    new: Option<String>,
    /// Write summary.md and the side-by-side images of the changed pages into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Exit with 1 when something changed, as `git diff --exit-code` does.
    #[arg(long)]
    exit_code: bool,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Publications to check, by name or by folder (sources/lettre-13); all of them when none
    /// is given, or the one whose folder presse runs in.
    publications: Vec<String>,
    /// The project root, the folder that holds sources/ [default: the nearest at or above the
    /// working folder].
    #[arg(long)]
    root: Option<PathBuf>,
    /// How to print errors and warnings: human (with the source line), json (one object per
    /// line) or github (GitHub Actions annotations).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    message_format: Format,
    /// Treat accessibility warnings (an image without alternative text), broken links and the
    /// editorial lint's findings (typo-…) as errors.
    #[arg(long)]
    strict: bool,
    /// Write the editorial lint's certain corrections (ordinals, abbreviations, accented
    /// capitals, ligatures, months, double spaces) into the Markdown files, then check.
    #[arg(long)]
    fix: bool,
}

#[derive(clap::Args)]
struct CleanArgs {
    /// Publications whose editions to remove, by name or by folder; all when none is given.
    publications: Vec<String>,
    /// The project root, the folder that holds sources/ [default: the nearest at or above the
    /// working folder].
    #[arg(long)]
    root: Option<PathBuf>,
    /// The output folder [default: <root>/output].
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(clap::Args)]
struct NewArgs {
    /// The new publication's folder.
    dir: PathBuf,
    /// Its style.
    #[arg(long, value_enum, default_value_t = StyleArg::Cahiers)]
    style: StyleArg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StyleArg {
    /// A magazine issue, after Paris, les cahiers de la métropole.
    Cahiers,
    /// A monthly newsletter, after Paris métropolitaine.
    Newsletter,
    /// A plain book.
    Default,
}

#[derive(clap::Args)]
struct FontsArgs {
    /// The project root, whose fonts/ folder adds to the built-in fonts [default: the nearest
    /// folder at or above the working one that holds sources/].
    #[arg(long)]
    root: Option<PathBuf>,
    /// Include the fonts installed on this machine.
    #[arg(long)]
    system_fonts: bool,
}

#[derive(clap::Args)]
struct BuildArgs {
    /// Publications to build, by name or by folder (sources/lettre-13); all of them when none
    /// is given, or the one whose folder presse runs in.
    publications: Vec<String>,
    /// The project root, the folder that holds sources/ [default: the nearest at or above the
    /// working folder].
    #[arg(long)]
    root: Option<PathBuf>,
    /// Where to write editions [default: <root>/output].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also write intermediate files beside the editions (typst: the generated .typ).
    #[arg(long, value_enum)]
    emit: Vec<Emit>,
    /// Let typst use the fonts installed on this machine (off by default: every machine
    /// then renders the same bytes).
    #[arg(long)]
    system_fonts: bool,
    /// How to print errors and warnings: human (with the source line), json (one object per
    /// line) or github (GitHub Actions annotations).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    message_format: Format,
    /// Which editions to write.
    #[arg(long, value_enum, default_value_t = FormatArg::All)]
    format: FormatArg,
    /// Build even publications whose sources have not changed since their last build.
    #[arg(long)]
    force: bool,
    /// Treat accessibility warnings (an image without alternative text), broken links and the
    /// print preflight's warnings (resolution, colour space, safety margin, page count) as
    /// errors.
    #[arg(long)]
    strict: bool,
    /// The longest side of an image in the EPUB, in pixels (the PDF keeps the originals).
    #[arg(long, default_value_t = 1600, value_parser = clap::value_parser!(u32).range(16..=20000))]
    max_image_side: u32,
    /// Also render every page to PNG, and a contact sheet of spreads, into
    /// <out>/<publication>/preview/.
    #[arg(long)]
    preview: bool,
    /// Make the print edition of the PDF: bleed, crop marks and page boxes, as the
    /// publication's [print] table says (default: 3 mm bleed, marks).
    #[arg(long)]
    print: bool,
    /// The standards the PDF meets, as a comma list: ua-1 (PDF/UA-1, accessible), a-2a
    /// (PDF/A-2a, archival and tagged), a-2b (PDF/A-2b, archival), or none; overrides [pdf]
    /// standards [default: ua-1,a-2a].
    #[arg(long, value_name = "LIST", value_parser = parse_standards)]
    pdf_standard: Option<Standards>,
    /// How many publications to build at once [default: one per core]. Memory grows with it:
    /// each publication being built holds its laid-out pages, near 1 GiB for 300 pages, so
    /// lower it on a machine short of memory (--jobs 1 builds one at a time).
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Build only part I of N of the publications: of the sorted list, every Nth one starting
    /// at the Ith, to split a large tree across the machines of a CI matrix (--shard 2/4).
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
    /// Print only errors and warnings: no progress, no summary.
    #[arg(long, short, conflicts_with = "verbose")]
    quiet: bool,
    /// Print every step of every publication as a line, with its time.
    #[arg(long, short)]
    verbose: bool,
}

/// The `--pdf-standard` list, one value for clap (a bare `Vec` would be many values).
#[derive(Clone, Debug)]
struct Standards(Vec<presse::manifest::PdfStandard>);

fn parse_standards(text: &str) -> Result<Standards, String> {
    presse::manifest::PdfStandard::from_flag(text).map(Standards)
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// The print PDF only.
    Pdf,
    /// The EPUB 3 only: without the PDF's page list, and with a title page for a cover.
    Epub,
    /// Both editions.
    All,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// For people: the source line and a caret, coloured on a terminal.
    Human,
    /// One JSON object per line: file, line, column, severity, code, message, hint.
    Json,
    /// GitHub Actions annotations (::error file=…,line=…,col=…::message).
    Github,
}

impl From<StyleArg> for BuiltInStyle {
    fn from(style: StyleArg) -> Self {
        match style {
            StyleArg::Cahiers => BuiltInStyle::Cahiers,
            StyleArg::Newsletter => BuiltInStyle::Newsletter,
            StyleArg::Default => BuiltInStyle::Default,
        }
    }
}

impl From<Format> for MessageFormat {
    fn from(format: Format) -> Self {
        match format {
            Format::Human => MessageFormat::Human,
            Format::Json => MessageFormat::Json,
            Format::Github => MessageFormat::Github,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Emit {
    /// The generated typst source, <publication>.typ.
    Typst,
}

impl BuildArgs {
    fn verbosity(&self) -> Verbosity {
        match (self.quiet, self.verbose) {
            (true, _) => Verbosity::Quiet,
            (_, true) => Verbosity::Verbose,
            _ => Verbosity::Normal,
        }
    }

    fn config(self, root: PathBuf, publications: Vec<String>) -> BuildConfig {
        let out = self.out.unwrap_or_else(|| root.join("output"));
        BuildConfig {
            root,
            out,
            publications,
            emit_typst: self.emit.contains(&Emit::Typst),
            system_fonts: self.system_fonts,
            preview: self.preview,
            page_hashes: false,
            formats: Formats {
                pdf: self.format != FormatArg::Epub,
                epub: self.format != FormatArg::Pdf,
            },
            strict: self.strict,
            max_image_side: self.max_image_side,
            force: self.force,
            jobs: self.jobs.map_or(0, usize::from),
            shard: self.shard,
            print: self.print,
            pdf_standards: self.pdf_standard.clone().map(|Standards(list)| list),
        }
    }
}

/// glibc's allocator slows down as a long `watch` session fragments its heap; mimalloc does not.
/// It is built without transparent huge pages (the `no_thp` feature): asking the kernel for 2 MB
/// pages made it zero a quarter of a book build's cycles (`clear_page_erms`), and raised the
/// peak by a third.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The command line, with presse's version and the typst version it lays out with.
fn command_line() -> clap::Command {
    let typst = typst::syntax::package::PackageVersion::compiler();
    let version = format!("{} (typst {typst})", env!("CARGO_PKG_VERSION"));
    Cli::command().version(version)
}

/// A panic inside typst's compilation is caught and reported as a finding (`typst-panic`), so a
/// panic in typst's sources gets one line rather than a backtrace (still seen if nothing catches
/// it). Any other panic is printed as Rust does.
fn quiet_typst_panics() {
    let print = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| match info.location() {
        Some(at) if at.file().contains("/typst") => {
            eprintln!("typst stopped with an internal error at {}:{}", at.file(), at.line())
        }
        _ => print(info),
    }));
}

fn main() -> ExitCode {
    quiet_typst_panics();
    let cli = Cli::from_arg_matches(&command_line().get_matches()).unwrap_or_else(|e| e.exit());
    let colour = Colour::from(cli.color);
    match cli.command {
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command_line(), "presse", &mut script);
            print_bytes(&script)
        }
        Command::Man => {
            let mut page = Vec::new();
            let rendered = clap_mangen::Man::new(command_line()).render(&mut page);
            rendered.map_or_else(|_| ExitCode::from(1), |()| print_bytes(&page))
        }
        Command::Clean(args) => {
            let (root, names) =
                match locate(args.root, &args.publications, MessageFormat::Human, colour) {
                    Ok(located) => located,
                    Err(code) => return code,
                };
            let out = args.out.unwrap_or_else(|| root.join("output"));
            let everything = names.is_empty();
            let names = if everything {
                presse::load::publication_dirs(&root, &[]).unwrap_or_default()
            } else {
                names
            };
            match presse::build::clean(&out, &names, everything) {
                Ok(removed) => {
                    removed.iter().for_each(|path| eprintln!("removed {}", path.display()));
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("error: {err:#}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Fonts(args) => {
            let root = args.root.or_else(|| project::find_root(&working_folder()));
            let root = root.unwrap_or_else(|| PathBuf::from("."));
            let env = presse::pdf::Environment::for_project(&root, args.system_fonts);
            for family in env.fonts().families() {
                println!("{family}");
            }
            ExitCode::SUCCESS
        }
        Command::Styles => {
            for style in BuiltInStyle::ALL {
                println!("== {} ==\n{}", style.name(), style.preset());
            }
            ExitCode::SUCCESS
        }
        Command::New(args) => new_publication(&args),
        Command::Diff(args) => diff(args, colour),
        Command::Check(args) => {
            let format = args.message_format.into();
            let (root, publications) = match locate(args.root, &args.publications, format, colour) {
                Ok(located) => located,
                Err(code) => return code,
            };
            let config = presse::check::CheckConfig { root, publications, strict: args.strict };
            if args.fix {
                match presse::check::fix(&config) {
                    Ok(changes) => print_changes(&changes),
                    Err(found) => return print_findings(&found, format, colour, &config.root),
                }
            }
            let diagnostics = presse::check::check(&config);
            if diagnostics.is_empty() && format == MessageFormat::Human {
                let names = presse::load::publication_dirs(&config.root, &config.publications);
                let checked = names.map_or(0, |names| names.len());
                let noun = if checked == 1 { "publication" } else { "publications" };
                eprintln!("checked {checked} {noun}: no findings");
            }
            print_findings(&diagnostics, format, colour, &config.root)
        }
        Command::Build(args) => {
            let (format, verbosity) = (args.message_format.into(), args.verbosity());
            let (root, publications) =
                match locate(args.root.clone(), &args.publications, format, colour) {
                    Ok(located) => located,
                    Err(code) => return code,
                };
            let config = args.config(root, publications);
            let progress = Progress::stderr(verbosity, std::io::stderr().is_terminal());
            match build_with(&config, &OnceLock::new(), &progress) {
                Ok(report) => summarise(&report, format, colour, &config.root, verbosity),
                Err(err) => {
                    eprintln!("error: {err:#}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Watch(args) => {
            let (format, verbosity) = (args.message_format.into(), args.verbosity());
            let output = WatchOutput { format, colour, verbosity };
            let (root, publications) =
                match locate(args.root.clone(), &args.publications, output.format, colour) {
                    Ok(located) => located,
                    Err(code) => return code,
                };
            if let Err(err) = presse::watch::watch(&args.config(root, publications), output) {
                eprintln!("error: {err:#}");
            }
            ExitCode::from(1)
        }
        Command::Serve(args) => serve(args, colour),
    }
}

/// `presse serve`: runs until interrupted; 1 when it cannot start or its file watcher stops.
fn serve(args: ServeArgs, colour: Colour) -> ExitCode {
    let ServeArgs { build, port, host, open } = args;
    let output =
        WatchOutput { format: build.message_format.into(), colour, verbosity: build.verbosity() };
    let (root, publications) =
        match locate(build.root.clone(), &build.publications, output.format, colour) {
            Ok(located) => located,
            Err(code) => return code,
        };
    let options = presse::serve::ServeOptions { host, port, open };
    if let Err(err) = presse::serve::serve(&build.config(root, publications), output, &options) {
        eprintln!("error: {err:#}");
    }
    ExitCode::from(1)
}

/// The project root and the publications the command line means (see `presse::project`); when
/// there is no project, the finding is printed and the exit code returned.
fn locate(
    root: Option<PathBuf>,
    publications: &[String],
    format: MessageFormat,
    colour: Colour,
) -> Result<(PathBuf, Vec<String>), ExitCode> {
    project::locate(root, publications, &working_folder()).map_err(|finding| {
        print_findings(&finding.into(), format, colour, Path::new("."));
        ExitCode::from(1)
    })
}

/// Writes `bytes` to standard output; a reader that stops early (`| head`) is no error.
fn print_bytes(bytes: &[u8]) -> ExitCode {
    use std::io::Write;
    match std::io::stdout().write_all(bytes) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write to standard output: {err}");
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
}

/// The folder presse runs in.
fn working_folder() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// `presse diff`: one line per publication on standard output, what was written on standard
/// error; 2 on an error, so that `--exit-code`'s 1 always means a change.
fn diff(args: DiffArgs, colour: Colour) -> ExitCode {
    let root = project::find_root(&working_folder());
    let config = presse::diff::DiffConfig { old: args.old, new: args.new, out: args.out, root };
    match presse::diff::diff(&config) {
        Ok(report) => {
            for line in report.lines() {
                println!("{line}");
            }
            if let Some(summary) = &report.summary {
                let images = report.images.len();
                let noun = if images == 1 { "image" } else { "images" };
                eprintln!("wrote {} and {images} {noun}", summary.display());
            }
            ExitCode::from(u8::from(args.exit_code && report.changed()))
        }
        Err(failure) => {
            print_diagnostics(&failure.findings, MessageFormat::Human, colour, &failure.root);
            ExitCode::from(2)
        }
    }
}

fn new_publication(args: &NewArgs) -> ExitCode {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    let date = presse::date::Date::from_unix_seconds(now.map_or(0, |d| d.as_secs() as i64));
    let created = presse::scaffold::locate(&args.dir).and_then(|(root, dir)| {
        Ok((presse::scaffold::create(&dir, args.style.into(), &date.to_string())?, root))
    });
    match created {
        Ok((files, root)) => {
            for file in files {
                eprintln!("created {}", file.display());
            }
            eprintln!("build it with: presse build --root {}", root.display());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// Prints findings and, unless quiet, the summary; exit code 1 when any finding is an error.
fn summarise(
    report: &BuildReport,
    format: MessageFormat,
    colour: Colour,
    root: &Path,
    verbosity: Verbosity,
) -> ExitCode {
    print_diagnostics(&report.diagnostics, format, colour, root);
    if verbosity != Verbosity::Quiet {
        for line in summary(report) {
            eprintln!("{line}");
        }
    }
    if report.diagnostics.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// Prints what `check --fix` wrote, one line a change, then how many.
fn print_changes(changes: &[presse::check::Change]) {
    for change in changes {
        let presse::check::Change { file, applied } = change;
        eprintln!("{}:{}: {} → {}", file.display(), applied.line, applied.old, applied.new);
    }
    let files: std::collections::BTreeSet<_> = changes.iter().map(|c| &c.file).collect();
    let (n, f) = (changes.len(), files.len());
    let noun = if n == 1 { "correction" } else { "corrections" };
    let file_noun = if f == 1 { "file" } else { "files" };
    eprintln!("fixed: {n} {noun} in {f} {file_noun}");
}

/// Prints the findings of `check`; exit code 1 when any is an error.
fn print_findings(
    diagnostics: &presse::diag::Diagnostics,
    format: MessageFormat,
    colour: Colour,
    root: &Path,
) -> ExitCode {
    print_diagnostics(diagnostics, format, colour, root);
    if diagnostics.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
