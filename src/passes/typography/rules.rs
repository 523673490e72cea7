//! Punctuation rules (quotes, apostrophes, ellipsis, dashes, French spacing) on a paragraph's characters.

/// The narrow no-break space (espace fine insécable).
pub const NNBSP: char = '\u{202f}';
/// The no-break space (espace insécable).
pub const NBSP: char = '\u{a0}';
/// What an inline that is not text (code, image, note call …) stands as in a paragraph.
pub const OBJECT: char = '\u{fffc}';
/// What a line break stands as in a paragraph.
pub const BREAK: char = '\n';

/// The spaces an author may type and the pass may replace.
const SPACES: [char; 4] = [' ', NBSP, NNBSP, '\u{2009}'];
/// Characters after which a straight quote opens.
const OPENERS: &str = "([{«“‘—–-/";
/// Characters before which a straight quote closes, or after which a French mark takes a space.
const CLOSERS: &str = ".,;:!?)]}»”’…*_\"'";

/// One character of a paragraph, with the text run it goes back to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub ch: char,
    /// The index of its text run; `usize::MAX` for a stand-in that belongs to none.
    pub seg: usize,
    /// Set on characters no rule may change: stand-ins, URLs, e-mail addresses.
    pub locked: bool,
    /// Set on ordinal suffixes, to be set in superscript.
    pub sup: bool,
}

impl Cell {
    /// A character of text run `seg`.
    pub fn text(ch: char, seg: usize) -> Self {
        Cell { ch, seg, locked: false, sup: false }
    }

    /// A locked stand-in for something that is not text.
    pub fn stand_in(ch: char) -> Self {
        Cell { ch, seg: usize::MAX, locked: true, sup: false }
    }

    /// The same cell holding another character.
    pub fn with(self, ch: char) -> Self {
        Cell { ch, ..self }
    }

    /// Whether this is the (unlocked) character `ch`.
    pub fn is(&self, ch: char) -> bool {
        !self.locked && self.ch == ch
    }

    /// Whether this is a space the pass may replace.
    pub fn is_space(&self) -> bool {
        !self.locked && SPACES.contains(&self.ch)
    }

    /// Whether this is an unlocked ASCII digit.
    pub fn is_digit(&self) -> bool {
        !self.locked && self.ch.is_ascii_digit()
    }
}

/// Straight `"` → curly quotes; `outer` for a quote opened at top level, `inner` inside another.
pub struct QuoteMarks {
    /// Opening and closing marks at top level.
    pub outer: (char, char),
    /// Opening and closing marks inside another quotation.
    pub inner: (char, char),
}

/// French: « … » outside, “ … ” inside.
pub const FRENCH_QUOTES: QuoteMarks = QuoteMarks { outer: ('«', '»'), inner: ('“', '”') };
/// English: “ … ” for every straight double quote (nested quotes are written with `'`).
pub const ENGLISH_QUOTES: QuoteMarks = QuoteMarks { outer: ('“', '”'), inner: ('“', '”') };

/// `...` → `…` (exactly three dots; longer runs are left alone).
pub fn ellipsis(cells: Vec<Cell>) -> Vec<Cell> {
    let mut out = Vec::with_capacity(cells.len());
    let mut i = 0;
    while i < cells.len() {
        let run = cells[i..].iter().take_while(|c| c.is('.')).count();
        if run == 3 {
            out.push(cells[i].with('…'));
        } else {
            out.extend_from_slice(&cells[i..i + run.max(1)]);
        }
        i += run.max(1);
    }
    out
}

/// Dashes typed as pandoc's smart extension reads them: `--` → `–`, `---` → `—`; longer runs
/// stay as typed.
pub fn typed_dashes(cells: Vec<Cell>) -> Vec<Cell> {
    let mut out = Vec::with_capacity(cells.len());
    let mut i = 0;
    while i < cells.len() {
        let run = cells[i..].iter().take_while(|c| c.is('-')).count();
        match run {
            2 => out.push(cells[i].with('–')),
            3 => out.push(cells[i].with('—')),
            _ => out.extend_from_slice(&cells[i..i + run.max(1)]),
        }
        i += run.max(1);
    }
    out
}

