//! Turning the exported file into text and dates into dates: UTF-8 with or
//! without a byte-order mark, or Shift_JIS (what Japanese office software
//! writes); dates in ISO form, with slashes, or in the Japanese era form
//! (令和6年4月1日, R6.4.1).

use chrono::NaiveDate;
use tsunagu_app::listing_refusal::FileProblem;

/// The file as text, whichever of the accepted encodings it is in.
pub fn text(bytes: &[u8]) -> Result<String, FileProblem> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).map_err(|_| FileProblem::BrokenUtf8);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
    if had_errors {
        return Err(FileProblem::UnknownEncoding);
    }
    Ok(text.into_owned())
}

/// (era names, first Gregorian year) of the modern eras.
const ERAS: &[(&[&str], i32)] = &[
    (&["令和", "R", "r"], 2019),
    (&["平成", "H", "h"], 1989),
    (&["昭和", "S", "s"], 1926),
    (&["大正", "T", "t"], 1912),
];

/// A date as the listing writes it; `None` if it is not one.
pub fn date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    for (names, first_year) in ERAS {
        for name in *names {
            if let Some(rest) = raw.strip_prefix(name) {
                let rest = rest.replacen("元", "1", 1);
                let numbers = numbers(&rest)?;
                let [year, month, day] = numbers[..] else {
                    return None;
                };
                if year == 0 {
                    return None;
                }
                return NaiveDate::from_ymd_opt(first_year + year - 1, month as u32, day as u32);
            }
        }
    }
    let numbers = numbers(raw)?;
    let [year, month, day] = numbers[..] else {
        return None;
    };
    if year < 1000 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// The numbers in "2024-04-01", "2024/4/1", "6年4月1日", "6.4.1".
fn numbers(raw: &str) -> Option<Vec<i32>> {
    let parts: Vec<&str> = raw
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    parts.iter().map(|p| p.trim().parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_and_shift_jis_decode_alike() {
        let text = "受給者番号,氏名\nA-1,東雲 ひかり\n";
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(super::text(text.as_bytes()).unwrap(), text);
        assert_eq!(super::text(&bom).unwrap(), text);
        assert_eq!(super::text(&sjis).unwrap(), text);
        assert!(super::text(&[0x82, 0xFF, 0xFF]).is_err());
    }

    #[test]
    fn iso_slashed_and_era_dates_parse_and_nonsense_does_not() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(date("2024-04-01"), d(2024, 4, 1));
        assert_eq!(date("2024/4/1"), d(2024, 4, 1));
        assert_eq!(date("令和6年4月1日"), d(2024, 4, 1));
        assert_eq!(date("令和元年5月1日"), d(2019, 5, 1));
        assert_eq!(date("R6.4.1"), d(2024, 4, 1));
        assert_eq!(date("H30.1.15"), d(2018, 1, 15));
        assert_eq!(date("昭和45年12月3日"), d(1970, 12, 3));
        assert_eq!(date("2024-13-01"), None);
        assert_eq!(date("24/4/1"), None);
        assert_eq!(date("令和0年4月1日"), None);
        assert_eq!(date("yesterday"), None);
        assert_eq!(date(""), None);
    }
}
