//! The `plancat` binary: all of it lives in the library; this is the one exit path.

fn main() -> std::process::ExitCode {
    plancat::edge::cli::main()
}
