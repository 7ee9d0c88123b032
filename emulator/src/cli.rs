//! Command-line parsing. The flags are a contract (tests and benchmarks rely on them):
//!
//! ```text
//! keyvault-emulator [--host 127.0.0.1] [--port 0] [--data FILE] [--seed N]
//!                   [--fault-rate F] [--fault-statuses 429,503] [--drop-rate F] [--retry-after S]
//!                   [--recoverable-days N] [--delete-visibility-delay-ms N]
//!                   [--recover-visibility-delay-ms N] [--purge-delay-ms N] [--require-token T]
//!                   [--event-webhook URL]... [--event-retry-delay-ms N] [--event-max-attempts N]
//!                   [--header-timeout-ms N] [--idle-timeout-ms N] [--max-connections N]
//! ```

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::Config;

/// Printed by `--help`.
pub const USAGE: &str = "\
Usage: keyvault-emulator [OPTIONS]

A local Azure Key Vault (keys and secrets data planes) emulator over plain HTTP.

Options:
  --host HOST                       address to listen on [default: 127.0.0.1]
  --port PORT                       port to listen on; 0 picks a free port [default: 0]
  --data FILE                       keep state in the SQLite database FILE (created if
                                    missing); without it state is in memory
  --seed N                          seed for version ids and fault decisions (reproducible)
  --fault-rate F                    fail a fraction F (0..1) of data-plane requests [default: 0]
  --fault-statuses LIST             statuses of injected failures [default: 429,503]
  --retry-after S                   Retry-After seconds on injected 429s; 0 sends none, as the
                                    real service does [default: 0]
  --drop-rate F                     close the connection without a response for a fraction F
                                    (0..1) of data-plane requests [default: 0]
  --recoverable-days N              soft-delete retention, 7..90 [default: 90]
  --delete-visibility-delay-ms N    after a DELETE, the secret is neither live nor visible as
                                    deleted for N ms, like the real service [default: 0]
  --recover-visibility-delay-ms N   after a recover, the secret is not live for N ms [default: 0]
  --purge-delay-ms N                after a purge, the name cannot be reused for N ms [default: 0]
  --require-token T                 accept only `Authorization: Bearer T` (default: any token)
  --event-webhook URL               POST Key Vault Event Grid events (new versions, near expiry,
                                    expired) to the http:// URL; repeatable
  --event-retry-delay-ms N          first wait before retrying a failed delivery; doubled up to
                                    30 s [default: 1000]
  --event-max-attempts N            delivery attempts per event and webhook, 1..30 [default: 30]
  --header-timeout-ms N             close a connection whose request (line, headers and body)
                                    is not complete N ms after its first byte [default: 10000]
  --idle-timeout-ms N               close a connection that starts no request for N ms
                                    (before its first one and between keep-alive requests)
                                    [default: 60000]
  --max-connections N               open connections at most; over it the longest-idle one is
                                    closed. Lowered to leave 32 descriptors free under the
                                    open-file limit [default: 1024]
  -h, --help                        print this help
  -V, --version                     print the version

The first line on stdout is `keyvault-emulator listening on http://HOST:PORT`.
Test controls: GET /_emulator/config, PUT /_emulator/faults, POST /_emulator/clock,
GET /_emulator/stats, POST /_emulator/reset, GET /_emulator/events (see the README).
";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Run(Box<Options>),
    Help,
    Version,
}

/// Everything `Run` needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    pub config: Config,
}

/// A command-line mistake; the binary prints it and exits with code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError(pub String);

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CliError {}