/// Every `'` → `’` (French and the languages without rules of their own).
pub fn apostrophes(mut cells: Vec<Cell>) -> Vec<Cell> {
    for cell in cells.iter_mut().filter(|c| c.is('\'')) {
        cell.ch = '’';
    }
    cells
}

/// English `'`: `‘` where a quotation opens, `’` elsewhere (closing quote or apostrophe).
pub fn english_single_quotes(mut cells: Vec<Cell>) -> Vec<Cell> {
    for i in 0..cells.len() {
        if cells[i].is('\'') {
            let opens = blank_before(&cells[..i]) && !blank_after(&cells[i + 1..]);
            cells[i].ch = if opens { '‘' } else { '’' };
        }
    }
    cells
}

/// Straight `"` → opening or closing marks, nested by depth within the paragraph.
pub fn double_quotes(cells: Vec<Cell>, marks: &QuoteMarks) -> Vec<Cell> {
    let mut depth = 0usize;
    let mut out = cells.clone();
    for (i, cell) in out.iter_mut().enumerate() {
        if cell.locked {
            continue;
        }
        if cell.ch == '"' {
            if quote_opens(&cells[..i], &cells[i + 1..], depth) {
                cell.ch = if depth == 0 { marks.outer.0 } else { marks.inner.0 };
                depth += 1;
            } else {
                cell.ch = if depth >= 2 { marks.inner.1 } else { marks.outer.1 };
                depth = depth.saturating_sub(1);
            }
        } else if cell.ch == marks.outer.0 || cell.ch == marks.inner.0 {
            depth += 1;
        } else if cell.ch == marks.outer.1 || cell.ch == marks.inner.1 {
            depth = depth.saturating_sub(1);
        }
    }
    out
}

/// Whether a straight quote between `before` and `after` opens; when unclear, it opens at depth 0.
fn quote_opens(before: &[Cell], after: &[Cell], depth: usize) -> bool {
    match (blank_before(before), blank_after(after)) {
        (true, false) => true,
        (false, true) => false,
        _ => depth == 0,
    }
}

/// Whether the text before is empty or ends with a space or an opening character.
fn blank_before(before: &[Cell]) -> bool {
    before.last().is_none_or(|c| c.ch.is_whitespace() || OPENERS.contains(c.ch))
}

/// Whether the text after is empty or starts with a space or a closing character.
fn blank_after(after: &[Cell]) -> bool {
    after.first().is_none_or(|c| c.ch.is_whitespace() || CLOSERS.contains(c.ch))
}

/// ` - ` or ` – ` between two words → an incise's en dash, held by a no-break space to the words
/// it encloses: after the opening dash, before the closing one (`Paris –\u{a0}la ville\u{a0}– brille`).
pub fn incise_dashes(mut cells: Vec<Cell>) -> Vec<Cell> {
    let mut opening = true;
    for i in 2..cells.len().saturating_sub(2) {
        if (cells[i].is('-') || cells[i].is('–'))
            && cells[i - 1].is_space()
            && cells[i + 1].is_space()
            && !blank_before(&cells[..i - 1])
            && !blank_after(&cells[i + 2..])
        {
            cells[i].ch = '–';
            let held = if opening { i + 1 } else { i - 1 };
            cells[held].ch = NBSP;
            opening = !opening;
        }
    }
    cells
}

/// French spacing: U+202F before `;` `!` `?` `»` and after `«`, U+00A0 before `:`.
pub fn french_punctuation(cells: Vec<Cell>) -> Vec<Cell> {
    let mut out = Vec::with_capacity(cells.len() + cells.len() / 8);
    let mut i = 0;
    while i < cells.len() {
        let cell = cells[i];
        if cell.is('«') {
            i = push_opening_guillemet(&cells, i, &mut out);
            continue;
        }
        if let Some(space) = space_before(&out, &cells, i) {
            set_gap_before(&mut out, space, cell.seg);
        }
        out.push(cell);
        i += 1;
    }
    out
}

/// The space French wants before `cells[i]`, if any.
fn space_before(out: &[Cell], cells: &[Cell], i: usize) -> Option<char> {
    let cell = cells[i];
    if cell.locked {
        return None;
    }
    match cell.ch {
        '»' => Some(NNBSP),
        ';' | ':'
            if ends_clause(cells.get(i + 1)) && !cells.get(i + 1).is_some_and(|c| c.is(')')) =>
        {
            Some(if cell.ch == ':' { NBSP } else { NNBSP })
        }
        '!' | '?' if starts_spaced_run(out, cells, i) => Some(NNBSP),
        _ => None,
    }
}

