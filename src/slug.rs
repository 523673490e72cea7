//! Slugs: the ASCII anchors and file names made from titles and file names.

/// An anchor made of ASCII letters, digits and hyphens, from any text, as GitHub makes them
/// (`2011 en chiffres` gives `2011-en-chiffres`: HTML and typst take ids that start with a digit).
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() || c == '_' {
            slug.push(c.to_ascii_lowercase());
        } else if (c.is_whitespace()
            || c == '-'
            || c == '\u{2011}'
            || c == '.'
            || c == '\''
            || c == '’')
            && !slug.is_empty()
            && !slug.ends_with('-')
        {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// Latin letters with diacritics fold to their base letters; other characters pass.
fn fold_accent(c: char) -> Vec<char> {
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "A",
        'ç' => "c",
        'Ç' => "C",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'È' | 'É' | 'Ê' | 'Ë' => "E",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' => "I",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => "O",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' => "U",
        'ÿ' => "y",
        'œ' => "oe",
        'Œ' => "OE",
        'æ' => "ae",
        'Æ' => "AE",
        'ß' => "ss",
        _ => return vec![c],
    };
    folded.chars().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_letters_digits_and_hyphens() {
        assert_eq!(
            slugify("Le Schéma directeur d’Île-de-France"),
            "le-schema-directeur-d-ile-de-france"
        );
        assert_eq!(slugify("2011 en chiffres"), "2011-en-chiffres");
        assert_eq!(slugify("01-editorial"), "01-editorial");
        assert_eq!(slugify("« ! »"), "");
        // The typography pass's non-breaking hyphen counts as a hyphen.
        assert_eq!(slugify("Île\u{2011}de\u{2011}France"), "ile-de-france");
    }
}
