package auth

import (
	"net/http"
	"strings"
)

// MaxTokenSize is the largest bearer token accepted, in bytes. Real JWTs are
// well under 2 KiB; the cap bounds base64 and JSON work on hostile input.
const MaxTokenSize = 8 << 10

// BearerToken extracts the token from an "Authorization: Bearer <token>"
// header (RFC 6750 §2.1; the scheme is case-insensitive). It returns
// ErrMissingToken when there is no Authorization header, and ErrInvalidToken
// for another scheme, several Authorization headers, an empty, oversized or
// non-token68 value. Tokens in query strings or forms are deliberately not
// supported: they end up in access logs and browser history.
func BearerToken(r *http.Request) (string, error) {
	values := r.Header.Values("Authorization")
	switch {
	case len(values) == 0:
		return "", ErrMissingToken
	case len(values) > 1:
		return "", ErrInvalidToken
	}
	v := values[0]
	if strings.TrimSpace(v) == "" {
		return "", ErrMissingToken
	}
	scheme, token, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", ErrInvalidToken
	}
	token = strings.Trim(token, " \t")
	if token == "" || len(token) > MaxTokenSize || !isToken68(token) {
		return "", ErrInvalidToken
	}
	return token, nil
}

// isToken68 reports whether s matches RFC 7235 token68:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isToken68(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
			continue
		}
		switch c {
		case '-', '.', '_', '~', '+', '/':
			continue
		}
		return false
	}
	return true
}
