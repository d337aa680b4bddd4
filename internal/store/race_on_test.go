//go:build race

package store_test

// raceEnabled: the race detector instruments the pure-Go SQLite too, which
// makes seeding hundreds of thousands of rows take many minutes.
const raceEnabled = true
