package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"time"

	"github.com/fingraph/fingraph/providers/flinks"
)

// client speaks to the server over HTTP, as a frontend and Flinks do.
type client struct {
	base string
	http *http.Client
}

func newClient(base string) *client {
	return &client{base: base, http: &http.Client{Timeout: 15 * time.Second}}
}

// gqlResponse is a GraphQL answer; any error entry fails the operation.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// graphql runs one operation and decodes data into out. An operation is
// acknowledged only by a 200 without errors.
func (c *client) graphql(ctx context.Context, token, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return c.do(req, out)
}

// upload sends files to uploadStatements (GraphQL multipart request spec)
// and returns the upload's global ID.
func (c *client) upload(ctx context.Context, token string, files [][]byte) (string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	vars := make([]any, len(files))
	fmap := map[string][]string{}
	for i := range files {
		fmap[fmt.Sprint(i)] = []string{fmt.Sprintf("variables.f.%d", i)}
	}
	ops, _ := json.Marshal(map[string]any{"query": `mutation($f:[Upload!]!){uploadStatements(files:$f){id status}}`,
		"variables": map[string]any{"f": vars}})
	mapJSON, _ := json.Marshal(fmap)
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", string(mapJSON))
	for i, f := range files {
		w, err := mw.CreateFormFile(fmt.Sprint(i), fmt.Sprintf("statement-%d.pdf", i))
		if err != nil {
			return "", err
		}
		_, _ = w.Write(f)
	}
	if err := mw.Close(); err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/graphql", &buf)
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("GraphQL-Require-Preflight", "1")
	var out struct {
		UploadStatements struct{ ID string } `json:"uploadStatements"`
	}
	if err := c.do(req, &out); err != nil {
		return "", err
	}
	return out.UploadStatements.ID, nil
}

func (c *client) do(req *http.Request, out any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, raw)
	}
	var g gqlResponse
	if err := json.Unmarshal(raw, &g); err != nil {
		return fmt.Errorf("decode: %v", err)
	}
	if len(g.Errors) > 0 {
		return fmt.Errorf("graphql: %s (%v)", g.Errors[0].Message, g.Errors[0].Extensions["code"])
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(g.Data, out)
}

// webhook posts a delivery signed with secret, as Flinks does, and
// returns the status code (0 when no answer came).
func (c *client) webhook(ctx context.Context, secret, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/webhooks/flinks", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(flinks.WebhookSignatureHeader, flinks.SignWebhook(secret, body))
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}
