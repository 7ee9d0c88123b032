//! ISO 8601 durations as rotation policies use them (`P90D`, `P18M`, `P1Y2M10D`, `P2W`,
//! `PT12H`) and calendar arithmetic on Unix seconds: a month added to Jan 31 ends on the last
//! day of February, as .NET's `DateTime.AddMonths` (behind the service) does.

/// A parsed duration: calendar months, then days, then seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration {
    pub months: i64,
    pub days: i64,
    pub seconds: i64,
}

/// Parses `P[nY][nM][nW][nD][T[nH][nM][nS]]` (integers only, at least one part).
pub fn parse(text: &str) -> Option<Duration> {
    let rest = text.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (rest, None),
    };
    let mut out = Duration {
        months: 0,
        days: 0,
        seconds: 0,
    };
    let mut parts = 0;
    for (designators, part) in [("YMWD", Some(date)), ("HMS", time)] {
        let Some(mut part) = part else { continue };
        let mut order = designators.chars();
        while !part.is_empty() {
            let digits = part.bytes().take_while(u8::is_ascii_digit).count();
            let unit = part[digits..].chars().next()?;
            let n: i64 = part[..digits].parse().ok().filter(|n| *n <= 100_000)?;
            // Each designator at most once, in order.
            order.by_ref().find(|c| *c == unit)?;
            match (designators, unit) {
                ("YMWD", 'Y') => out.months += 12 * n,
                ("YMWD", 'M') => out.months += n,
                ("YMWD", 'W') => out.days += 7 * n,
                ("YMWD", 'D') => out.days += n,
                (_, 'H') => out.seconds += 3600 * n,
                (_, 'M') => out.seconds += 60 * n,
                _ => out.seconds += n,
            }
            parts += 1;
            part = &part[digits + unit.len_utf8()..];
        }
    }
    (parts > 0).then_some(out)
}

impl Duration {
    /// Roughly how many days long (months as 30 days), for minimum-length rules.
    pub fn approx_days(self) -> i64 {
        self.months * 30 + self.days + self.seconds / 86_400
    }

    /// `time` + this duration (`sign` 1) or − it (`sign` −1); `None` when out of range.
    pub fn apply(self, time: i64, sign: i64) -> Option<i64> {
        let days = time.div_euclid(86_400);
        let secs_of_day = time.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let months = (y.checked_mul(12)? + m - 1).checked_add(sign * self.months)?;
        let (y, m) = (months.div_euclid(12), months.rem_euclid(12) + 1);
        let d = d.min(days_in_month(y, m));
        let days = days_from_civil(y, m, d).checked_add(sign * self.days)?;
        days.checked_mul(86_400)?
            .checked_add(secs_of_day)?
            .checked_add(sign * self.seconds)
    }
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day number (days since 1970-01-01).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_policy_forms() {
        let d = |months, days, seconds| {
            Some(Duration {
                months,
                days,
                seconds,
            })
        };
        assert_eq!(parse("P90D"), d(0, 90, 0));
        assert_eq!(parse("P18M"), d(18, 0, 0));
        assert_eq!(parse("P1Y2M10D"), d(14, 10, 0));
        assert_eq!(parse("P2W"), d(0, 14, 0));
        assert_eq!(parse("PT1H30M"), d(0, 0, 5400));
        for bad in [
            "",
            "P",
            "90D",
            "PD",
            "P1.5D",
            "P1D1Y",
            "P1DT",
            "P-1D",
            "P1X",
            "P99999999Y",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn calendar_arithmetic() {
        // The recorded rotation: created 2022-04-28T22:01:42Z + P48M = 2026-04-28 (a leap day between).
        let p48m = parse("P48M").unwrap();
        assert_eq!(p48m.apply(1_651_183_302, 1), Some(1_777_413_702));
        // Jan 31 + 1 month = Feb 29 in a leap year; after 2038 too.
        let jan31 = days_from_civil(2048, 1, 31) * 86_400;
        assert_eq!(
            parse("P1M").unwrap().apply(jan31, 1),
            Some(days_from_civil(2048, 2, 29) * 86_400)
        );
        assert_eq!(
            parse("P30D").unwrap().apply(jan31, -1),
            Some(days_from_civil(2048, 1, 1) * 86_400)
        );
        for days in [-1_000_000, -1, 0, 1, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        // Every day from year 1 to 9999 follows the previous one by one calendar day.
        let (first, last) = (days_from_civil(1, 1, 1), days_from_civil(9999, 12, 31));
        let mut prev = civil_from_days(first - 1);
        assert_eq!(prev, (0, 12, 31));
        let mut leap_days = 0;
        for days in first..=last {
            let (y, m, d) = civil_from_days(days);
            let (py, pm, pd) = prev;
            let expected = if pd < days_in_month(py, pm) {
                (py, pm, pd + 1)
            } else if pm < 12 {
                (py, pm + 1, 1)
            } else {
                (py + 1, 1, 1)
            };
            assert_eq!((y, m, d), expected, "day {days}");
            assert_eq!(days_from_civil(y, m, d), days);
            leap_days += i64::from(m == 2 && d == 29);
            prev = (y, m, d);
        }
        assert_eq!(leap_days, 9999 / 4 - 9999 / 100 + 9999 / 400);
        assert_eq!(p48m.apply(i64::MAX - 10, 1), None);
    }
}
