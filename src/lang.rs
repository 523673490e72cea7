//! Language tags (BCP 47), read once when the sources are loaded: every later stage asks the
//! same value which language it is, instead of reading the text of the tag again.

use std::fmt;

use unic_langid::LanguageIdentifier;

/// A checked language tag (`fr`, `fr-FR`, `en-GB`, `de-CH-1996`), kept in its canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Lang {
    id: LanguageIdentifier,
    /// The canonical tag, kept to be borrowed.
    tag: String,
}

impl Lang {
    /// Reads a language tag; `None` when the text is not one.
    pub fn parse(text: &str) -> Option<Lang> {
        let id = LanguageIdentifier::from_bytes(text.trim().as_bytes()).ok()?;
        // The "und" (undetermined) tag parses from an empty text: a tag must name a language.
        if id.language.is_empty() {
            return None;
        }
        Some(Lang { tag: id.to_string(), id })
    }

    /// French, the language presse is made for.
    pub fn french() -> Lang {
        Lang::parse("fr").expect("a valid tag")
    }

    /// The whole tag, as the EPUB and the PDF metadata take it (`fr-FR`).
    pub fn as_str(&self) -> &str {
        &self.tag
    }

    /// The language alone, lower case (`fr` of `fr-FR`): what typst and hyphenation take.
    pub fn language(&self) -> &str {
        self.id.language.as_str()
    }

    /// Whether the language is French, in any region.
    pub fn is_french(&self) -> bool {
        self.language() == "fr"
    }

    /// Whether the language is English, in any region.
    pub fn is_english(&self) -> bool {
        self.language() == "en"
    }
}

impl Default for Lang {
    fn default() -> Self {
        Lang::french()
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.tag)
    }
}

impl<'de> serde::Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Lang::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a language tag; write a BCP 47 tag such as \"fr\", \"fr-FR\" \
                 or \"en\""
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_once_and_answer_which_language() {
        let tag = |text| Lang::parse(text).unwrap();
        assert_eq!(tag("fr-fr").as_str(), "fr-FR");
        assert!(tag("fr-CA").is_french() && tag("FR").is_french());
        assert!(tag("en-GB").is_english() && !tag("en-GB").is_french());
        assert_eq!(tag("de-CH-1996").language(), "de");
        assert!(!tag("fro").is_french(), "Old French is not French");
        for bad in ["", "français", "f", "fr-", "12", "fr FR"] {
            assert_eq!(Lang::parse(bad), None, "{bad}");
        }
    }
}
