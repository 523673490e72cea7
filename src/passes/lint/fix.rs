//! Writing the certain corrections into a Markdown text, for `presse check --fix`.

use super::Finding;

/// One correction written: where, and what was replaced by what.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The line it is on.
    pub line: u32,
    /// The span as it was.
    pub old: String,
    /// The span as it is now.
    pub new: String,
}

/// The text with the findings' corrections written in, and those written. A finding whose span
/// no longer holds what it found, or that overlaps one already written, is left for the next run.
pub fn apply(text: &str, findings: &[&Finding]) -> (String, Vec<Applied>) {
    let mut sorted: Vec<&&Finding> = findings.iter().collect();
    // From the end of the text, so that a correction never moves the spans before it.
    sorted.sort_by_key(|f| std::cmp::Reverse(f.pos));
    let line_starts: Vec<usize> =
        std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let mut out = text.to_string();
    let mut applied = Vec::new();
    let mut written_from = usize::MAX;
    for finding in sorted {
        let Some(new) = &finding.new else { continue };
        let Some(start) = offset(text, &line_starts, finding) else { continue };
        let end = start + finding.old.len();
        if end > written_from || text.get(start..end) != Some(finding.old.as_str()) {
            continue;
        }
        out.replace_range(start..end, new);
        written_from = start;
        applied.push(Applied {
            line: finding.pos.line,
            old: finding.old.clone(),
            new: new.clone(),
        });
    }
    applied.reverse();
    (out, applied)
}

/// The byte offset of a finding's line and character column.
fn offset(text: &str, line_starts: &[usize], finding: &Finding) -> Option<usize> {
    let line_start = *line_starts.get(finding.pos.line.checked_sub(1)? as usize)?;
    let line = &text[line_start..];
    let column = finding.pos.column.checked_sub(1)? as usize;
    let in_line = line.char_indices().nth(column).map(|(i, _)| i)?;
    Some(line_start + in_line)
}
