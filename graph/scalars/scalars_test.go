package scalars

import (
	"bytes"
	"testing"

	"github.com/fingraph/fingraph/models"
)

func TestMarshalJSONCompactsAndRefusesInvalid(t *testing.T) {
	for in, want := range map[string]string{
		`{"MTD": 0.0245, "risk": null}`: `{"MTD":0.0245,"risk":null}`, // PostgreSQL jsonb text
		`[1, 2]`:                        `[1,2]`,
		``:                              `null`,
		`{"unterminated": `:             `null`,
	} {
		var buf bytes.Buffer
		MarshalJSON(models.JSON(in)).MarshalGQL(&buf)
		if buf.String() != want {
			t.Errorf("MarshalJSON(%q) = %s, want %s", in, buf.String(), want)
		}
	}
}
