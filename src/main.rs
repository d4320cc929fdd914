//! The `plancat` binary: all of it lives in the library; this is the one exit path.

/// mimalloc: a build allocates millions of small trees and strings on both cores; measured in
/// docs/PERFORMANCE.md against the system allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    plancat::edge::cli::main()
}
