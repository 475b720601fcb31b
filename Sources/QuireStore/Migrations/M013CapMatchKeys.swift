import QuireCore

/// `editions.match_key` cut to `CatalogMatchKey.maxLength` scalars, as new keys now are: a longer
/// key can't be stored on PostgreSQL (its B-tree entry past 2,704 bytes failed the insert), so
/// only SQLite can hold one, and it would no longer equal the key an import computes for the same
/// book. Both engines' `substr` and `length` count characters (code points) of text, as
/// `TextRules.prefix` does. One pass over the editions, at the upgrade only.
let m013CapMatchKeys = Migration(version: 13, name: "cap match keys") { _ in
    let cap = CatalogMatchKey.maxLength
    return ["UPDATE editions SET match_key = substr(match_key, 1, \(cap)) WHERE length(match_key) > \(cap)"]
}
