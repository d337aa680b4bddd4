package benchkit

import "testing"

func TestSameJSON(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{`{"a":"x\u2028y"}`, "{\"a\":\"x\u2028y\"}", true}, // escape spelling only
		{`{"a":"<"}`, `{"a":"\u003c"}`, true},
		{`{"a":1,"b":2}`, `{"b":2,"a":1}`, false}, // member order counts
		{`{"a":"1.50"}`, `{"a":"1.5"}`, false},
		{`{"a":1.50}`, `{"a":1.5}`, false}, // numbers compared as written
		{`[1,2]`, `[1,2,3]`, false},
		{`{"a":[]}`, `{"a":[]} `, true},
	} {
		if got := sameJSON([]byte(tc.a), []byte(tc.b)); got != tc.want {
			t.Errorf("sameJSON(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
