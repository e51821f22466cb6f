//! Bounded reading of command inputs.

use std::io::Read;
use std::path::Path;

/// Reads a file, or standard input for `-`, stopping one byte past
/// `max_bytes`. The caller's size check then reports an oversized input
/// without the whole of it (or an endless stream such as `/dev/zero`) being
/// read.
pub fn read_limited(path: &Path, max_bytes: usize) -> Result<Vec<u8>, String> {
    let limit = u64::try_from(max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut bytes = Vec::new();
    let result = if path.as_os_str() == "-" {
        std::io::stdin().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|file| file.take(limit).read_to_end(&mut bytes))
    };
    result.map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    Ok(bytes)
}
