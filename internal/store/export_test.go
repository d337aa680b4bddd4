package store

// UseICUFold makes s lower-case the text filter under the ICU root
// collation on PostgreSQL, as it does on a database whose LC_CTYPE is C,
// whatever the test database's own locale.
func UseICUFold(s *Store) {
	f := lowerICU
	s.hooks.fold.Store(&f)
}

// TextFold is the lower-casing format the text filter would use.
var TextFold = (*Store).textFold
