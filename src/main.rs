//! The `presse` command line: flags become one checked configuration, then the pipeline runs.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use presse::build::{BuildConfig, BuildReport, Formats, build};
use presse::report::{MessageFormat, render};

/// presse turns a tree of French Markdown into a print PDF (and an EPUB) per publication.
///
/// Run it from the project root, the folder that holds sources/. Each publication is a
/// folder sources/<name>/ with a publication.toml and Markdown chapters; its editions
/// are written to output/<name>/.
#[derive(Parser)]
#[command(name = "presse", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build publications from sources/ into output/<publication>/.
    Build(BuildArgs),
    /// List the font families a style or a raw typst block can use.
    Fonts(FontsArgs),
    /// List the built-in styles with their options, defaults and what each does.
    Styles,
    /// Start a new publication that builds at once: `presse new sources/lettre-13 --style newsletter`.
    ///
    /// A folder under sources/ becomes a publication of that project; any other folder
    /// becomes a new project holding sources/<its name>/.
    New(NewArgs),
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
    /// The project root, whose fonts/ folder adds to the built-in fonts.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Include the fonts installed on this machine.
    #[arg(long)]
    system_fonts: bool,
}

#[derive(clap::Args)]
struct BuildArgs {
    /// Publications to build (folder names under sources/); all of them when none is given.
    publications: Vec<String>,
    /// The project root, the folder that holds sources/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
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
    /// Treat accessibility warnings (an image without alternative text) as errors.
    #[arg(long)]
    strict: bool,
    /// The longest side of an image in the EPUB, in pixels (the PDF keeps the originals).
    #[arg(long, default_value_t = 1600, value_parser = clap::value_parser!(u32).range(16..=20000))]
    max_image_side: u32,
    /// Also render every page to PNG, and a contact sheet of spreads, into
    /// <out>/<publication>/preview/.
    #[arg(long)]
    preview: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// The print PDF only.
    Pdf,
    /// The EPUB 3 only.
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
    fn config(self) -> BuildConfig {
        let out = self.out.unwrap_or_else(|| self.root.join("output"));
        BuildConfig {
            root: self.root,
            out,
            publications: self.publications,
            emit_typst: self.emit.contains(&Emit::Typst),
            system_fonts: self.system_fonts,
            preview: self.preview,
            formats: Formats {
                pdf: self.format != FormatArg::Epub,
                epub: self.format != FormatArg::Pdf,
            },
            strict: self.strict,
            max_image_side: self.max_image_side,
            force: self.force,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Fonts(args) => {
            let env = presse::build::project_environment(&args.root, args.system_fonts);
            for family in env.fonts().families() {
                println!("{family}");
            }
            ExitCode::SUCCESS
        }
        Command::Styles => {
            for (name, preset) in presse::styles::built_in() {
                println!("== {name} ==\n{preset}");
            }
            ExitCode::SUCCESS
        }
        Command::New(args) => new_publication(&args),
        Command::Build(args) => {
            let format = args.message_format.into();
            let config = args.config();
            match build(&config) {
                Ok(report) => summarise(&report, format, &config.root),
                Err(err) => {
                    eprintln!("error: {err:#}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

fn new_publication(args: &NewArgs) -> ExitCode {
    let style = match args.style {
        StyleArg::Cahiers => "cahiers",
        StyleArg::Newsletter => "newsletter",
        StyleArg::Default => "default",
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    let date = presse::manifest::Date::from_unix_seconds(now.map_or(0, |d| d.as_secs() as i64));
    let created = presse::scaffold::locate(&args.dir).and_then(|(root, dir)| {
        Ok((presse::scaffold::create(&dir, style, &date.to_string())?, root))
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

/// Prints findings and editions; exit code 1 when any finding is an error.
fn summarise(report: &BuildReport, format: MessageFormat, root: &Path) -> ExitCode {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for diagnostic in &report.diagnostics.0 {
        let text = render(diagnostic, format, root, colour);
        // Machine formats go to standard output, where tools read them.
        if format == MessageFormat::Human { eprintln!("{text}") } else { println!("{text}") }
    }
    for name in &report.up_to_date {
        eprintln!("{name}: up to date (--force rebuilds it)");
    }
    for edition in &report.editions {
        let pages = edition.pages.map_or(String::new(), |p| match p {
            1 => "1 page, ".to_string(),
            p => format!("{p} pages, "),
        });
        eprintln!(
            "wrote {} ({pages}{:.1} KiB, {:.2} s)",
            edition.path.display(),
            edition.bytes as f64 / 1024.0,
            edition.seconds
        );
    }
    if report.diagnostics.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
