package flankssim

import (
	"net/http"
	"testing"
)

// TestRestart_LinksGetNewTokens plays a simulator restart: two servers with
// the same seed each complete one Link. The tokens and codes a restarted
// simulator issues must not repeat those of the previous run, or a new link
// would be handed the credentials_token of an existing connection.
func TestRestart_LinksGetNewTokens(t *testing.T) {
	first, second := newSim(t, Options{Seed: 7}), newSim(t, Options{Seed: 7})
	var results [2]LinkResult
	var flows [2]string
	for i, s := range []*sim{first, second} {
		res, err := s.srv.CompleteLink(LinkCompletion{Bank: "testbank", ExternalID: "user-1", Password: "XXXX"})
		if err != nil {
			t.Fatal(err)
		}
		results[i] = res
		// The exchanged code gives the token it was issued for.
		ex := decodeObject(t, s.post("/v0/platform/link", map[string]any{"code": res.Code}, http.StatusOK))
		if ex["credentials_token"] != res.CredentialsToken {
			t.Fatalf("run %d: exchange gave %v, want %v", i, ex["credentials_token"], res.CredentialsToken)
		}
		forced := decodeObject(t, s.call(http.MethodPut, credentialsPath+"status",
			map[string]any{"credentials_token": res.CredentialsToken, "force": "sca"}, http.StatusOK))
		flows[i], _ = forced["sca_token"].(string)
	}
	if results[0].CredentialsToken == results[1].CredentialsToken {
		t.Errorf("both runs issued credentials_token %s", results[0].CredentialsToken)
	}
	if results[0].Code == results[1].Code {
		t.Errorf("both runs issued link code %s", results[0].Code)
	}
	if flows[0] == "" || flows[0] == flows[1] {
		t.Errorf("sca tokens %q and %q: want two different tokens", flows[0], flows[1])
	}
	if first.token == second.token {
		t.Error("both runs issued the same access token")
	}
	// The second run's simulator does not know the first run's token.
	second.post(credentialsPath+"status", map[string]any{"credentials_token": results[0].CredentialsToken}, http.StatusBadRequest)
}

// TestRestart_DemoDataStaysDeterministic checks what the fix keeps: demo
// credentials created without a token get the same token, and the same data,
// from the same seed and calls; an explicit token is kept as given, with data
// that depends only on the seed and that token.
func TestRestart_DemoDataStaysDeterministic(t *testing.T) {
	first, second := newSim(t, Options{Seed: 7}), newSim(t, Options{Seed: 7})
	var toks [2]string
	var data, pinned [2][]byte
	for i, s := range []*sim{first, second} {
		toks[i] = s.create("santander", "user-42", "XXXX")
		data[i] = s.post(credentialsPath+"data", map[string]any{"credentials_token": toks[i]}, http.StatusOK)
		tok, err := s.srv.AddCredentials(NewCredentials{Token: "demo-token-1", Bank: "bbva"})
		if err != nil || tok != "demo-token-1" {
			t.Fatalf("AddCredentials with a Token gave %q, %v", tok, err)
		}
		pinned[i] = s.post(credentialsPath+"data", map[string]any{"credentials_token": tok}, http.StatusOK)
	}
	if toks[0] != toks[1] {
		t.Errorf("demo tokens %s and %s differ for the same seed", toks[0], toks[1])
	}
	if string(data[0]) != string(data[1]) || string(pinned[0]) != string(pinned[1]) {
		t.Error("same seed and token gave different movements")
	}
}
