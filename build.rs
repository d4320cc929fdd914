//! Gives the binary an id that changes with its code (`PLANCAT_BUILD_ID`: a hash of `src/`, the
//! consumer crate's `src/` and `Cargo.lock`), so a run manifest recorded by one build of
//! plancat is never reused by a build with other code, whatever its file size and time.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let mut all = Vec::new();
    for dir in ["src", "crates/consumer/src"] {
        println!("cargo:rerun-if-changed={dir}");
        files(Path::new(dir), &mut all);
    }
    println!("cargo:rerun-if-changed=Cargo.lock");
    all.push(PathBuf::from("Cargo.lock"));
    all.sort();
    // SipHash with fixed keys: the same sources give the same id on every machine.
    let mut h = std::hash::DefaultHasher::new();
    for f in &all {
        f.hash(&mut h);
        std::fs::read(f).unwrap_or_default().hash(&mut h);
    }
    println!("cargo:rustc-env=PLANCAT_BUILD_ID={:016x}", h.finish());
}
