// Package secrets encrypts fingraph's secrets at rest: provider credentials
// (Flanks credentials_token, Flinks LoginId, Finqware access_token and
// credentials_id, upload tokens), PANs and identity document numbers
// (reliability goal 12; OWASP Cryptographic Storage Cheat Sheet, "Key
// Management" and envelope encryption; PCI DSS 3.5.1). All at-rest crypto
// lives here (style rule 15, ory/kratos cipher/ model); the store layer calls
// Seal and Open itself with the row's Binding. Standard library only.
//
// # Envelope encryption
//
// Every sealed value gets its own random 256-bit data key (DEK). The value is
// encrypted with AES-256-GCM under the DEK; the DEK is encrypted ("wrapped")
// with AES-256-GCM under a key-encryption key (KEK, the master key) that is
// held outside the database (FINGRAPH_MASTER_KEY). A database dump therefore
// holds only ciphertext and wrapped keys. Nonces are random 96-bit values
// (crypto/cipher.NewGCMWithRandomNonce): each DEK encrypts exactly one
// message, and one KEK wraps far fewer than the 2^32 DEKs NIST allows.
//
// # Binding
//
// Both GCM operations authenticate the row the value belongs to: tenant,
// table, column and row ID, length-prefixed so that no two different
// Bindings encode to the same bytes ("a","bc" vs "ab","c"). Copying a sealed
// value into another row, column or tenant — or moving the wrapped DEK alone —
// makes Open fail with ErrDecrypt. The row ID must therefore be known before
// the value is sealed: generate the UUID in the application, not the
// database. Binding mismatch, tampering and a wrong key all return the same
// ErrDecrypt, so a caller (or an attacker probing through one) learns nothing
// about which check failed.
//
// # Sealed format
//
// A sealed value is one ASCII string that fits a TEXT column:
//
//	v1.<kek id>.<base64url(wrapped DEK)>.<base64url(data)>
//
// where kek id is the first 8 bytes of SHA-256(KEK) in lowercase hex (so
// Open picks the right KEK without trial decryption), wrapped DEK is
// nonce(12) | GCM(KEK, DEK) | tag(16) with AAD = ("wrap", kek id, binding),
// and data is nonce(12) | GCM(DEK, plaintext) | tag(16) with AAD = ("data",
// binding). base64url is unpadded and decoded strictly, and any byte outside
// the alphabet is rejected, so every sealed value has exactly one spelling
// and changing any character makes Open fail.
//
// # Rotation
//
// The Keyring holds the current KEK (FINGRAPH_MASTER_KEY) and older ones
// (FINGRAPH_MASTER_KEY_PREVIOUS, comma-separated) that can still unwrap.
// Seal always uses the current KEK. Rewrap (the rotate-keys command) unwraps
// a value's DEK with whichever KEK sealed it and wraps it again under the
// current one; the data part is copied byte for byte, never decrypted into a
// new ciphertext. Once every row is rewrapped, the old key can be dropped
// from FINGRAPH_MASTER_KEY_PREVIOUS; values still under it then fail with
// ErrUnknownKey, which names the missing key id.
//
// # Blind indexes
//
// Ciphertext is random, so UNIQUE(provider, provider_ref) or "find the card
// with this PAN" cannot run on it. BlindIndex returns a keyed HMAC-SHA256
// (PCI DSS 3.5.1.1 keyed hash) to store in a separate indexed column.
//
// Design decision: the blind-index key is a separate, stable key
// (FINGRAPH_INDEX_KEY), not derived from the KEK. An index derived from the
// KEK would change at every KEK rotation, so between deploying a new master
// key and finishing rotate-keys every lookup and uniqueness check would
// silently miss and create duplicates. With a separate key, KEK rotation
// touches only wrapped DEKs and never an index. Changing the index key itself
// is a different, rare operation: open each value and recompute its index.
// A Keyring built without WithIndexKey refuses to compute indexes (BlindIndex
// panics: a wiring bug that HasIndexKey lets startup catch) rather than fall
// back to something that breaks at the next rotation. Per-purpose subkeys
// come from HKDF-SHA256 (crypto/hkdf), so indexes of the same value for two
// purposes (say PAN vs. provider token) cannot be correlated. A blind index
// still reveals which rows hold equal values; index only what must be looked
// up.
//
// # Development keys
//
// Without FINGRAPH_MASTER_KEY a developer machine uses
// LoadOrCreateDevMasterKey (and LoadOrCreateDevIndexKey), which keep the key
// in a 0600 file in the data dir; the caller must log a warning when it was
// generated, because a key next to the database protects nothing against
// whoever can read the data dir.
//
// Errors returned by this package never contain plaintext or key bytes, so
// callers may log them.
package secrets
