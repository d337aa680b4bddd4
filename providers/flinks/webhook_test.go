package flinks

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"regexp"
	"testing"
)

// nodeFlinksVector is the node-flinks test vector (providers.md §1.8).
const nodeFlinksVector = `{"ResponseType":"GetAccountsDetail","HttpStatusCode":200,"Accounts":[{"TransitNumber":"77777","InstitutionNumber":"777","OverdraftLimit":0,"Title":"Chequing CAD","AccountNumber":"1111000","Category":"Operations","Type":"Chequing","Currency":"CAD","Id":"ae1dac72-70da-4626-fed8-08d682e1ff4a"}],"Login":{"Username":"Greatday","IsScheduledRefresh":false,"LastRefresh":"2019-05-09T13:47:46.5227901","Type":"Personal","Id":"5e115eac-1209-4f19-641c-08d6d484e2fe"},"Institution":"FlinksCapital","RequestId":"1243c283-e0ca-4fda-a5e4-343068430190"}`

func TestWebhookVectors(t *testing.T) {
	tests := []struct{ body, want string }{
		{nodeFlinksVector, "nLYJnRna62Xi08IQQfeKjkR1avL8c947yXsBXUDbjTY="},
		{`{"ResponseType":"KYC","HttpStatusCode":200}`, "Xx8aSUAi3H0pBdcBCz8sJB+tA+mCEVRod121/S/9S98="},
	}
	for _, tt := range tests {
		if got := SignWebhook([]byte("secret"), []byte(tt.body)); got != tt.want {
			t.Errorf("SignWebhook = %s; want %s", got, tt.want)
		}
		for _, name := range []string{WebhookSignatureHeader, WebhookSignatureHeaderAlt, "FLINKS-AUTHENTICITY-KEY"} {
			h := http.Header{}
			h.Set(name, tt.want)
			if err := VerifyWebhook([]byte("secret"), []byte(tt.body), h); err != nil {
				t.Errorf("VerifyWebhook with %s: %v", name, err)
			}
		}
	}
}

// TestWebhookBadSignatures is the reliability.md goal 1 matrix: every case
// must fail with ErrInvalidWebhook and its specific reason.
func TestWebhookBadSignatures(t *testing.T) {
	secret := []byte("webhook-secret")
	body := []byte(nodeFlinksVector)
	good := SignWebhook(secret, body)
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	hexSig := hex.EncodeToString(mac.Sum(nil))

	var reserialized bytes.Buffer
	if err := json.Indent(&reserialized, body, "", " "); err != nil {
		t.Fatal(err)
	}
	oneByte := append([]byte(nil), body...)
	oneByte[len(oneByte)-3] ^= 0x01

	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Add(kv[i], kv[i+1])
		}
		return h
	}
	tests := []struct {
		name   string
		secret []byte
		body   []byte
		header http.Header
		want   error
	}{
		{"no header", secret, body, hdr(), ErrWebhookSignatureMissing},
		{"unset secret fails closed", nil, body, hdr(WebhookSignatureHeader, SignWebhook(nil, body)), ErrWebhookSecretUnset},
		{"wrong secret", secret, body, hdr(WebhookSignatureHeader, SignWebhook([]byte("other"), body)), ErrWebhookSignatureMismatch},
		{"body changed by one byte", secret, oneByte, hdr(WebhookSignatureHeader, good), ErrWebhookSignatureMismatch},
		{"JSON re-serialised", secret, reserialized.Bytes(), hdr(WebhookSignatureHeader, good), ErrWebhookSignatureMismatch},
		{"signature of another body", secret, body, hdr(WebhookSignatureHeader, SignWebhook(secret, []byte(`{"ResponseType":"KYC"}`))), ErrWebhookSignatureMismatch},
		{"empty body", secret, []byte{}, hdr(WebhookSignatureHeader, good), ErrWebhookEmptyBody},
		{"empty body signed", secret, []byte{}, hdr(WebhookSignatureHeader, SignWebhook(secret, nil)), ErrWebhookEmptyBody},
		{"hex instead of base64", secret, body, hdr(WebhookSignatureHeader, hexSig), ErrWebhookSignatureMalformed},
		{"not base64", secret, body, hdr(WebhookSignatureHeader, "%%%"), ErrWebhookSignatureMalformed},
		{"unpadded base64", secret, body, hdr(WebhookSignatureHeader, good[:len(good)-1]), ErrWebhookSignatureMalformed},
		{"empty header", secret, body, hdr(WebhookSignatureHeader, ""), ErrWebhookSignatureMalformed},
		{"two values", secret, body, hdr(WebhookSignatureHeader, good, WebhookSignatureHeader, good), ErrWebhookSignatureMalformed},
		{"one good and one bad header", secret, body, hdr(WebhookSignatureHeader, good, WebhookSignatureHeaderAlt, SignWebhook([]byte("x"), body)), ErrWebhookSignatureMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyWebhook(tt.secret, tt.body, tt.header)
			if !errors.Is(err, ErrInvalidWebhook) || !errors.Is(err, tt.want) {
				t.Fatalf("VerifyWebhook = %v; want %v", err, tt.want)
			}
		})
	}
	if err := VerifyWebhook(secret, body, hdr(WebhookSignatureHeader, good, WebhookSignatureHeaderAlt, good)); err != nil {
		t.Fatalf("both headers valid: %v", err)
	}
}

