package store

// Test-only views of the store's internals, for benchmarks that drive Redis directly.

// ClaimHash is the SHA1 of the claim script as loaded into Redis.
func ClaimHash(db *DB) string { return db.scripts.claim.Hash() }

// Prefix is the store's key prefix.
func Prefix(db *DB) string { return db.keys.prefix }
