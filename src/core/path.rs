//! The one path type for a value inside a plan: `api.tiers.growth.price`, `components[1]`, or
//! the JSON pointer `/api/tiers/growth/price`. Validators, merge provenance, rules, `explain`
//! and diagnostics all speak it, so a path is parsed and printed in one place.

use std::fmt;

/// One step of a path: a table key or an array index.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path to a value, as a sequence of steps.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    /// Parses a dotted path with indexes (`product.bundle.components[1]`) or a JSON pointer
    /// (`/api/tiers/growth`, with `~1` for `/` and `~0` for `~`). Empty: the whole plan.
    pub fn parse(path: &str) -> KeyPath {
        if let Some(pointer) = path.strip_prefix('/') {
            return KeyPath(
                pointer
                    .split('/')
                    .map(|p| Seg::Key(p.replace("~1", "/").replace("~0", "~")))
                    .collect(),
            );
        }
        let mut segs = Vec::new();
        for part in path.split('.').filter(|p| !p.is_empty()) {
            let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
            if !key.is_empty() {
                segs.push(Seg::Key(key.to_string()));
            }
            // `[1][2]`: each index in turn; anything else is part of a key.
            while let Some(index) = rest
                .strip_prefix('[')
                .and_then(|r| r.split_once(']'))
                .and_then(|(i, r)| Some((i.parse().ok()?, r)))
            {
                segs.push(Seg::Index(index.0));
                rest = index.1;
            }
            if !rest.is_empty() {
                segs.push(Seg::Key(rest.to_string()));
            }
        }
        KeyPath(segs)
    }

    pub fn segs(&self) -> &[Seg] {
        &self.0
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&display_path(&self.0))
    }
}

/// A path as users write it: `api.tiers.growth.price`, `components[1]`.
pub fn display_path(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Seg {
        Seg::Key(k.into())
    }

    #[test]
    fn dotted_paths_and_pointers_parse_to_the_same_steps() {
        let dotted = KeyPath::parse("api.tiers.growth");
        assert_eq!(dotted.segs(), [key("api"), key("tiers"), key("growth")]);
        assert_eq!(KeyPath::parse("/api/tiers/growth"), dotted);
        assert_eq!(
            KeyPath::parse("product.bundle.components[1]").segs(),
            [
                key("product"),
                key("bundle"),
                key("components"),
                Seg::Index(1)
            ]
        );
        assert_eq!(
            KeyPath::parse("/a~1b/c~0d").segs(),
            [key("a/b"), key("c~d")]
        );
        assert_eq!(KeyPath::parse("").segs(), []);
    }

    #[test]
    fn printing_is_the_inverse_of_parsing_dotted_paths() {
        for p in [
            "api.tiers.growth.price",
            "product.bundle.components[1]",
            "a[0][2].b",
        ] {
            assert_eq!(KeyPath::parse(p).to_string(), p);
        }
    }
}