/// Parses the arguments after the program name. Accepts `--flag value` and `--flag=value`.
pub fn parse<I>(args: I) -> Result<Command, CliError>
where
    I: IntoIterator<Item = String>,
{
    let mut config = Config::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| CliError(format!("{flag} requires a value")))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--host" => config.host = non_empty(&flag, value()?)?,
            "--port" => config.port = number(&flag, &value()?)?,
            "--seed" => config.store.seed = Some(number(&flag, &value()?)?),
            "--data" => config.data = Some(PathBuf::from(non_empty(&flag, value()?)?)),
            "--fault-rate" => config.faults.fault_rate = rate(&flag, &value()?)?,
            "--fault-statuses" => config.faults.fault_statuses = statuses(&value()?)?,
            "--retry-after" => {
                let secs: u64 = number(&flag, &value()?)?;
                config.faults.retry_after = (secs > 0).then_some(secs);
            }
            "--drop-rate" => config.faults.drop_rate = rate(&flag, &value()?)?,
            "--recoverable-days" => {
                let days: u32 = number(&flag, &value()?)?;
                if !(7..=90).contains(&days) {
                    return Err(CliError(format!(
                        "--recoverable-days: {days} is not between 7 and 90"
                    )));
                }
                config.store.recoverable_days = days;
            }
            "--delete-visibility-delay-ms" => {
                config.store.delete_visibility_delay = millis(&flag, &value()?)?;
            }
            "--recover-visibility-delay-ms" => {
                config.store.recover_visibility_delay = millis(&flag, &value()?)?;
            }
            "--purge-delay-ms" => config.store.purge_delay = millis(&flag, &value()?)?,
            "--require-token" => config.require_token = Some(non_empty(&flag, value()?)?),
            "--event-webhook" => config
                .events
                .webhooks
                .push(crate::events::parse_webhook(&value()?).map_err(CliError)?),
            "--event-retry-delay-ms" => config.events.retry_delay = millis(&flag, &value()?)?,
            "--event-max-attempts" => {
                let attempts: u32 = number(&flag, &value()?)?;
                if !(1..=30).contains(&attempts) {
                    return Err(CliError(format!(
                        "--event-max-attempts: {attempts} is not between 1 and 30"
                    )));
                }
                config.events.max_attempts = attempts;
            }
            "--header-timeout-ms" => {
                config.connections.header_timeout = positive_millis(&flag, &value()?)?;
            }
            "--idle-timeout-ms" => {
                config.connections.idle_timeout = positive_millis(&flag, &value()?)?;
            }
            "--max-connections" => {
                let max: usize = number(&flag, &value()?)?;
                if max == 0 {
                    return Err(CliError(format!("{flag} must be at least 1")));
                }
                config.connections.max_connections = max;
            }
            _ => return Err(CliError(format!("unknown argument '{flag}'"))),
        }
    }
    Ok(Command::Run(Box::new(Options { config })))
}

fn non_empty(flag: &str, text: String) -> Result<String, CliError> {
    if text.is_empty() {
        Err(CliError(format!("{flag} must not be empty")))
    } else {
        Ok(text)
    }
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, CliError> {
    text.parse()
        .map_err(|_| CliError(format!("{flag}: '{text}' is not a valid number")))
}

fn rate(flag: &str, text: &str) -> Result<f64, CliError> {
    let rate: f64 = number(flag, text)?;
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(CliError(format!("{flag}: {text} is not between 0 and 1")))
    }
}

fn millis(flag: &str, text: &str) -> Result<Duration, CliError> {
    Ok(Duration::from_millis(number(flag, text)?))
}

fn positive_millis(flag: &str, text: &str) -> Result<Duration, CliError> {
    let millis = self::millis(flag, text)?;
    if millis.is_zero() {
        Err(CliError(format!("{flag} must be at least 1")))
    } else {
        Ok(millis)
    }
}

