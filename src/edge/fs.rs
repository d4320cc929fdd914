//! Reading the catalog tree and the ledger, and writing the ledger atomically.
//!
//! Crash safety: a build stages the whole new `out/snapshots/` next to the old one (unchanged
//! files hard-linked, new files written and synced), then swaps the two directories in one
//! `renameat2(RENAME_EXCHANGE)`. A build killed at any moment leaves `out/snapshots/` either
//! as it was or as the build meant it; the next build clears the leftover staging directory.
//! An exclusive lock on the `plans/` directory keeps two builds from interleaving (so a build
//! that fails creates nothing at all).

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use walkdir::WalkDir;

use super::EdgeError;
use crate::core::build::{Inputs, Refused, Template};
use crate::core::compile::InputFile;
use crate::core::ledger::{LEDGER_DIR, LedgerFiles};
use crate::core::model::ids::Instant;
use crate::core::parse::MAX_FILE_BYTES;

const STAGING: &str = "out/.snapshots.staging";
pub const SITE_DIR: &str = "out/site";
const SITE_STAGING: &str = "out/.site.staging";

/// The catalog root, which must be an existing directory.
fn root_dir(root: &Path) -> Result<(), EdgeError> {
    if !root.exists() {
        return Err(EdgeError(format!("`{}` does not exist", root.display())));
    }
    if !root.is_dir() {
        return Err(EdgeError(format!(
            "`{}` is not a directory",
            root.display()
        )));
    }
    Ok(())
}

/// The catalog's `plans/` directory, which must exist.
fn plans_dir(root: &Path) -> Result<PathBuf, EdgeError> {
    root_dir(root)?;
    let dir = root.join("plans");
    if !dir.is_dir() {
        return Err(EdgeError(format!(
            "no `plans/` directory in `{}`: is this a plancat catalog? (see `--root`)",
            root.display()
        )));
    }
    Ok(dir)
}

/// Every file under `plans/`, in sorted order, with catalog-relative `/` paths.
pub fn read_plans(root: &Path) -> Result<Vec<InputFile>, EdgeError> {
    Ok(read_plans_and_refused(root)?.0)
}

/// `read_plans`, and what under `plans/` is not a regular file.
fn read_plans_and_refused(root: &Path) -> Result<(Vec<InputFile>, Vec<Refused>), EdgeError> {
    let dir = plans_dir(root)?;
    let (files, special) = walk(&dir)?;
    let refused = refused(root, special);
    use rayon::prelude::*;
    let out = files
        .par_iter()
        .map(|path| {
            Ok(InputFile {
                path: relative(root, path),
                bytes: read_capped(path)?,
            })
        })
        .collect::<Result<_, EdgeError>>()?;
    Ok((out, refused))
}

/// Every file of the published ledger, keyed by its path inside `out/snapshots/`.
///
/// Consistent without a lock: the tree is read through one handle on the `out/snapshots/`
/// directory, which a build replaces in one atomic exchange, so a read sees the old ledger or
/// the new one whole. If the build removes the old tree under the reader, the read starts over.
pub fn read_ledger(root: &Path) -> Result<LedgerFiles, EdgeError> {
    root_dir(root)?;
    let dir = root.join(LEDGER_DIR);
    let mut attempts = 0;
    loop {
        match read_tree(&dir) {
            Ok(files) => return Ok(files),
            Err(TreeRead::Gone) if attempts < 20 => attempts += 1,
            Err(TreeRead::Gone) => {
                return Err(EdgeError(format!(
                    "`{}` kept changing while it was read",
                    dir.display()
                )));
            }
            Err(TreeRead::Failed(e)) => return Err(e),
        }
    }
}

enum TreeRead {
    /// Something vanished mid-read: a build swapped the ledger and removed the old one.
    Gone,
    Failed(EdgeError),
}

