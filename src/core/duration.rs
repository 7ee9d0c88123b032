//! ISO-8601 durations (`P30D`, `P1Y6M`, `PT12H`, `P2W`) added to Unix times, calendar-correct:
//! `P1M` from January 31 lands on the last day of February, as Key Vault rotation policies do.

use super::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Duration {
    pub months: i64,
    /// Days, hours, minutes and seconds, all as seconds.
    pub seconds: i64,
}

impl Duration {
    pub fn parse(text: &str) -> Result<Duration> {
        let bad = || {
            Error::range_error(super::text::concat(&[
                "not an ISO-8601 duration such as P30D or PT12H: ",
                &super::text::quoted(text),
            ]))
        };
        let rest = text.strip_prefix('P').ok_or_else(bad)?;
        let (date, time) = match rest.split_once('T') {
            Some((d, t)) if !t.is_empty() => (d, Some(t)),
            Some(_) => return Err(bad()),
            None => (rest, None),
        };
        if date.is_empty() && time.is_none() {
            return Err(bad());
        }
        let mut d = Duration::default();
        let mut parse_part = |part: &str, units: &[(char, i64, bool)]| -> Result<()> {
            let mut number = String::new();
            let mut last_unit = 0usize;
            for c in part.chars() {
                if c.is_ascii_digit() {
                    number.push(c);
                    continue;
                }
                let idx = units.iter().position(|(u, ..)| *u == c).ok_or_else(bad)?;
                if number.is_empty() || number.len() > 9 || idx < last_unit {
                    return Err(bad());
                }
                last_unit = idx + 1;
                let n: i64 = number.parse().map_err(|_| bad())?;
                let (_, factor, is_months) = units[idx];
                if is_months {
                    d.months += n * factor;
                } else {
                    d.seconds += n * factor;
                }
                number.clear();
            }
            if number.is_empty() {
                Ok(())
            } else {
                Err(bad())
            }
        };
        parse_part(
            date,
            &[
                ('Y', 12, true),
                ('M', 1, true),
                ('W', 7 * 86_400, false),
                ('D', 86_400, false),
            ],
        )?;
        if let Some(t) = time {
            parse_part(t, &[('H', 3_600, false), ('M', 60, false), ('S', 1, false)])?;
        }
        Ok(d)
    }

    /// `unix_seconds` plus this duration.
    pub fn add_to(self, unix_seconds: i64) -> i64 {
        let days = unix_seconds.div_euclid(86_400);
        let secs_of_day = unix_seconds.rem_euclid(86_400);
        let (y, m, day) = civil_from_days(days);
        let total_months = y * 12 + (m as i64 - 1) + self.months;
        let (ny, nm) = (
            total_months.div_euclid(12),
            total_months.rem_euclid(12) as u32 + 1,
        );
        let nd = day.min(days_in_month(ny, nm));
        days_from_civil(ny, nm, nd) * 86_400 + secs_of_day + self.seconds
    }
}

/// Unix seconds from a host's number (an integer it has checked), in 64 bits: times after
/// 2038-01-19T03:14:07Z do not fit in 32. Out-of-range numbers saturate; NaN is 0.
pub fn unix_seconds(host: f64) -> i64 {
    host as i64
}

// Howard Hinnant's civil-calendar algorithms (proleptic Gregorian).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JAN_31_2024: i64 = 1_706_659_200; // 2024-01-31T00:00:00Z

    #[test]
    fn parses() {
        assert_eq!(
            Duration::parse("P30D").unwrap(),
            Duration {
                months: 0,
                seconds: 30 * 86_400
            }
        );
        assert_eq!(
            Duration::parse("P1Y2M").unwrap(),
            Duration {
                months: 14,
                seconds: 0
            }
        );
        assert_eq!(Duration::parse("P2W").unwrap().seconds, 14 * 86_400);
        assert_eq!(Duration::parse("PT1H30M5S").unwrap().seconds, 5_405);
        assert_eq!(Duration::parse("P1DT12H").unwrap().seconds, 129_600);
        for bad in [
            "",
            "P",
            "PT",
            "30D",
            "P30",
            "P1.5D",
            "P-1D",
            "PD",
            "P1D1Y",
            "PT1D",
            "P1H",
            "p30d",
            "P30DT",
            "P9999999999D",
        ] {
            assert!(Duration::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn adds_calendar_months_and_plain_seconds() {
        let feb_29 = Duration::parse("P1M").unwrap().add_to(JAN_31_2024);
        assert_eq!(
            feb_29, 1_709_164_800,
            "2024-02-29: clamped to the month's last day"
        );
        assert_eq!(
            Duration::parse("P1Y").unwrap().add_to(JAN_31_2024),
            1_738_281_600,
            "2025-01-31"
        );
        assert_eq!(
            Duration::parse("P30D").unwrap().add_to(JAN_31_2024),
            JAN_31_2024 + 30 * 86_400
        );
        assert_eq!(Duration::parse("PT90M").unwrap().add_to(-1), 5_399);
        assert_eq!(
            Duration::parse("P100Y").unwrap().add_to(0),
            3_155_760_000,
            "2070-01-01"
        );
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 59, 60, 365, 11_016, 19_753, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
