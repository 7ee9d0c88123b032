//! The built binary: first stdout line, flag errors, clean exit on SIGTERM.
#![cfg(unix)] // stops the server with `kill -TERM`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_keyvault-emulator");

/// Spawns the binary and returns it with its first stdout line.
fn spawn(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn emulator");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().expect("stdout"))
        .read_line(&mut line)
        .expect("read");
    (child, line)
}

/// Sends one raw HTTP request and returns the whole response.
fn http(authority: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(authority).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream.write_all(request.as_bytes()).expect("write");
    let mut out = String::new();
    stream.read_to_string(&mut out).expect("read");
    out
}

/// SIGTERM, then the exit status.
fn stop(mut child: Child) -> std::process::ExitStatus {
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    child.wait().expect("wait")
}

#[test]
fn first_line_names_the_actual_address_and_sigterm_exits_cleanly() {
    let (child, line) = spawn(&["--port", "0", "--seed", "1"]);
    let authority = line
        .strip_suffix('\n')
        .and_then(|l| l.strip_prefix("keyvault-emulator listening on http://"))
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"));
    let (host, port) = authority.rsplit_once(':').expect("host:port");
    assert_eq!(host, "127.0.0.1");
    assert!(port.parse::<u16>().expect("port") > 0);

    let response = http(
        authority,
        "GET /secrets/s?api-version=7.5 HTTP/1.1\r\nHost: v\r\nConnection: close\r\n\r\n",
    );
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");

    let status = stop(child);
    assert!(status.success(), "{status:?}");
}

#[test]
fn seed_makes_version_ids_reproducible() {
    let put = "PUT /secrets/s?api-version=7.5 HTTP/1.1\r\nHost: v\r\nAuthorization: Bearer t\r\nContent-Length: 13\r\nConnection: close\r\n\r\n{\"value\":\"v\"}";
    let mut ids = Vec::new();
    for _ in 0..2 {
        let (child, line) = spawn(&["--seed", "42"]);
        let authority = line
            .trim()
            .trim_start_matches("keyvault-emulator listening on http://")
            .to_owned();
        let response = http(&authority, put);
        let id_start = response.find("/secrets/s/").expect("id in body");
        ids.push(response[id_start..id_start + 43].to_owned());
        stop(child);
    }
    assert_eq!(ids[0], ids[1]);
}

#[test]
fn bad_flags_exit_with_code_2() {
    for (args, expected) in [
        (&["--fault-rate", "1.5"][..], "--fault-rate"),
        (&["--drop-rate", "x"], "--drop-rate"),
        (&["--recoverable-days", "100"], "between 7 and 90"),
        (&["--port", "x"], "--port"),
        (&["--nope"], "unknown argument"),
    ] {
        let output = Command::new(BIN).args(args).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn help_prints_usage() {
    let output = Command::new(BIN).arg("--help").output().expect("run");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--host",
        "--port",
        "--data",
        "--seed",
        "--fault-rate",
        "--fault-statuses",
        "--drop-rate",
        "--retry-after",
        "--recoverable-days",
        "--delete-visibility-delay-ms",
        "--require-token",
    ] {
        assert!(stdout.contains(flag), "{flag} missing from help");
    }
}