fn read_tree(dir: &Path) -> Result<LedgerFiles, TreeRead> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
    let fd = match rustix::fs::open(dir, flags, Mode::empty()) {
        Ok(fd) => fd,
        Err(rustix::io::Errno::NOENT) => return Ok(LedgerFiles::new()),
        Err(e) => return Err(TreeRead::Failed(EdgeError::io("read", dir, e.into()))),
    };
    test_reader_pause(dir);
    let files = read_dir_at(&fd, dir, "")?;
    // Read whole, but was it the live tree throughout? A build that swapped its new tree in
    // meanwhile (and may be removing this one file by file) leaves `dir` naming another
    // directory: read again, from the new one.
    let read = rustix::fs::fstat(&fd)
        .map_err(|e| TreeRead::Failed(EdgeError::io("read", dir, e.into())))?;
    match rustix::fs::lstat(dir) {
        Ok(now) if (now.st_dev, now.st_ino) == (read.st_dev, read.st_ino) => {
            Ok(files.into_iter().collect())
        }
        Ok(_) | Err(rustix::io::Errno::NOENT) => Err(TreeRead::Gone),
        Err(e) => Err(TreeRead::Failed(EdgeError::io("read", dir, e.into()))),
    }
}

/// Test-only hook, for `tests/robustness.rs`: when `PLANCAT_TEST_READ_PAUSE` names a file, a
/// reader of the ledger prints `plancat-test-reading <dir>` once it holds the directory open,
/// then waits (up to 60 s) until that file exists, so a test can swap the ledger under it.
/// Nothing sets the variable outside the tests.
fn test_reader_pause(dir: &Path) {
    if let Some(resume) = std::env::var_os("PLANCAT_TEST_READ_PAUSE") {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            eprintln!("plancat-test-reading {}", dir.display());
            let resume = Path::new(&resume);
            for _ in 0..600 {
                if resume.exists() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        });
    }
}

/// Reads the regular files under the open directory `fd` (shown as `shown`), never following
/// a symlink and never opening anything else. Subdirectories (one per plan) are read in
/// parallel.
fn read_dir_at(
    fd: &rustix::fd::OwnedFd,
    shown: &Path,
    prefix: &str,
) -> Result<Vec<(String, Vec<u8>)>, TreeRead> {
    use rayon::prelude::*;
    use rustix::fs::{FileType, Mode, OFlags};
    let gone_or = |e: rustix::io::Errno, path: &Path| {
        if e == rustix::io::Errno::NOENT || e == rustix::io::Errno::STALE {
            TreeRead::Gone
        } else {
            TreeRead::Failed(EdgeError::io("read", path, e.into()))
        }
    };
    let mut entries = Vec::new();
    for entry in rustix::fs::Dir::read_from(fd).map_err(|e| gone_or(e, shown))? {
        let entry = entry.map_err(|e| gone_or(e, shown))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name != "." && name != ".." {
            entries.push((name, entry.file_type()));
        }
    }
    let read = |(name, kind): &(String, FileType)| -> Result<Vec<(String, Vec<u8>)>, TreeRead> {
        let path = shown.join(name);
        let rel = format!("{prefix}{name}");
        // Some file systems (NFS, older XFS) do not say in the listing: ask, without following.
        let kind = match kind {
            FileType::Unknown => {
                rustix::fs::statat(fd, name.as_str(), rustix::fs::AtFlags::SYMLINK_NOFOLLOW)
                    .map(|st| FileType::from_raw_mode(st.st_mode))
                    .map_err(|e| gone_or(e, &path))?
            }
            k => *k,
        };
        match kind {
            FileType::Directory => {
                let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
                let sub = rustix::fs::openat(fd, name.as_str(), flags, Mode::empty())
                    .map_err(|e| gone_or(e, &path))?;
                read_dir_at(&sub, &path, &format!("{rel}/"))
            }
            FileType::RegularFile => {
                let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW | OFlags::NONBLOCK;
                let f = rustix::fs::openat(fd, name.as_str(), flags, Mode::empty())
                    .map_err(|e| gone_or(e, &path))?;
                let cap = plancat_consumer::MAX_FILE_BYTES;
                let bytes =
                    read_regular(File::from(f), cap).map_err(|e| TreeRead::Failed(e.at(&path)))?;
                if bytes.len() as u64 > cap {
                    return Err(TreeRead::Failed(EdgeError(format!(
                        "`{}` is larger than {} MiB: not a file plancat published",
                        path.display(),
                        cap >> 20
                    ))));
                }
                Ok(vec![(rel, bytes)])
            }
            FileType::Symlink => Err(TreeRead::Failed(special(&path, "a symbolic link"))),
            FileType::Fifo => Err(TreeRead::Failed(special(&path, "a FIFO"))),
            FileType::Socket => Err(TreeRead::Failed(special(&path, "a socket"))),
            _ => Err(TreeRead::Failed(special(&path, "a device"))),
        }
    };
    let read: Vec<_> = entries.par_iter().map(read).collect::<Result<_, _>>()?;
    Ok(read.into_iter().flatten().collect())
}