// TestWebhookCompareIsConstantTime keeps MAC comparisons on hmac.Equal
// (reliability.md goal 1: no == over MAC values).
func TestWebhookCompareIsConstantTime(t *testing.T) {
	src, err := os.ReadFile("webhook.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte("hmac.Equal(")) {
		t.Fatal("webhook.go must compare with hmac.Equal")
	}
	bad := regexp.MustCompile(`(?i)(want|got|mac|sig)\w*\s*[!=]=\s*\w*(want|got|mac|sig)|bytes\.Equal\(\s*(want|got|mac)|subtle\.`)
	if m := bad.Find(src); m != nil {
		t.Fatalf("webhook.go compares MACs outside hmac.Equal: %q", m)
	}
}

func TestParseWebhookAccountsDetail(t *testing.T) {
	ev, err := ParseWebhook([]byte(nodeFlinksVector))
	if err != nil {
		t.Fatal(err)
	}
	if ev.ResponseType != WebhookGetAccountsDetail || ev.LoginID != "5e115eac-1209-4f19-641c-08d6d484e2fe" ||
		ev.RequestID != "1243c283-e0ca-4fda-a5e4-343068430190" || ev.Detail == nil || len(ev.Detail.Accounts) != 1 ||
		ev.Detail.Accounts[0].TransitNumber != "77777" || ev.Detail.LoginID() != ev.LoginID || string(ev.Raw) != nodeFlinksVector {
		t.Fatalf("event = %+v", ev)
	}
}

func TestParseWebhookKYC(t *testing.T) {
	body := `{"ResponseType":"KYC","HttpStatusCode":200,"Holders":[{"Name":"Ron Swanson",
"Address":{"CivicAddress":"1001 Rue Lenoir Suite A114","City":"Montreal","Province":"QC","PostalCode":"H4C 2Z6","POBox":null,"Country":"CA"},
"Email":"ron@example.com","PhoneNumber":"(555)555-555"}],
"Login":{"Username":"Greatday","IsScheduledRefresh":false,"LastRefresh":"2019-06-21T16:24:16.207644","Type":"Personal","Id":"5e115eac-1209-4f19-641c-08d6d484e2fe"},
"Institution":"FlinksCapital","RequestId":"1243c283-e0ca-4fda-a5e4-343068430190"}`
	ev, err := ParseWebhook([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if ev.ResponseType != WebhookKYC || ev.Detail != nil || len(ev.Holders) != 1 || ev.Holders[0].Address.City != "Montreal" ||
		ev.LoginID != "5e115eac-1209-4f19-641c-08d6d484e2fe" {
		t.Fatalf("event = %+v", ev)
	}
}

func TestParseWebhookOtherShapes(t *testing.T) {
	ev, err := ParseWebhook([]byte(`{"ResponseType":"Investments","LoginId":"5e115eac-1209-4f19-641c-08d6d484e2fe","HttpStatusCode":"200"}`))
	if err != nil || ev.LoginID == "" || ev.HTTPStatusCode != 200 || ev.Detail != nil {
		t.Fatalf("event = %+v, %v", ev, err)
	}
	if _, err := ParseWebhook([]byte(`{"ResponseType":`)); !errors.Is(err, ErrMalformedResponse) {
		t.Fatalf("truncated body: %v", err)
	}
}
