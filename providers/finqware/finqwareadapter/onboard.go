package finqwareadapter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/finqware"
)

// nonceTTL is how long a Finqware nonce lives (seed: "Currently the nonce
// expires in 30 minutes").
const nonceTTL = 30 * time.Minute

// session is the sealed state of an onboarding session: Finqware's session
// id, the nonce of the next call, and the id of the step submitted last
// (for its uploads).
type session struct {
	SessionID string `json:"session_id"`
	Nonce     string `json:"nonce"`
	StepID    string `json:"step_id,omitempty"`
	UserRef   string `json:"user_ref,omitempty"`
}

// skillTypes maps Finqware's skill types to the neutral ones.
var skillTypes = map[finqware.SkillType]provider.SkillType{
	finqware.SkillAISP: provider.SkillAccountInformation, finqware.SkillPISP: provider.SkillPaymentInitiation,
	finqware.SkillMarketplace: provider.SkillMarketplace,
}

// Skills implements provider.Onboarder with the catalog.
func (a *Adapter) Skills(ctx context.Context) ([]provider.Skill, error) {
	list, err := a.c.ListSkills(ctx, nil)
	if err != nil {
		return nil, classify(err)
	}
	out := make([]provider.Skill, 0, len(list))
	for _, s := range list {
		sk := provider.Skill{ID: s.Name, Provider: models.ProviderFinqware, Name: s.ServicerName,
			Type: skillTypes[s.Type], Institution: s.ServicerName, Country: s.Country, Sandbox: s.Sandbox}
		for _, st := range s.Steps {
			sk.Steps = append(sk.Steps, stepDef(st))
		}
		out = append(out, sk)
	}
	return out, nil
}

// redirectField is the field of a redirect step that names where the bank
// sends the user back; the server fills it (with its callback, unless the
// UI passes its own), so it is not a field the UI must fill.
const redirectField = "psu_redirect_link"

func stepDef(st finqware.StepDefinition) provider.StepDef {
	d := provider.StepDef{Name: st.Name, Kind: provider.StepKind(st.Kind), Title: st.Title}
	for _, f := range st.Fields {
		if f.Name == redirectField && st.Kind == finqware.StepRedirect {
			continue
		}
		d.Fields = append(d.Fields, provider.FieldDef{Name: f.Name, Type: string(f.Type), Required: f.Required,
			Options: f.Options, Description: f.Description})
	}
	if u := st.Upload; u != nil {
		d.Upload = &provider.UploadSpec{MaxBytes: u.MaxBytes, ContentTypes: u.ContentTypes, MinFiles: u.MinFiles}
	}
	return d
}

// StartSession implements provider.Onboarder with POST /sessions.
func (a *Adapter) StartSession(ctx context.Context, skill, tenantUserID string) (*provider.Turn, error) {
	s, err := a.c.CreateSession(ctx, finqware.CreateSessionRequest{Skill: skill, TenantUserID: tenantUserID})
	if err != nil {
		return nil, classify(err)
	}
	return turn(session{SessionID: s.SessionID, Nonce: s.Nonce, UserRef: tenantUserID}, nil, "")
}

// SubmitStep implements provider.Onboarder with POST
// /sessions/{id}/steps. A redirect step gets the callback URL as its
// psu_redirect_link, whatever the UI sent.
func (a *Adapter) SubmitStep(ctx context.Context, raw models.JSON, sub provider.StepSubmission) (*provider.Turn, error) {
	var s session
	if err := json.Unmarshal(raw, &s); err != nil || s.SessionID == "" {
		return nil, errors.New("finqwareadapter: no session state")
	}
	data := map[string]any{}
	if len(sub.Data) > 0 {
		if err := json.Unmarshal(sub.Data, &data); err != nil {
			return nil, apperr.Invalid("the step data must be a JSON object")
		}
	}
	if sub.CallbackURL != "" {
		data[redirectField] = sub.CallbackURL
	}
	res, err := a.c.SubmitStep(ctx, s.SessionID, finqware.StepRequest{Nonce: s.Nonce, Skill: sub.Skill, Step: sub.Step, Data: data})
	if err != nil {
		return nil, classify(err)
	}
	s.Nonce, s.StepID = res.Nonce, res.StepID
	t, err := turn(s, res.Data, res.TempToken)
	if err == nil {
		if rd, ok := res.Redirect(); ok {
			t.Redirect, t.Public = &provider.Redirect{Method: rd.Method, URL: rd.URL}, nil
		}
	}
	return t, err
}

// UploadDocument implements provider.Onboarder with POST
// /steps/{step_id}/upload.
func (a *Adapter) UploadDocument(ctx context.Context, raw models.JSON, doc provider.Document) (*provider.Turn, error) {
	var s session
	if err := json.Unmarshal(raw, &s); err != nil || s.StepID == "" {
		return nil, apperr.Invalid("submit the step before uploading its documents")
	}
	res, err := a.c.UploadStepFile(ctx, s.StepID, finqware.UploadRequest{Nonce: s.Nonce, FileName: doc.FileName,
		ContentType: doc.ContentType, Body: doc.Body})
	if err != nil {
		return nil, classify(err)
	}
	s.Nonce = res.Nonce
	return turn(s, nil, "")
}

// Finish implements provider.Onboarder with the server-side token
// exchange: the new connection's handle is the credentials_id, its state
// the access_token and consent expiry.
func (a *Adapter) Finish(ctx context.Context, raw models.JSON, tempToken string) (*provider.Link, error) {
	var s session
	_ = json.Unmarshal(raw, &s) // only the tenant user id is read from it
	tok, err := a.c.ExchangeToken(ctx, tempToken)
	if err != nil {
		return nil, classify(err)
	}
	st, err := json.Marshal(state{AccessToken: tok.AccessToken, ConsentExp: tok.ConsentExp, UserRef: s.UserRef})
	if err != nil {
		return nil, fmt.Errorf("finqwareadapter: encode state: %w", err)
	}
	return &provider.Link{Ref: tok.CredentialsID, State: st}, nil
}

// TokenFromRedirect implements provider.Onboarder: the temp_token of the
// bank's redirect, or ErrConsentDenied.
func (a *Adapter) TokenFromRedirect(redirectURL string) (string, error) {
	if _, err := url.Parse(redirectURL); err != nil {
		return "", apperr.Invalid("invalid redirect URL")
	}
	tok, err := finqware.TempTokenFromRedirect(redirectURL)
	if errors.Is(err, finqware.ErrConsentDenied) {
		return "", &provider.Failure{Kind: apperr.ErrConsentDenied, Code: provider.CodeConsent, Err: err}
	}
	if err != nil {
		return "", apperr.Invalid("the redirect URL carries no token")
	}
	return tok, nil
}

// turn seals s into a Turn whose state lapses with the nonce.
func turn(s session, public json.RawMessage, token string) (*provider.Turn, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("finqwareadapter: encode session: %w", err)
	}
	return &provider.Turn{State: b, Public: public, Token: token, ExpiresAt: time.Now().Add(nonceTTL)}, nil
}