/// Why [`read_regular`] failed: the file is not a regular one, or an I/O error.
enum ReadError {
    NotRegular,
    Io(std::io::Error),
}

impl ReadError {
    fn at(self, path: &Path) -> EdgeError {
        match self {
            ReadError::NotRegular => special(path, "not a regular file"),
            ReadError::Io(e) => EdgeError::io("read", path, e),
        }
    }
}

/// Reads an open file whole (at most `cap` bytes and one more, so an oversized file shows),
/// after checking it is a regular file: one `fstat` and, for a file that does not change
/// meanwhile, two `read`s.
fn read_regular(mut f: File, cap: u64) -> Result<Vec<u8>, ReadError> {
    let meta = f.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    let limit = cap.saturating_add(1);
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize + 1);
    loop {
        if bytes.len() as u64 >= limit {
            break;
        }
        if bytes.len() == bytes.capacity() {
            bytes.reserve(8192);
        }
        let room = (bytes.capacity() - bytes.len()).min((limit - bytes.len() as u64) as usize);
        let start = bytes.len();
        bytes.resize(start + room, 0);
        match f.read(&mut bytes[start..]) {
            Ok(0) => {
                bytes.truncate(start);
                break;
            }
            Ok(n) => bytes.truncate(start + n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => bytes.truncate(start),
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
    Ok(bytes)
}

fn special(path: &Path, what: &str) -> EdgeError {
    EdgeError(format!(
        "`{}` is {what}: plancat reads only regular files, and never follows or opens anything else; remove it",
        path.display()
    ))
}

/// Held for the whole of a build (exclusive) or a check (shared): an advisory lock on the
/// `plans/` directory itself, so taking it writes nothing.
pub struct LedgerLock(#[allow(dead_code)] File);

impl LedgerLock {
    /// Waits for any other build or read to finish (telling `on_wait` who holds the lock),
    /// then holds the lock; gives up after `timeout`.
    pub fn exclusive(
        root: &Path,
        timeout: Duration,
        on_wait: &mut dyn FnMut(&str),
    ) -> Result<LedgerLock, EdgeError> {
        Self::acquire(root, false, timeout, on_wait)
    }

    /// Reads must not see a build half-way: waits for a build the same way.
    pub fn shared(
        root: &Path,
        timeout: Duration,
        on_wait: &mut dyn FnMut(&str),
    ) -> Result<LedgerLock, EdgeError> {
        Self::acquire(root, true, timeout, on_wait)
    }

    fn acquire(
        root: &Path,
        shared: bool,
        timeout: Duration,
        on_wait: &mut dyn FnMut(&str),
    ) -> Result<LedgerLock, EdgeError> {
        use std::fs::TryLockError;
        let (f, dir) = Self::open(root)?;
        let try_lock = || {
            if shared {
                f.try_lock_shared()
            } else {
                f.try_lock()
            }
        };
        let started = std::time::Instant::now();
        let mut told = false;
        loop {
            match try_lock() {
                Ok(()) => return Ok(LedgerLock(f)),
                Err(TryLockError::Error(e)) => return Err(EdgeError::io("lock", &dir, e)),
                Err(TryLockError::WouldBlock) => {}
            }
            if !told {
                on_wait(&format!(
                    "waiting for the catalog lock, held by {}",
                    holder(&dir)
                ));
                told = true;
            }
            if started.elapsed() >= timeout {
                return Err(EdgeError(format!(
                    "gave up after {} s waiting for the catalog lock, held by {} (see `--lock-timeout`)",
                    timeout.as_secs(),
                    holder(&dir)
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn open(root: &Path) -> Result<(File, PathBuf), EdgeError> {
        let dir = plans_dir(root)?;
        let f = File::open(&dir).map_err(|e| EdgeError::io("open", &dir, e))?;
        Ok((f, dir))
    }
}

/// Who holds the lock on `dir`: `process 1234 (plancat build) since 2026-12-02T03:20:00Z`,
/// read from `/proc/locks` where there is one.
fn holder(dir: &Path) -> String {
    use std::os::unix::fs::MetadataExt;
    let unknown = || "another plancat process".to_string();
    let Ok(ino) = fs::metadata(dir).map(|m| m.ino()) else {
        return unknown();
    };
    let Ok(locks) = fs::read_to_string("/proc/locks") else {
        return unknown();
    };
    let pid = locks.lines().find_map(|l| {
        let fields: Vec<&str> = l.split_whitespace().collect();
        let i = fields.iter().position(|f| f.matches(':').count() == 2)?;
        fields[i]
            .rsplit(':')
            .next()
            .filter(|n| n.parse() == Ok(ino))?;
        fields.get(i - 1)?.parse::<u32>().ok()
    });
    let Some(pid) = pid else {
        return unknown();
    };
    let proc = PathBuf::from(format!("/proc/{pid}"));
    let command = fs::read(proc.join("cmdline"))
        .map(|c| {
            c.split(|b| *b == 0)
                .filter(|a| !a.is_empty())
                .take(4)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let since = fs::metadata(&proc)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
        .map(|t| {
            format!(
                " since {}",
                jiff::Timestamp::from_second(t.as_second()).unwrap_or(t)
            )
        })
        .unwrap_or_default();
    format!("process {pid} (`{command}`){since}")
}

/// Removes what a killed build left behind. Call with the exclusive lock held.
pub fn clear_staging(root: &Path) -> Result<(), EdgeError> {
    for dir in [STAGING, SITE_STAGING] {
        let staging = root.join(dir);
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(|e| EdgeError::io("remove", &staging, e))?;
        }
    }
    Ok(())
}

/// Writes `changes` (paths inside `out/snapshots/`) on top of the current ledger, atomically.
/// Call with the exclusive lock held, after [`clear_staging`].
pub fn write_ledger(root: &Path, changes: &LedgerFiles) -> Result<(), EdgeError> {
    if changes.is_empty() {
        return Ok(());
    }
    let live = root.join(LEDGER_DIR);
    let staging = root.join(STAGING);
    create_dir(&staging)?;
    if live.exists() {
        for path in walk_files(&live)? {
            let rel = relative(&live, &path);
            let dst = staging.join(&rel);
            create_dir(dst.parent().expect("a file has a parent"))?;
            // Published files are immutable, so the staged tree may share them.
            if fs::hard_link(&path, &dst).is_err() {
                fs::copy(&path, &dst).map_err(|e| EdgeError::io("copy", &path, e))?;
            }
        }
    }
    for (i, (rel, bytes)) in changes.iter().enumerate() {
        if i == changes.len() / 2 {
            test_pause("staged-half", &live);
        }
        let dst = staging.join(rel);
        create_dir(dst.parent().expect("a file has a parent"))?;
        // Never write through a hard link: replace the staged entry with a new file.
        if dst.exists() {
            fs::remove_file(&dst).map_err(|e| EdgeError::io("replace", &dst, e))?;
        }
        let mut f = File::create(&dst).map_err(|e| EdgeError::io("create", &dst, e))?;
        f.write_all(bytes)
            .map_err(|e| EdgeError::io("write", &dst, e))?;
    }
    publish_staged(&staging, &live)
}

/// Makes `out/site/` hold exactly `files`, touching only what differs: a file whose bytes are
/// already there is left alone (its modification time too, so a server or `rsync` sees no
/// change), a changed file is replaced in one rename (a reader never sees half a page), a new
/// one is written, and what is no longer part of the site is removed. Anything under
/// `out/site/` that is not a regular file is removed, never opened. Returns how many files
/// were written or removed.
///
/// The site is a deploy artifact rebuilt from the ledger: a build killed here leaves some
/// pages old and some new, and the next build (which then finds no run manifest) repairs it.
pub fn write_site(
    root: &Path,
    files: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Result<usize, EdgeError> {
    use rayon::prelude::*;
    let live = root.join(SITE_DIR);
    let (on_disk, special) = if live.is_dir() {
        walk(&live)?
    } else {
        (Vec::new(), Vec::new())
    };
    let on_disk: std::collections::BTreeMap<String, PathBuf> = on_disk
        .into_iter()
        .map(|p| (relative(&live, &p), p))
        .collect();
    // Compared in parallel: reading back what is there is most of an unchanged site's cost.
    let stale: Vec<&String> = files
        .par_iter()
        .filter(|(rel, bytes)| {
            on_disk.get(*rel).is_none_or(|p| {
                fs::symlink_metadata(p).is_ok_and(|m| m.len() != bytes.len() as u64)
                    || read_found(p, bytes.len() as u64).map_or(true, |old| old != **bytes)
            })
        })
        .map(|(rel, _)| rel)
        .collect();
    let gone: Vec<&PathBuf> = special
        .iter()
        .map(|(p, _)| p)
        .chain(
            on_disk
                .iter()
                .filter(|(rel, _)| !files.contains_key(*rel))
                .map(|(_, p)| p),
        )
        .collect();
    if stale.is_empty() && gone.is_empty() {
        return Ok(0);
    }
    test_fail("site", &live)?;
    for path in &gone {
        // Whatever it is (file, link, FIFO, socket, device): removed, never followed or opened.
        fs::remove_file(path).map_err(|e| EdgeError::io("remove", path, e))?;
    }
    // Folders emptied above go first: one may stand where a page is to be written.
    if !gone.is_empty() {
        remove_empty_dirs(&live)?;
    }
    for rel in &stale {
        let dst = live.join(rel);
        let dir = dst.parent().expect("a file has a parent");
        // A folder (of stale files) where a page goes, or a file where a folder goes: ours,
        // under `out/site/`, so removed.
        if fs::symlink_metadata(&dst).is_ok_and(|m| m.is_dir()) {
            fs::remove_dir_all(&dst).map_err(|e| EdgeError::io("remove", &dst, e))?;
        }
        for up in dir
            .ancestors()
            .take_while(|a| a.starts_with(&live) && *a != live)
        {
            if fs::symlink_metadata(up).is_ok_and(|m| !m.is_dir()) {
                fs::remove_file(up).map_err(|e| EdgeError::io("remove", up, e))?;
            }
        }
        create_dir(dir)?;
        let bytes = &files[*rel];
        if on_disk.contains_key(*rel) {
            // Never written in place: a new file renamed over the old one.
            let mut tmp = new_temp_in(dir)?;
            tmp.write_all(bytes)
                .map_err(|e| EdgeError::io("write", &dst, e))?;
            tmp.persist(&dst)
                .map_err(|e| EdgeError::io("write", &dst, e.error))?;
        } else {
            fs::write(&dst, bytes).map_err(|e| EdgeError::io("write", &dst, e))?;
        }
    }
    Ok(stale.len() + gone.len())
}

/// Removes the directories under `dir` (not `dir`) that hold nothing.
fn remove_empty_dirs(dir: &Path) -> Result<(), EdgeError> {
    for entry in WalkDir::new(dir).min_depth(1).contents_first(true) {
        let entry = entry.map_err(|e| EdgeError::io("read", dir, e.into()))?;
        if entry.file_type().is_dir() {
            // Fails, and is left, when not empty.
            let _ = fs::remove_dir(entry.path());
        }
    }
    Ok(())
}

/// Makes a fully written staging directory the live one: sync, swap, sync the parent, and
/// remove what was live before (now at `staging`).
fn publish_staged(staging: &Path, live: &Path) -> Result<(), EdgeError> {
    sync_tree(staging)?;
    test_pause("staged", live);
    swap_into_place(staging, live)?;
    test_pause("swapped", live);
    sync_dir(live.parent().expect("out/… has a parent"))?;
    if staging.exists() {
        fs::remove_dir_all(staging).map_err(|e| EdgeError::io("remove", staging, e))?;
    }
    Ok(())
}

/// Everything a run reads: plan files, the ledger, the catalog's templates, and the moment.
pub fn read_inputs(
    root: &Path,
    now: Instant,
    effective_from: Option<Instant>,
) -> Result<Inputs, EdgeError> {
    let (plans, mut refused) = read_plans_and_refused(root)?;
    let (templates, special) = read_templates_and_refused(root)?;
    refused.extend(special);
    Ok(Inputs {
        plans,
        ledger: read_ledger(root)?,
        templates,
        refused,
        now,
        effective_from,
    })
}

/// A catalog's own templates (`templates/*`), sorted by name.
pub fn read_templates(root: &Path) -> Result<Vec<Template>, EdgeError> {
    Ok(read_templates_and_refused(root)?.0)
}

fn read_templates_and_refused(root: &Path) -> Result<(Vec<Template>, Vec<Refused>), EdgeError> {
    let dir = root.join("templates");
    if fs::symlink_metadata(&dir).is_err() {
        return Ok((Vec::new(), Vec::new()));
    }
    let (files, special) = walk(&dir)?;
    let refused = refused(root, special);
    let mut out = Vec::new();
    for path in files {
        let name = relative(&dir, &path);
        let bytes = read_capped(&path)?;
        out.push(Template { name, bytes });
    }
    Ok((out, refused))
}

#[cfg(target_os = "linux")]
fn swap_into_place(staging: &Path, live: &Path) -> Result<(), EdgeError> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    if live.exists() {
        match renameat_with(CWD, staging, CWD, live, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // Some file systems cannot exchange; fall back to the two-step rename below.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(EdgeError::io("swap in", live, e.into())),
        }
    }
    rename_fallback(staging, live)
}

#[cfg(not(target_os = "linux"))]
fn swap_into_place(staging: &Path, live: &Path) -> Result<(), EdgeError> {
    rename_fallback(staging, live)
}

/// Two renames: not atomic as a pair, but each step leaves a complete tree on disk.
fn rename_fallback(staging: &Path, live: &Path) -> Result<(), EdgeError> {
    let old = live.with_extension("old");
    if live.exists() {
        fs::rename(live, &old).map_err(|e| EdgeError::io("move aside", live, e))?;
    }
    fs::rename(staging, live).map_err(|e| EdgeError::io("move into place", staging, e))?;
    if old.exists() {
        fs::rename(&old, staging).map_err(|e| EdgeError::io("move", &old, e))?;
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn sync_tree(dir: &Path) -> Result<(), EdgeError> {
    // One syncfs flushes every staged file and directory entry of the file system.
    let f = File::open(dir).map_err(|e| EdgeError::io("open", dir, e))?;
    rustix::fs::syncfs(&f).map_err(|e| EdgeError::io("sync", dir, e.into()))
}

#[cfg(not(target_os = "linux"))]
fn sync_tree(dir: &Path) -> Result<(), EdgeError> {
    for path in walk_files(dir)? {
        File::open(&path)
            .and_then(|f| f.sync_all())
            .map_err(|e| EdgeError::io("sync", &path, e))?;
    }
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> Result<(), EdgeError> {
    File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| EdgeError::io("sync", dir, e))
}

/// Writes a file atomically: temporary file in the same directory, fsync, rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), EdgeError> {
    let dir = path.parent().expect("a file has a parent");
    create_dir(dir)?;
    let mut tmp = new_temp_in(dir)?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| EdgeError::io("write", path, e))?;
    tmp.persist(path)
        .map_err(|e| EdgeError::io("write", path, e.error))?;
    sync_dir(dir)
}

/// Writes a file atomically unless it already holds exactly `bytes` (then it is not touched:
/// mtime kept, so watchers and build tools see no change). Whether it wrote.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool, EdgeError> {
    let same = fs::symlink_metadata(path)
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && fs::read(path).is_ok_and(|old| old == bytes);
    if same {
        return Ok(false);
    }
    write_atomic(path, bytes)?;
    Ok(true)
}

/// A temporary file in `dir` to rename over a published one, created with the mode a new file
/// gets (0666 less the umask), not tempfile's private 0600: a page replaced by rename must stay
/// readable by the web server that serves the others.
fn new_temp_in(dir: &Path) -> Result<tempfile::NamedTempFile, EdgeError> {
    use std::os::unix::fs::PermissionsExt;
    tempfile::Builder::new()
        .permissions(fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
        .map_err(|e| EdgeError::io("create a file in", dir, e))
}

fn create_dir(dir: &Path) -> Result<(), EdgeError> {
    fs::create_dir_all(dir).map_err(|e| EdgeError::io("create directory", dir, e))
}

/// The regular files under `dir` (relative path, full path), sorted; `None` when anything else
/// is there. A missing `dir` has none.
pub fn regular_files(dir: &Path) -> Result<Option<Vec<(String, PathBuf)>>, EdgeError> {
    if !dir.is_dir() {
        return Ok(Some(Vec::new()));
    }
    let (files, special) = walk(dir)?;
    Ok(special
        .is_empty()
        .then(|| files.into_iter().map(|p| (relative(dir, &p), p)).collect()))
}

fn walk_files(dir: &Path) -> Result<Vec<PathBuf>, EdgeError> {
    Ok(walk(dir)?.0)
}

/// Special paths as the core reports them: catalog-relative, with what they are.
fn refused(root: &Path, special: Vec<Special>) -> Vec<Refused> {
    special
        .into_iter()
        .map(|(p, what)| Refused {
            path: relative(root, &p),
            what,
        })
        .collect()
}

/// A path that is not a regular file or a directory, and what it is (`a FIFO`).
type Special = (PathBuf, &'static str);

/// Every regular file under `dir`, sorted, and everything else that is not a directory
/// (symlinks, FIFOs, sockets, devices) with what it is. Symlinks are never followed, not even
/// `dir` itself: nothing outside the catalog is read, and nothing can block a read.
fn walk(dir: &Path) -> Result<(Vec<PathBuf>, Vec<Special>), EdgeError> {
    use std::os::unix::fs::FileTypeExt;
    let mut files = Vec::new();
    let mut special = Vec::new();
    for entry in WalkDir::new(dir)
        .follow_root_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            let p = e.path().unwrap_or(dir).to_path_buf();
            EdgeError::io("read", &p, e.into())
        })?;
        let t = entry.file_type();
        let what = if t.is_dir() {
            continue;
        } else if t.is_file() {
            files.push(entry.into_path());
            continue;
        } else if t.is_symlink() {
            "a symbolic link"
        } else if t.is_fifo() {
            "a FIFO"
        } else if t.is_socket() {
            "a socket"
        } else {
            "a device"
        };
        special.push((entry.into_path(), what));
    }
    Ok((files, special))
}

fn relative(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads at most one byte more than a plan file may hold, so a huge file is reported as too
/// large without being read whole.
fn read_capped(path: &Path) -> Result<Vec<u8>, EdgeError> {
    read_found(path, MAX_FILE_BYTES as u64)
}

/// Reads a file a walk found, at most `cap` bytes and one more. Non-blocking and not following
/// a link, so a FIFO or a symlink that replaced the file since the walk is an error, not a hang
/// or a read from outside the catalog.
fn read_found(path: &Path, cap: u64) -> Result<Vec<u8>, EdgeError> {
    use std::os::unix::fs::OpenOptionsExt;
    let f = fs::OpenOptions::new()
        .read(true)
        .custom_flags((rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOFOLLOW).bits() as i32)
        .open(path)
        .map_err(|e| EdgeError::io("read", path, e))?;
    read_regular(f, cap).map_err(|e| e.at(path))
}

/// Test-only hook, for `tests/robustness.rs`: when `PLANCAT_TEST_PAUSE_AT` is `phase`, prints
/// `plancat-test-paused <phase> <dir>` to stderr and sleeps, so the test can SIGKILL the write
/// of `dir` exactly there. Phases: `staged-half` (half the new ledger files staged), `staged`
/// (staging complete and synced, before the swap), `swapped` (after it, before cleanup).
/// Nothing sets the variable outside the tests.
fn test_pause(phase: &str, dir: &Path) {
    if std::env::var_os("PLANCAT_TEST_PAUSE_AT").is_some_and(|p| p == phase) {
        eprintln!("plancat-test-paused {phase} {}", dir.display());
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

/// Test-only hook, for `tests/robustness.rs`: when `PLANCAT_TEST_FAIL_AT` is `phase`, the write
/// of `dir` fails as a full disk would. Nothing sets the variable outside the tests.
fn test_fail(phase: &str, dir: &Path) -> Result<(), EdgeError> {
    if std::env::var_os("PLANCAT_TEST_FAIL_AT").is_some_and(|p| p == phase) {
        let e = std::io::Error::new(std::io::ErrorKind::StorageFull, "no space left on device");
        return Err(EdgeError::io("write", dir, e));
    }
    Ok(())
}
