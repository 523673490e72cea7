//! Words the EPUB writes itself (task states, note links, page names, dates), per language.

use crate::date::Date;
use crate::date::FRENCH_MONTHS;
use crate::lang::Lang;

/// Words the EPUB writes itself, in the book's language.
#[derive(Debug, Clone, Copy)]
pub struct Labels {
    /// A done task.
    pub done: &'static str,
    /// A task to do.
    pub todo: &'static str,
    /// The link from a footnote back to its call.
    pub back: &'static str,
    /// The cover page.
    pub cover: &'static str,
    /// The table of contents.
    pub contents: &'static str,
    /// The title page.
    pub title_page: &'static str,
    /// Before an issue number.
    pub issue: &'static str,
    /// Before the credit of a figure, when the style names it no other way.
    pub credit: &'static str,
    /// The navigation to the print edition's pages.
    pub page_list: &'static str,
    /// The accessibility summary of the package.
    pub accessibility_summary: &'static str,
    /// What the summary adds when the book has the print edition's pages.
    pub summary_pages: &'static str,
    /// A colon after a label, spaced as the language spaces it.
    colon: &'static str,
    /// The months, January first.
    months: [&'static str; 12],
    /// Whether dates read "26 novembre 2026" rather than "November 26, 2026".
    day_first: bool,
}

impl Labels {
    /// French labels for French, English ones for any other language.
    pub fn for_language(lang: &Lang) -> Labels {
        if lang.is_french() {
            Labels {
                done: "fait",
                todo: "à faire",
                back: "Retour au texte",
                cover: "Couverture",
                contents: "Table des matières",
                title_page: "Page de titre",
                issue: "N°",
                credit: "Crédit",
                page_list: "Pages de l'édition imprimée",
                accessibility_summary: "Cette publication suit l'ordre de lecture de ses \
                    sources. Elle offre une table des matières navigable et des titres \
                    structurés, décrit ses images par un texte de remplacement et relie ses \
                    notes à leur appel dans les deux sens.",
                summary_pages: " Les numéros de page de l'édition imprimée (PDF) sont \
                    repérés dans le texte et listés pour la navigation.",
                colon: "\u{a0}:",
                months: FRENCH_MONTHS,
                day_first: true,
            }
        } else {
            Labels {
                done: "done",
                todo: "to do",
                back: "Back to text",
                cover: "Cover",
                contents: "Contents",
                title_page: "Title page",
                issue: "No.",
                credit: "Credit",
                page_list: "Pages of the print edition",
                accessibility_summary: "This publication follows the reading order of its \
                    sources, has a navigable table of contents and structured headings, \
                    describes its images with alternative text and links footnotes both ways.",
                summary_pages: " The page numbers of the print edition (PDF) are marked in the \
                    text and listed for navigation.",
                colon: ":",
                months: [
                    "January",
                    "February",
                    "March",
                    "April",
                    "May",
                    "June",
                    "July",
                    "August",
                    "September",
                    "October",
                    "November",
                    "December",
                ],
                day_first: false,
            }
        }
    }
}

impl Labels {
    /// What goes before a figure's credit: the style's label (or the language's word) and a
    /// colon, spaced as the language spaces it.
    pub fn credit_label(&self, style_label: Option<&str>) -> String {
        let label = style_label.unwrap_or(self.credit);
        format!("{label}{}", self.colon)
    }

    /// A date written out in the book's language.
    pub fn long_date(&self, date: Date) -> String {
        let month = self.months[usize::from(date.month().clamp(1, 12)) - 1];
        let year = date.year();
        match (self.day_first, date.day()) {
            (true, 1) => format!("1er {month} {year}"),
            (true, day) => format!("{day} {month} {year}"),
            (false, day) => format!("{month} {day}, {year}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_out_in_the_book_language() {
        let date = |s| Date::parse(s).unwrap();
        let labels = |tag| Labels::for_language(&Lang::parse(tag).unwrap());
        assert_eq!(labels("fr-FR").long_date(date("2026-11-01")), "1er novembre 2026");
        assert_eq!(labels("fr").long_date(date("2026-08-26")), "26 août 2026");
        assert_eq!(labels("en").long_date(date("2026-11-26")), "November 26, 2026");
        assert_eq!(labels("fro").contents, "Contents", "Old French is not French");
    }
}
