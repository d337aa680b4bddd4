package flinks

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"
)

// AuthorizeTokenTTL is how long an unused authorize token stays valid
// (https://docs.flinks.com/reference/step-2-generate-authorize-token).
const AuthorizeTokenTTL = 30 * time.Minute

// GenerateAuthorizeToken returns a one-use authorize token, valid 30
// minutes if unused, for Authorize (flinks-auth-key) or the Connect iframe
// (authorizeToken=). It needs WithSecretKey
// (https://docs.flinks.com/api/authorize/endpoints/generate-authorize-token).
//
// POST .../BankingServices/GenerateAuthorizeToken, header flinks-auth-key:
// <secret key>, no body. The answer's field is not documented; the client
// reads "Token" (or "AuthorizeToken"). The call is not retried: each
// attempt would mint a token, and the caller can simply ask again.
func (c *Client) GenerateAuthorizeToken(ctx context.Context) (string, error) {
	if c.secretKey == "" {
		return "", errors.New("flinks: GenerateAuthorizeToken needs a secret key (WithSecretKey)")
	}
	var out struct {
		Token          string `json:"Token"`
		AuthorizeToken string `json:"AuthorizeToken"`
	}
	r := &request{
		method: http.MethodPost, path: "/BankingServices/GenerateAuthorizeToken",
		label:  "POST /BankingServices/GenerateAuthorizeToken",
		header: http.Header{"Flinks-Auth-Key": {c.secretKey}},
	}
	if err := c.do(ctx, r, &out); err != nil {
		return "", err
	}
	tok := out.Token
	if tok == "" {
		tok = out.AuthorizeToken
	}
	if tok == "" || checkHeaderValue(tok) != nil {
		return "", malformed(r, http.StatusOK, "no token in the answer")
	}
	return tok, nil
}

// SecurityResponses answers MFA prompts: prompt text -> answers
// (https://docs.flinks.com/guides/connect/legacy-api-integrations).
type SecurityResponses map[string][]string

// SecurityChallenge is one MFA prompt of a 203 Authorize answer
// (https://docs.flinks.com/docs/authorize-1).
type SecurityChallenge struct {
	// Type is e.g. "QuestionAndAnswer", "TextOrCall", "ImageSelection".
	Type      string   `json:"Type"`
	Prompt    string   `json:"Prompt"`
	Iterables []string `json:"Iterables,omitempty"`
}

// AuthorizeRequest is the body of /Authorize
// (https://docs.flinks.com/reference/opening-a-session). Cached mode sets
// LoginID and MostRecentCached; live mode sets Username, Password and
// Institution (or LoginID with MostRecentCached false to refresh), and
// answers a 203 with RequestID and SecurityResponses.
type AuthorizeRequest struct {
	// AuthorizeToken is sent as flinks-auth-key, never in the body. When
	// empty, Authorize fetches one with GenerateAuthorizeToken if the
	// client has a secret key, and otherwise sends no header (legacy
	// integrations).
	AuthorizeToken string `json:"-"`

	LoginID           string            `json:"LoginId,omitempty"`
	MostRecentCached  bool              `json:"MostRecentCached"`
	Username          string            `json:"Username,omitempty"`
	Password          string            `json:"Password,omitempty"`
	Institution       string            `json:"Institution,omitempty"`
	Language          string            `json:"Language,omitempty"`
	Save              bool              `json:"Save,omitempty"`
	Tag               string            `json:"Tag,omitempty"`
	ScheduleRefresh   bool              `json:"ScheduleRefresh,omitempty"`
	RequestID         string            `json:"RequestId,omitempty"`
	SecurityResponses SecurityResponses `json:"SecurityResponses,omitempty"`
}

// secrets lists the request's values that must not reach an error message.
func (r *AuthorizeRequest) secrets() []string {
	s := []string{r.AuthorizeToken, r.LoginID, r.Password, r.Username}
	for _, answers := range r.SecurityResponses {
		s = append(s, answers...)
	}
	return s
}

// AuthorizeResponse is a 200 or 203 answer of /Authorize.
type AuthorizeResponse struct {
	HTTPStatusCode int        `json:"HttpStatusCode"`
	Links          []Link     `json:"Links"`
	Login          *Login     `json:"Login"`
	Institution    string     `json:"Institution"`
	InstitutionID  FlexString `json:"InstitutionId"`
	// RequestID opens the data session (GetAccountsDetail and friends);
	// after a 203 it is also the id to answer the challenges with.
	RequestID          string              `json:"RequestId"`
	SecurityChallenges []SecurityChallenge `json:"SecurityChallenges"`
}

// MFARequired reports a 203 answer: send Authorize again with RequestID
// and SecurityResponses for SecurityChallenges.
func (r *AuthorizeResponse) MFARequired() bool {
	return r.HTTPStatusCode == http.StatusNonAuthoritativeInfo || len(r.SecurityChallenges) > 0
}

// LoginID returns Login.Id, or "".
func (r *AuthorizeResponse) LoginID() string {
	if r.Login == nil {
		return ""
	}
	return r.Login.ID
}

// Authorize opens a session on a login and returns its RequestId
// (https://docs.flinks.com/api/authorize/endpoints/authorize). A 203 (MFA
// in live mode) is returned without error; see MFARequired.
//
// It is never retried: the authorize token is single-use, so a second
// attempt would be refused even when the first never arrived.
func (c *Client) Authorize(ctx context.Context, req AuthorizeRequest) (*AuthorizeResponse, error) {
	if req.LoginID == "" && req.Username == "" && req.RequestID == "" {
		return nil, errors.New("flinks: Authorize needs a LoginID, credentials or a RequestID")
	}
	if req.AuthorizeToken == "" && c.secretKey != "" {
		tok, err := c.GenerateAuthorizeToken(ctx)
		if err != nil {
			return nil, err
		}
		req.AuthorizeToken = tok
	}
	r := &request{
		method: http.MethodPost, path: "/BankingServices/Authorize",
		label: "POST /BankingServices/Authorize", body: &req, secrets: req.secrets(),
	}
	if req.AuthorizeToken != "" {
		if checkHeaderValue(req.AuthorizeToken) != nil {
			return nil, errors.New("flinks: invalid authorize token")
		}
		r.header = http.Header{"Flinks-Auth-Key": {req.AuthorizeToken}}
	}
	var out AuthorizeResponse
	if err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	if out.RequestID == "" {
		return nil, malformed(r, http.StatusOK, "no RequestId in the answer")
	}
	return &out, nil
}

// AuthorizeCached opens a cached-mode session (MostRecentCached: true) on
// loginID, the recommended mode after Flinks Connect
// (https://docs.flinks.com/docs/receive-data-from-us).
func (c *Client) AuthorizeCached(ctx context.Context, loginID string) (*AuthorizeResponse, error) {
	if loginID == "" {
		return nil, errors.New("flinks: empty LoginId")
	}
	return c.Authorize(ctx, AuthorizeRequest{LoginID: loginID, MostRecentCached: true})
}

// pathID validates an id placed in a URL path (Flinks ids are GUIDs) and
// escapes it.
func pathID(kind, id string) (string, error) {
	if _, err := uuid.Parse(id); err != nil {
		return "", errors.New("flinks: " + kind + " must be a GUID")
	}
	return url.PathEscape(id), nil
}
