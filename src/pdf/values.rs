//! Style options (TOML values) → typst literals, typed without evaluating any text as code.

use crate::pdf::escape::string;

/// A typst dictionary literal of the options, keys sorted.
pub fn dictionary(options: &toml::Table) -> String {
    if options.is_empty() {
        return "(:)".to_string();
    }
    let mut keys: Vec<&String> = options.keys().collect();
    keys.sort();
    let entries: Vec<String> =
        keys.iter().map(|key| format!("{}: {}", string(key), value(&options[*key]))).collect();
    format!("({})", entries.join(", "))
}

/// One value: lengths and `#rrggbb` colours become typst values, other strings stay strings.
pub fn value(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) if is_length(s) => s.clone(),
        toml::Value::String(s) if is_colour(s) => format!("rgb({})", string(s)),
        toml::Value::String(s) => string(s),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) if f.is_finite() => format!("{f:?}"),
        toml::Value::Float(_) => "none".to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => string(&d.to_string()),
        toml::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(self::value).collect();
            format!("({},)", items.join(", "))
        }
        toml::Value::Table(table) => dictionary(table),
    }
}

/// `12mm`, `10.5pt`, `1.2em`, `-3cm`, `0.5in`: a number and a typst length unit, nothing else.
fn is_length(text: &str) -> bool {
    let Some(number) = ["mm", "cm", "pt", "em", "in"].iter().find_map(|u| text.strip_suffix(u))
    else {
        return false;
    };
    let digits = number.strip_prefix('-').unwrap_or(number);
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit())
}

/// `#rrggbb` or `#rgb`.
fn is_colour(text: &str) -> bool {
    text.strip_prefix('#')
        .is_some_and(|hex| matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_become_typed_typst_values() {
        let table: toml::Table =
            "a = \"18mm\"\nb = \"#1d2b4f\"\nc = \"Montserrat\"\nd = 2\ne = true\n\
                                  f = [\"x\", 1.5]\ng = \"12mm) + eval(\\\"x\\\"\""
                .parse()
                .unwrap();
        assert_eq!(
            dictionary(&table),
            "(\"a\": 18mm, \"b\": rgb(\"#1d2b4f\"), \"c\": \"Montserrat\", \"d\": 2, \"e\": true, \
             \"f\": (\"x\", 1.5,), \"g\": \"12mm) + eval(\\\"x\\\"\")"
        );
        assert_eq!(dictionary(&toml::Table::new()), "(:)");
    }
}
