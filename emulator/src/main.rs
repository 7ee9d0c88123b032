//! `keyvault-emulator` binary: parse flags, bind, print the listening line, serve until
//! SIGINT/SIGTERM.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use keyvault_emulator::cli::{self, Command};

/// How long in-flight requests may take to finish after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

fn main() -> ExitCode {
    let options = match cli::parse(std::env::args().skip(1)) {
        Ok(Command::Run(options)) => options,
        Ok(Command::Help) => {
            print!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!("keyvault-emulator {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("keyvault-emulator: {e}\nTry 'keyvault-emulator --help'.");
            return ExitCode::from(2);
        }
    };
    // One thread: requests are tiny and CPU-bound on a shared 2-core machine, so a
    // work-stealing pool would only add overhead.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("keyvault-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(options.config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("keyvault-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: keyvault_emulator::Config) -> std::io::Result<()> {
    // The error names what failed: the data file or the listening address.
    let server = keyvault_emulator::bind(config).await?;
    {
        // A reader that went away must not kill the server, so write errors are ignored.
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "keyvault-emulator listening on {}", server.url());
        let _ = stdout.flush();
    }
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let mut serving = tokio::spawn(server.serve_until(async {
        let _ = stop_rx.await;
    }));
    tokio::select! {
        result = &mut serving => return result.unwrap_or_else(|e| Err(std::io::Error::other(e))),
        () = shutdown_signal() => {}
    }
    let _ = stop_tx.send(());
    // Keep-alive connections close as soon as they are idle; don't wait forever on the rest.
    match tokio::time::timeout(SHUTDOWN_GRACE, serving).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(std::io::Error::other(e)),
        Err(_) => Ok(()),
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
