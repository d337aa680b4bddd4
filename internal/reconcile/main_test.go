package reconcile_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when goroutines its tests started outlive
// them (issue 16: goroutines stay bounded).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