/// Whether `cells[i]` starts a run of `!` and `?` that ends a clause (`?!` takes one space).
fn starts_spaced_run(out: &[Cell], cells: &[Cell], i: usize) -> bool {
    let in_run = |c: &Cell| c.is('!') || c.is('?');
    if out.last().is_some_and(in_run) {
        return false;
    }
    let end = i + cells[i..].iter().take_while(|c| in_run(c)).count();
    ends_clause(cells.get(end))
}

/// Whether what follows a punctuation mark lets it be prose punctuation (not `a:b`, `12:30`, `:D`).
fn ends_clause(next: Option<&Cell>) -> bool {
    next.is_none_or(|c| c.locked || c.ch.is_whitespace() || CLOSERS.contains(c.ch))
}

/// Pushes `«` and a U+202F after it, replacing typed spaces; returns the next index to read.
fn push_opening_guillemet(cells: &[Cell], i: usize, out: &mut Vec<Cell>) -> usize {
    out.push(cells[i]);
    let next = i + 1 + cells[i + 1..].iter().take_while(|c| c.is_space()).count();
    if cells.get(next).is_none_or(|c| c.ch.is_whitespace()) {
        return i + 1;
    }
    let seg = if next > i + 1 { cells[i + 1].seg } else { cells[i].seg };
    out.push(Cell::text(NNBSP, seg));
    next
}

/// Puts exactly one `space` at the end of `out`, replacing the spaces typed there.
///
/// Nothing changes at the start of a paragraph or after a line break. An inserted
/// space goes to run `seg` (the mark's); a replacing one keeps the typed space's run.
pub fn set_gap_before(out: &mut Vec<Cell>, space: char, seg: usize) {
    let typed = out.iter().rev().take_while(|c| c.is_space()).count();
    let kept = out.len() - typed;
    if kept == 0 || out[kept - 1].ch.is_whitespace() {
        return;
    }
    let seg = if typed > 0 { out[out.len() - 1].seg } else { seg };
    out.truncate(kept);
    out.push(Cell::text(space, seg));
}

/// Locks every URL, `www.` address and e-mail address in the text, so no rule touches it.
pub fn lock_addresses(cells: &mut [Cell]) {
    let mut start = 0;
    while start < cells.len() {
        let len = cells[start..].iter().take_while(|c| !c.ch.is_whitespace()).count();
        lock_if_address(&mut cells[start..start + len]);
        start += len + 1;
    }
}

/// Locks a space-delimited token, less surrounding punctuation, if it is an address.
fn lock_if_address(token: &mut [Cell]) {
    let lead = token.iter().take_while(|c| "([{«\"'<".contains(c.ch)).count();
    let trail = token[lead..].iter().rev().take_while(|c| CLOSERS.contains(c.ch) || c.ch == '>');
    let end = token.len() - trail.count();
    // An address has `://`, `@` or starts with `www.`: most words have none, and need no copy.
    let core = &token[lead..end];
    let marked = |c: &Cell| c.ch == ':' || c.ch == '@';
    if !(core.iter().any(marked) || core.first().is_some_and(|c| c.ch == 'w')) {
        return;
    }
    let text: String = core.iter().map(|c| c.ch).collect();
    if looks_like_address(&text) {
        token[lead..end].iter_mut().for_each(|c| c.locked = true);
    }
}

/// Whether a text is a URL (`scheme://`, `www.`) or an e-mail address, to be left as written.
pub fn looks_like_address(text: &str) -> bool {
    let text = text.trim();
    text.contains("://") || text.starts_with("www.") || is_email(text)
}

/// Whether a text looks like `user@host.tld`.
fn is_email(text: &str) -> bool {
    let Some((user, domain)) = text.split_once('@') else {
        return false;
    };
    let tld_ok = domain.rsplit_once('.').is_some_and(|(host, tld)| {
        !host.is_empty() && tld.chars().next().is_some_and(char::is_alphabetic)
    });
    !user.is_empty() && !user.contains(char::is_whitespace) && tld_ok
}
