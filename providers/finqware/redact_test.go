package finqware

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// requestValues returns every string value a request carried: the JSON
// body's (one level deep, plus filter) or the multipart fields'.
func requestValues(t *testing.T, r *http.Request) []string {
	t.Helper()
	var out []string
	if mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			out = append(out, string(b))
		}
		return out
	}
	var m map[string]any
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		t.Errorf("decode: %v", err)
	}
	for _, v := range m {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// TestErrorsNeverCarrySecrets: a server that echoes everything the request
// carried (client_secret, client_app_key, access_token, nonce, temp_token)
// in its error object, in a step message, in a 5xx text body and in a
// malformed or error-carrying 2xx body must not get any secret into an
// error string (reliability.md goal 13).
func TestErrorsNeverCarrySecrets(t *testing.T) {
	secrets := []string{testClientSecret, testAppKey, testAccessToken, testNonce, testTempToken}
	bodies := map[string]func(w http.ResponseWriter, echo string){
		"error object": func(w http.ResponseWriter, echo string) {
			respond(w, 401, fmt.Sprintf(`{"id": %q, "type": %q, "http": 401, "code": %q, "message": %q}`,
				echo, echo, "invalid_access_token "+echo, "bad request: "+echo))
		},
		"step message": func(w http.ResponseWriter, echo string) { respond(w, 400, fmt.Sprintf(`{"message": %q}`, echo)) },
		"text 500":     func(w http.ResponseWriter, echo string) { w.WriteHeader(500); _, _ = io.WriteString(w, echo) },
		"malformed 200": func(w http.ResponseWriter, echo string) {
			respond(w, 200, `{"session_id": "x", "nonce": `+echo)
		},
		"embedded error 200": func(w http.ResponseWriter, echo string) {
			respond(w, 200, fmt.Sprintf(`{"type": "unauthorized", "http": 401, "code": "expired_credentials", "message": %q}`, echo))
		},
	}
	for name, write := range bodies {
		for _, c := range calls {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				client, mux := setup(t, WithGuards(guardNoRetry()))
				var (
					mu   sync.Mutex
					sent []string
				)
				mux.HandleFunc(c.path, func(w http.ResponseWriter, r *http.Request) {
					vals := requestValues(t, r)
					mu.Lock()
					sent = vals
					mu.Unlock()
					write(w, strings.Join(vals, " | "))
				})
				err := c.call(context.Background(), client)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					t.Fatal("no error")
				}
				echoed := 0
				for _, s := range secrets {
					if strings.Contains(strings.Join(sent, " "), s) {
						echoed++
					}
				}
				if echoed == 0 {
					t.Fatalf("the call sent no secret (%q): the test proves nothing", sent)
				}
				msg := err.Error() + fmt.Sprintf(" %+v %#v", err, err)
				for _, s := range secrets {
					if strings.Contains(msg, s) {
						t.Fatalf("secret %q leaked in %q", s, msg)
					}
				}
			})
		}
	}
}

// TestTokenShapedValuesRedacted: a macaroon the call did not send (e.g. a
// server echoing some other user's token) is redacted too.
func TestTokenShapedValuesRedacted(t *testing.T) {
	client, mux := setup(t)
	const other = "MDAxNmxvY2F0aW9uIGZpbnF3YXJlCjAwMzRpZGVudGlmaWVy"
	mux.HandleFunc("/v1/accounts/get", func(w http.ResponseWriter, r *http.Request) {
		respond(w, 401, `{"code": "invalid_access_token", "message": "token `+other+` does not match"}`)
	})
	_, err := client.GetAccounts(context.Background(), testCreds)
	if err == nil || strings.Contains(err.Error(), other) || !strings.Contains(err.Error(), "token [REDACTED] does not match") {
		t.Fatalf("err %v", err)
	}
}

func TestStringersHideSecrets(t *testing.T) {
	client, _ := setup(t)
	tok := Token{AccessToken: testAccessToken, CredentialsID: testCredsID}
	for _, s := range []string{
		fmt.Sprintf("%v %+v %#v %s", client, client, client, client),
		fmt.Sprintf("%v %+v %#v", testCreds, testCreds, testCreds),
		fmt.Sprintf("%v %+v %#v", tok, tok, tok),
		fmt.Sprintf("%v %+v", &tok, &tok),
	} {
		for _, sec := range []string{testClientSecret, testAppKey, testAccessToken} {
			if strings.Contains(s, sec) {
				t.Fatalf("%q leaks %q", s, sec)
			}
		}
	}
	if !strings.Contains(fmt.Sprint(testCreds), testCredsID) {
		t.Error("Credentials lost its id")
	}
}
