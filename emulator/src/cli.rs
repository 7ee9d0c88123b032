//! Command-line parsing. The flags are a contract (tests and benchmarks rely on them):
//!
//! ```text
//! keyvault-emulator [--host 127.0.0.1] [--port 0] [--data FILE] [--seed N]
//!                   [--fault-rate F] [--fault-statuses 429,503] [--drop-rate F] [--retry-after S]
//! ```
//!
//! Flags whose feature does not exist yet are rejected (exit code 2) rather than silently
//! ignored, so a test that relies on them fails loudly.

use std::fmt;

use crate::Config;

/// Printed by `--help`.
pub const USAGE: &str = "\
Usage: keyvault-emulator [OPTIONS]

A local Azure Key Vault (secrets data plane) emulator over plain HTTP.

Options:
  --host HOST              address to listen on [default: 127.0.0.1]
  --port PORT              port to listen on; 0 picks a free port [default: 0]
  --seed N                 seed for version-id generation (reproducible ids)
  --data FILE              persist state in FILE (not supported yet)
  --fault-rate F           fail a fraction F of requests (not supported yet)
  --fault-statuses LIST    statuses for injected faults [default: 429,503]
  --drop-rate F            drop a fraction F of connections (not supported yet)
  --retry-after S          Retry-After seconds on injected 429s [default: 1]
  -h, --help               print this help
  -V, --version            print the version

The first line on stdout is `keyvault-emulator listening on http://HOST:PORT`.
";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Run(Options),
    Help,
    Version,
}

/// Everything `Run` needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub config: Config,
    /// Statuses an injected fault may use (takes effect once fault injection exists).
    pub fault_statuses: Vec<u16>,
    /// `Retry-After` seconds on injected 429s (takes effect once fault injection exists).
    pub retry_after_secs: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            config: Config::default(),
            fault_statuses: vec![429, 503],
            retry_after_secs: 1,
        }
    }
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
    let mut options = Options::default();
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
            "--host" => {
                let host = value()?;
                if host.is_empty() {
                    return Err(CliError("--host must not be empty".into()));
                }
                options.config.host = host;
            }
            "--port" => options.config.port = number(&flag, &value()?)?,
            "--seed" => options.config.seed = Some(number(&flag, &value()?)?),
            "--fault-statuses" => options.fault_statuses = statuses(&value()?)?,
            "--retry-after" => options.retry_after_secs = number(&flag, &value()?)?,
            "--data" | "--fault-rate" | "--drop-rate" => {
                value()?;
                return Err(CliError(format!("{flag} is not supported yet")));
            }
            _ => return Err(CliError(format!("unknown argument '{flag}'"))),
        }
    }
    Ok(Command::Run(options))
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, CliError> {
    text.parse()
        .map_err(|_| CliError(format!("{flag}: '{text}' is not a valid number")))
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
        assert_eq!(run(&[]), Ok(Command::Run(Options::default())));
        let Ok(Command::Run(o)) = run(&[
            "--host",
            "0.0.0.0",
            "--port=8080",
            "--seed",
            "42",
            "--fault-statuses",
            "429, 500",
        ]) else {
            panic!("expected Run");
        };
        assert_eq!(o.config.host, "0.0.0.0");
        assert_eq!(o.config.port, 8080);
        assert_eq!(o.config.seed, Some(42));
        assert_eq!(o.fault_statuses, vec![429, 500]);
        assert_eq!(run(&["--help"]), Ok(Command::Help));
    }

    #[test]
    fn mistakes_and_unsupported_flags_are_errors() {
        for args in [
            &["--port", "70000"][..],
            &["--port"],
            &["--seed", "x"],
            &["--fault-statuses", "200"],
            &["--bogus"],
            &["--data", "f.db"],
            &["--fault-rate", "0.1"],
            &["--drop-rate=0.1"],
        ] {
            assert!(run(args).is_err(), "{args:?}");
        }
        assert_eq!(
            run(&["--data", "x"]),
            Err(CliError("--data is not supported yet".into()))
        );
    }
}
