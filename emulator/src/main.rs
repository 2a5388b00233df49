use clap::Parser;
use mpm_emulator::cli::Cli;
use std::io::Write;

fn main() {
    let cli = Cli::parse();
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
        tokio::select! {
            _ = running.wait() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    });
}
