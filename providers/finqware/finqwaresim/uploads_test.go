package finqwaresim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
)

// depositToUpload runs the marketplace skill up to the kyc_upload step.
func (e *env) depositToUpload() (sessionReply, stepReply) {
	e.t.Helper()
	s := e.createSession(SkillDeposit, "")
	st := e.okStep(s.SessionID, s.Nonce, SkillDeposit, StepProductForm,
		map[string]any{"value": "2500.50", "currency": "EUR", "period": "6"})
	kyc := e.okStep(s.SessionID, st.Nonce, SkillDeposit, StepKYCUpload, map[string]any{"document_type": "id_card"})
	return s, kyc
}

func TestMarketplaceFlowWithUpload(t *testing.T) {
	e := newEnv(t, Options{})
	s, kyc := e.depositToUpload()
	confirm := map[string]any{"accept_terms": true}
	e.step(s.SessionID, kyc.Nonce, SkillDeposit, StepConfirmation, confirm).wantError(t, 400, "invalid_step")

	doc := bytes.Repeat([]byte("%PDF-1.7 id card "), 100)
	r := e.upload(e.root+"/steps/"+kyc.StepID+"/upload", kyc.Nonce, "id.pdf", "application/pdf", doc)
	if r.status != 200 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	var up uploadAnswer
	r.json(t, &up)
	if up.Nonce == "" || up.Nonce == kyc.Nonce || up.Size != int64(len(doc)) || up.StepID != kyc.StepID || up.FileName != "id.pdf" {
		t.Fatalf("upload answer %+v", up)
	}
	// The upload consumed the step's nonce.
	e.step(s.SessionID, kyc.Nonce, SkillDeposit, StepConfirmation, confirm).wantError(t, 401, "invalid_nonce")
	e.step(s.SessionID, up.Nonce, SkillDeposit, StepConfirmation, map[string]any{"accept_terms": false}).
		wantError(t, 400, "invalid_field")
	done := e.okStep(s.SessionID, up.Nonce, SkillDeposit, StepConfirmation, confirm)
	if done.Status != StatusCompleted || done.TempToken == "" || done.Nonce != "" {
		t.Fatalf("last step %+v: want SESSION_COMPLETED with temp_token and no nonce", done)
	}
	ups := e.sim.Uploads(s.SessionID)
	sum := sha256.Sum256(doc)
	if len(ups) != 1 || ups[0].Step != StepKYCUpload || ups[0].ContentType != "application/pdf" ||
		!bytes.Equal(ups[0].Data, doc) || ups[0].SHA256 != hex.EncodeToString(sum[:]) || ups[0].SessionID != s.SessionID {
		t.Fatalf("recorded uploads %+v", ups)
	}
	tok := e.exchange("/token", done.TempToken)
	var accts []accountWire
	e.data("/accounts/get", tok, nil).json(t, &accts)
	if len(accts) != 1 || accts[0].Data.AccountType != "Term deposit" || accts[0].Data.Currency != "EUR" ||
		accts[0].Data.Balances[0].BalanceAmount != "2500.50" {
		t.Fatalf("deposit accounts %+v", accts)
	}
}

func TestUploadErrors(t *testing.T) {
	e := newEnv(t, Options{MaxUploadBytes: 1000})
	s, kyc := e.depositToUpload()
	v1 := e.base + "/steps/" + kyc.StepID + "/upload"
	tests := []struct {
		name, url, nonce, ct string
		size                 int
		status               int
		code                 string
	}{
		{"too large", v1, kyc.Nonce, "application/pdf", 1001, 400, "invalid_input"},
		{"type not accepted", v1, kyc.Nonce, "text/plain", 10, 400, "invalid_input"},
		{"wrong nonce", v1, "nope", "application/pdf", 10, 401, "invalid_nonce"},
		{"unknown step", e.base + "/steps/nope/upload", kyc.Nonce, "application/pdf", 10, 404, "invalid_step"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.upload(tt.url, tt.nonce, "f", tt.ct, make([]byte, tt.size)).wantError(t, tt.status, tt.code)
		})
	}
	// Uploads to a step that takes none.
	e.sim.mu.Lock()
	first := e.sim.sessions[s.SessionID].steps[0].id
	e.sim.mu.Unlock()
	e.upload(e.base+"/steps/"+first+"/upload", kyc.Nonce, "f", "application/pdf", []byte("x")).
		wantError(t, 400, "invalid_step")
	e.do(http.MethodPost, v1, "application/json", strings.NewReader("{}")).wantError(t, 400, "invalid_headers")
	// Exactly at the cap is accepted, and nothing refused was recorded.
	if r := e.upload(v1, kyc.Nonce, "f.png", "image/png", make([]byte, 1000)); r.status != 200 {
		t.Fatalf("upload at the cap: %d %s", r.status, r.body)
	}
	if n := len(e.sim.Uploads(s.SessionID)); n != 1 {
		t.Fatalf("%d uploads recorded, want 1", n)
	}
}
