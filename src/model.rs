//! Small value types shared by several stages.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// `list` moved into an allocation of exactly its length, for lists a build holds
/// until the archive is rendered. `shrink_to_fit` is not enough: mimalloc leaves a
/// block where it is when it shrinks by less than half.
pub fn exact_size<T>(list: Vec<T>) -> Vec<T> {
    if list.capacity() == list.len() {
        return list;
    }
    let mut exact = Vec::with_capacity(list.len());
    exact.extend(list);
    exact
}

/// A publication or event date that may be known only to the month or the year.
///
/// Written in TOML as a date (`2024-05-03`), a datetime (only its date is kept), or a
/// string: `"2024"`, `"2024-05"`, `"2024-05-03"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// English month names, January first.
pub const MONTHS: [&str; 12] = [
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
];

impl PartialDate {
    /// Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD", checking ranges (days per month too).
    pub fn parse(text: &str) -> Result<Self, String> {
        let invalid = || format!("invalid date `{text}`: expected YYYY, YYYY-MM or YYYY-MM-DD");
        let mut parts = text.split('-');
        let year_part = parts.next().ok_or_else(invalid)?;
        if year_part.len() != 4 {
            return Err(invalid());
        }
        let year: i32 = year_part.parse().map_err(|_| invalid())?;
        let mut number = |len: usize| -> Result<Option<u8>, String> {
            match parts.next() {
                None => Ok(None),
                Some(p) if p.len() == len => p.parse().map(Some).map_err(|_| invalid()),
                Some(_) => Err(invalid()),
            }
        };
        let month = number(2)?;
        let day = number(2)?;
        if parts.next().is_some() {
            return Err(invalid());
        }
        let date = Self { year, month, day };
        date.validate()
            .map_err(|why| format!("invalid date `{text}`: {why}"))?;
        Ok(date)
    }

    fn validate(self) -> Result<(), &'static str> {
        if let Some(month) = self.month {
            if !(1..=12).contains(&month) {
                return Err("month must be 01 to 12");
            }
            if let Some(day) = self.day {
                if day == 0 || day > days_in_month(self.year, month) {
                    return Err("no such day in that month");
                }
            }
        }
        Ok(())
    }

    /// ISO 8601 form, as precise as known: "2024", "2024-05", "2024-05-03".
    ///
    /// Written digit by digit rather than with `format!`: every card and page shows
    /// dates, and padded formatting cost over a thousand instructions a date.
    pub fn iso(self) -> String {
        let mut out = String::with_capacity(10);
        push_padded(&mut out, self.year, 4);
        if let Some(m) = self.month {
            out.push('-');
            push_padded(&mut out, i32::from(m), 2);
            if let Some(d) = self.day {
                out.push('-');
                push_padded(&mut out, i32::from(d), 2);
            }
        }
        out
    }

    /// For readers: "3 May 2024", "May 2024", "2024".
    pub fn human(self) -> String {
        let month_name = |m: u8| MONTHS[usize::from(m.clamp(1, 12) - 1)];
        let mut year = itoa::Buffer::new();
        let year = year.format(self.year);
        match (self.month, self.day) {
            (Some(m), Some(d)) => {
                [itoa::Buffer::new().format(d), " ", month_name(m), " ", year].concat()
            }
            (Some(m), None) => [month_name(m), " ", year].concat(),
            _ => year.to_owned(),
        }
    }

    /// RFC 3339 timestamp at midnight UTC of the earliest day the date can mean (feeds
    /// and sitemaps need a full timestamp).
    pub fn rfc3339(self) -> String {
        format!(
            "{:04}-{:02}-{:02}T00:00:00Z",
            self.year,
            self.month.unwrap_or(1),
            self.day.unwrap_or(1)
        )
    }
}

/// Appends `n` zero-padded to `width` digits, as `format!("{n:0width$}")` would.
fn push_padded(out: &mut String, n: i32, width: usize) {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(n.unsigned_abs());
    if n < 0 {
        out.push('-');
    }
    // The sign counts toward the width, as in `format!`.
    let sign = usize::from(n < 0);
    for _ in (digits.len() + sign)..width {
        out.push('0');
    }
    out.push_str(digits);
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = PartialDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a TOML date or a string YYYY, YYYY-MM or YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PartialDate, E> {
                PartialDate::parse(v).map_err(E::custom)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<PartialDate, A::Error> {
                let datetime =
                    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let date = datetime.date.ok_or_else(|| {
                    de::Error::custom("a time without a date is not a publication date")
                })?;
                let parsed = PartialDate {
                    year: i32::from(date.year),
                    month: Some(date.month),
                    day: Some(date.day),
                };
                parsed.validate().map_err(de::Error::custom)?;
                Ok(parsed)
            }
        }
        deserializer.deserialize_any(DateVisitor)
    }
}

/// A URL-safe slug: lowercase ASCII letters, digits and single hyphens.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// True for a valid slug or id: `[a-z0-9]+(-[a-z0-9]+)*`.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::PartialDate;

    #[test]
    fn iso_and_human_dates_are_written_as_format_writes_them() {
        let years = (-1200..=10_050).chain([i32::MIN, i32::MAX, -99_999, 123_456]);
        for year in years {
            for (month, day) in [
                (None, None),
                (Some(1), None),
                (Some(7), Some(4)),
                (Some(12), Some(31)),
            ] {
                let date = PartialDate { year, month, day };
                let iso = match (month, day) {
                    (Some(m), Some(d)) => format!("{year:04}-{m:02}-{d:02}"),
                    (Some(m), None) => format!("{year:04}-{m:02}"),
                    _ => format!("{year:04}"),
                };
                assert_eq!(date.iso(), iso);
                let name = |m: u8| super::MONTHS[usize::from(m - 1)];
                let human = match (month, day) {
                    (Some(m), Some(d)) => format!("{d} {} {year}", name(m)),
                    (Some(m), None) => format!("{} {year}", name(m)),
                    _ => year.to_string(),
                };
                assert_eq!(date.human(), human);
            }
        }
    }

    #[test]
    fn exact_size_keeps_the_items_and_drops_the_spare_room() {
        let mut grown = Vec::new();
        for n in 0..5 {
            grown.push(n.to_string());
        }
        assert!(grown.capacity() > 5);
        let exact = exact_size(grown);
        assert_eq!(exact, ["0", "1", "2", "3", "4"]);
        assert_eq!(exact.capacity(), 5);
    }

    use super::*;

    #[test]
    fn partial_dates_parse_and_order() {
        let year = PartialDate::parse("2024").unwrap();
        let month = PartialDate::parse("2024-05").unwrap();
        let day = PartialDate::parse("2024-05-03").unwrap();
        assert!(year < month && month < day);
        assert_eq!(day.human(), "3 May 2024");
        assert_eq!(month.human(), "May 2024");
        assert!(PartialDate::parse("2024-02-30").is_err());
        assert!(PartialDate::parse("2024-13").is_err());
        assert!(PartialDate::parse("24-01-01").is_err());
    }

    #[test]
    fn slugs_are_ascii_and_hyphenated() {
        assert_eq!(
            slugify("Daisaku Kaneko: “Why I fight”"),
            "daisaku-kaneko-why-i-fight"
        );
        assert_eq!(slugify("Zürich—Kyiv"), "zurich-kyiv");
        assert!(is_slug("kaneko-friday"));
        assert!(!is_slug("Kaneko"));
        assert!(!is_slug("a--b"));
    }
}