fn statuses(text: &str) -> Result<Vec<u16>, CliError> {
    text.split(',')
        .map(|part| {
            let status: u16 = number("--fault-statuses", part.trim())?;
            if (400..=599).contains(&status) {
                Ok(status)
            } else {
                Err(CliError(format!(
                    "--fault-statuses: {status} is not a 4xx or 5xx status"
                )))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Command, CliError> {
        parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults_and_flags() {
        assert_eq!(run(&[]), Ok(Command::Run(Box::default())));
        let Ok(Command::Run(options)) = run(&[
            "--host",
            "0.0.0.0",
            "--port=8080",
            "--seed",
            "42",
            "--fault-statuses",
            "429, 500",
            "--fault-rate",
            "0.25",
            "--drop-rate=0.5",
            "--retry-after",
            "3",
            "--data",
            "state.db",
            "--recoverable-days",
            "7",
            "--delete-visibility-delay-ms",
            "1500",
            "--recover-visibility-delay-ms=20",
            "--purge-delay-ms",
            "30",
            "--require-token",
            "t",
        ]) else {
            panic!("expected Run");
        };
        let c = options.config;
        assert_eq!(c.host, "0.0.0.0");
        assert_eq!(c.port, 8080);
        assert_eq!(c.store.seed, Some(42));
        assert_eq!(c.faults.fault_statuses, vec![429, 500]);
        assert_eq!(
            (
                c.faults.fault_rate,
                c.faults.drop_rate,
                c.faults.retry_after
            ),
            (0.25, 0.5, Some(3))
        );
        assert_eq!(c.data, Some(PathBuf::from("state.db")));
        assert_eq!(c.store.recoverable_days, 7);
        assert_eq!(c.store.delete_visibility_delay, Duration::from_millis(1500));
        assert_eq!(c.store.recover_visibility_delay, Duration::from_millis(20));
        assert_eq!(c.store.purge_delay, Duration::from_millis(30));
        assert_eq!(c.require_token.as_deref(), Some("t"));
        assert_eq!(run(&["--help"]), Ok(Command::Help));
        let Ok(Command::Run(options)) = run(&["--retry-after", "0"]) else {
            panic!("expected Run");
        };
        assert_eq!(options.config.faults.retry_after, None);
        let Ok(Command::Run(options)) = run(&[
            "--event-webhook",
            "http://127.0.0.1:9000/hook",
            "--event-webhook=http://localhost/other",
            "--event-retry-delay-ms",
            "20",
            "--event-max-attempts",
            "3",
        ]) else {
            panic!("expected Run");
        };
        let events = options.config.events;
        let urls: Vec<&str> = events.webhooks.iter().map(|w| w.url.as_str()).collect();
        assert_eq!(
            urls,
            ["http://127.0.0.1:9000/hook", "http://localhost/other"]
        );
        assert_eq!(events.retry_delay, Duration::from_millis(20));
        assert_eq!(events.max_attempts, 3);
        let Ok(Command::Run(options)) = run(&[
            "--header-timeout-ms",
            "1500",
            "--idle-timeout-ms=2500",
            "--max-connections",
            "7",
        ]) else {
            panic!("expected Run");
        };
        let connections = options.config.connections;
        assert_eq!(connections.header_timeout, Duration::from_millis(1500));
        assert_eq!(connections.idle_timeout, Duration::from_millis(2500));
        assert_eq!(connections.max_connections, 7);
    }

    #[test]
    fn mistakes_are_errors() {
        for args in [
            &["--port", "70000"][..],
            &["--port"],
            &["--seed", "x"],
            &["--fault-statuses", "200"],
            &["--fault-rate", "1.5"],
            &["--drop-rate=-0.1"],
            &["--drop-rate=x"],
            &["--recoverable-days", "6"],
            &["--recoverable-days", "91"],
            &["--delete-visibility-delay-ms", "-1"],
            &["--data", ""],
            &["--require-token="],
            &["--event-webhook", "https://example.com/hook"],
            &["--event-webhook", "not a url"],
            &["--event-max-attempts", "0"],
            &["--event-max-attempts", "31"],
            &["--header-timeout-ms", "0"],
            &["--idle-timeout-ms", "x"],
            &["--max-connections", "0"],
            &["--bogus"],
        ] {
            assert!(run(args).is_err(), "{args:?}");
        }
    }
}
