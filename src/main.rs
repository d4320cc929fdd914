//! The `plancat` binary: all of it lives in the library; this is the one exit path.

/// mimalloc: a build allocates millions of small trees and strings on both cores; measured in
/// docs/PERFORMANCE.md against the system allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` (15), which `mimalloc.h` (v2 and v3) declares right before
/// `mi_option_use_numa_nodes`; libmimalloc-sys names the one, not the other.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = libmimalloc_sys::mi_option_use_numa_nodes - 1;

fn main() -> std::process::ExitCode {
    // Return freed memory to the OS at once rather than after 10 ms: a file of garbage's
    // token list is freed before the recovery pass, and the peak stays that of one of them
    // (4 MB of `=` lines: 246 MB with the default delay, 168 MB without; glibc: 136 MB).
    // SAFETY: sets a process-wide option of the allocator before any thread is started.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
    // No transparent huge pages: memory returned at once and faulted in again would be zeroed
    // 2 MiB at a time (30 % of a cold 10k-product build was the kernel clearing pages; without
    // them the build is about 8 % faster and 8 % smaller — docs/PERFORMANCE.md). Best effort.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    plancat::edge::cli::main()
}
