//! Dates: the publication's calendar date, and the moment both editions are stamped with.

use std::fmt;

use time::{Month, OffsetDateTime};

/// The months in French, January first, lower-case as French writes them.
pub const FRENCH_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A calendar date, as `publication.toml` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(time::Date);

impl Date {
    /// Parses `YYYY-MM-DD`; `None` for anything else or a day the calendar does not have.
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let digits_at = |range: std::ops::Range<usize>| {
            text.get(range).is_some_and(|part| part.bytes().all(|b| b.is_ascii_digit()))
        };
        let shape = text.len() == 10 && digits_at(0..4) && digits_at(5..7) && digits_at(8..10);
        if !shape {
            return None;
        }
        let mut parts = text.splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day: u8 = parts.next()?.parse().ok()?;
        let month = Month::try_from(month).ok()?;
        time::Date::from_calendar_date(year, month, day).ok().map(Date)
    }

    /// The UTC date of a Unix time.
    pub fn from_unix_seconds(seconds: i64) -> Date {
        let moment =
            OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        Date(moment.date())
    }

    /// Seconds since the Unix epoch at midnight UTC of this date.
    pub fn unix_seconds(&self) -> i64 {
        self.0.midnight().assume_utc().unix_timestamp()
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.0.year()
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.0.month().into()
    }

    /// The day of the month, 1 to 31.
    pub fn day(&self) -> u8 {
        self.0.day()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year(), self.month(), self.day())
    }
}

/// The moment both editions are stamped with: `SOURCE_DATE_EPOCH` when set (the convention of
/// reproducible builds), else midnight UTC of the publication's date, so that the same
/// sources give the same bytes.
pub fn edition_timestamp(date: Date) -> OffsetDateTime {
    let from_epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok());
    from_epoch.unwrap_or_else(|| date.0.midnight().assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_the_calendar_has_them() {
        assert_eq!(Date::parse("2011-10-01").unwrap().to_string(), "2011-10-01");
        assert_eq!(Date::parse("2000-02-29").unwrap().day(), 29);
        let bad = ["2011-02-30", "2011-13-01", "2011-00-10", "2011/10/01", "hier", "2100-02-29"];
        for bad in bad.into_iter().chain(["2012-1-1", "2012-01-1", "12-01-01", "+2012-01-01"]) {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_convert_to_unix_time_and_back() {
        assert_eq!(Date::parse("1970-01-01").unwrap().unix_seconds(), 0);
        assert_eq!(Date::parse("2011-10-01").unwrap().unix_seconds(), 1_317_427_200);
        for text in ["1969-12-31", "1970-01-01", "2000-02-29", "2011-10-01", "2026-11-26"] {
            let date = Date::parse(text).unwrap();
            assert_eq!(Date::from_unix_seconds(date.unix_seconds() + 3600), date);
        }
    }
}
