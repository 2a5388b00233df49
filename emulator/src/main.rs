use mpm_emulator::cli::Cli;
use std::io::Write;

fn main() {
    let cli = Cli::parse_with_env();
    let listen = cli.listen;
    let opts = match cli.into_options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("mpm-emulator: {e}");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async move {
        // SIGTERM (docker stop, systemd, Kubernetes; also as PID 1, where the
        // default action is not taken) and SIGINT stop it at once, exit status 0.
        // Installed before the "listening on" line: a harness may signal as soon as it
        // reads it, and a signal before the handlers would kill with the default action.
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
        let running = match mpm_emulator::start(listen, opts).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("mpm-emulator: cannot start on {listen}: {e}");
                std::process::exit(1);
            }
        };
        // Test harnesses read the port from this exact first line.
        let mut out = std::io::stdout();
        let _ = writeln!(out, "listening on http://{}", running.addr);
        let _ = out.flush();
        let code = tokio::select! {
            _ = running.wait() => 0,
            _ = term.recv() => 0,
            _ = int.recv() => 0,
        };
        // Open connections and the runtime's workers are not waited for: the ledger
        // file is written (and flushed) per record, so nothing is lost by leaving now.
        let _ = std::io::stdout().flush();
        std::process::exit(code);
    });
}
