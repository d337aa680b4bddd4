package flinks

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestGenerateAuthorizeToken(t *testing.T) {
	e := setup(t)
	e.handle("/BankingServices/GenerateAuthorizeToken", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testHeader(t, r, "flinks-auth-key", testSecretKey)
		testHeader(t, r, "x-api-key", "")
		testHeader(t, r, "Accept", "application/json")
		testNoBody(t, r)
		writeJSON(w, 200, `{"HttpStatusCode":200,"Token":"`+testToken+`"}`)
	})
	tok, err := e.client.GenerateAuthorizeToken(context.Background())
	if err != nil || tok != testToken {
		t.Fatalf("GenerateAuthorizeToken = %q, %v; want %q", tok, err, testToken)
	}
}

func TestGenerateAuthorizeTokenErrors(t *testing.T) {
	t.Run("no secret key", func(t *testing.T) {
		c, err := NewClient("https://example.test/v3/" + testCustomerID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.GenerateAuthorizeToken(context.Background()); err == nil {
			t.Fatal("want an error without a secret key")
		}
	})
	t.Run("bad secret key is ErrUnauthorized", func(t *testing.T) {
		e := setup(t)
		e.handle("/BankingServices/GenerateAuthorizeToken", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 401, `{"HttpStatusCode":401,"Message":"You must provide a valid auth key"}`)
		})
		_, err := e.client.GenerateAuthorizeToken(context.Background())
		if !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("err = %v; want ErrUnauthorized", err)
		}
	})
	t.Run("5xx is not retried", func(t *testing.T) {
		e := setup(t)
		var n atomic.Int32
		e.handle("/BankingServices/GenerateAuthorizeToken", counted(&n, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 503, `{"HttpStatusCode":503}`)
		}))
		_, err := e.client.GenerateAuthorizeToken(context.Background())
		if !errors.Is(err, ErrUpstream) || n.Load() != 1 {
			t.Fatalf("err = %v after %d calls; want ErrUpstream after 1", err, n.Load())
		}
	})
	t.Run("answer without token is malformed", func(t *testing.T) {
		e := setup(t)
		e.handle("/BankingServices/GenerateAuthorizeToken", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"HttpStatusCode":200}`)
		})
		_, err := e.client.GenerateAuthorizeToken(context.Background())
		if !errors.Is(err, ErrMalformedResponse) {
			t.Fatalf("err = %v; want ErrMalformedResponse", err)
		}
	})
}

const authorizeOK = `{"HttpStatusCode":200,"Links":[{"rel":"AccountsDetail","href":"/GetAccountsDetail","example":null}],
"Login":{"Username":"Greatday","IsScheduledRefresh":false,"LastRefresh":"2024-03-18T14:02:11.4411021","Type":"Personal","Id":"` + testLoginID + `"},
"Institution":"FlinksCapital","RequestId":"` + testRequestID + `"}`

func TestAuthorizeCached(t *testing.T) {
	e := setup(t)
	var tokens atomic.Int32
	e.handle("/BankingServices/GenerateAuthorizeToken", counted(&tokens, tokenHandler(t)))
	e.handle("/BankingServices/Authorize", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testHeader(t, r, "flinks-auth-key", testToken)
		testHeader(t, r, "x-api-key", "")
		testJSONBody(t, r, `{"LoginId":"`+testLoginID+`","MostRecentCached":true}`)
		writeJSON(w, 200, authorizeOK)
	})
	res, err := e.client.AuthorizeCached(context.Background(), testLoginID)
	if err != nil {
		t.Fatalf("AuthorizeCached: %v", err)
	}
	if res.RequestID != testRequestID || res.LoginID() != testLoginID || res.MFARequired() || tokens.Load() != 1 {
		t.Fatalf("got %+v after %d token calls", res, tokens.Load())
	}
	if got := res.Login.LastRefresh.Time; !got.Equal(time.Date(2024, 3, 18, 14, 2, 11, 441102100, time.UTC)) {
		t.Errorf("LastRefresh = %v", got)
	}
}

func TestAuthorizeTokenSources(t *testing.T) {
	t.Run("explicit token, no generation", func(t *testing.T) {
		e := setup(t)
		var tokens atomic.Int32
		e.handle("/BankingServices/GenerateAuthorizeToken", counted(&tokens, tokenHandler(t)))
		e.handle("/BankingServices/Authorize", func(w http.ResponseWriter, r *http.Request) {
			testHeader(t, r, "flinks-auth-key", "given-token")
			writeJSON(w, 200, authorizeOK)
		})
		_, err := e.client.Authorize(context.Background(), AuthorizeRequest{AuthorizeToken: "given-token", LoginID: testLoginID, MostRecentCached: true})
		if err != nil || tokens.Load() != 0 {
			t.Fatalf("err = %v, token calls = %d", err, tokens.Load())
		}
	})
	t.Run("legacy: no secret key, no header", func(t *testing.T) {
		e := setup(t)
		e.client.secretKey = ""
		e.handle("/BankingServices/Authorize", func(w http.ResponseWriter, r *http.Request) {
			if _, ok := r.Header["Flinks-Auth-Key"]; ok {
				t.Error("flinks-auth-key sent without a token")
			}
			writeJSON(w, 200, authorizeOK)
		})
		if _, err := e.client.AuthorizeCached(context.Background(), testLoginID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("token generation failure stops Authorize", func(t *testing.T) {
		e := setup(t)
		var auth atomic.Int32
		e.handle("/BankingServices/GenerateAuthorizeToken", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 401, `{"HttpStatusCode":401,"Message":"You must provide a valid auth key"}`)
		})
		e.handle("/BankingServices/Authorize", counted(&auth, func(w http.ResponseWriter, r *http.Request) {}))
		_, err := e.client.AuthorizeCached(context.Background(), testLoginID)
		if !errors.Is(err, ErrUnauthorized) || auth.Load() != 0 {
			t.Fatalf("err = %v, authorize calls = %d", err, auth.Load())
		}
	})
}

func TestAuthorizeMFA(t *testing.T) {
	e := setup(t)
	e.handle("/BankingServices/GenerateAuthorizeToken", tokenHandler(t))
	var step atomic.Int32
	e.handle("/BankingServices/Authorize", func(w http.ResponseWriter, r *http.Request) {
		switch step.Add(1) {
		case 1:
			testJSONBody(t, r, `{"Username":"Greatday","Password":"Everyday","Institution":"FlinksCapital","MostRecentCached":false,"Save":true}`)
			writeJSON(w, 203, `{"HttpStatusCode":203,"Links":[{"rel":"Authorization","href":"/Authorize","example":null}],
"SecurityChallenges":[{"Type":"QuestionAndAnswer","Prompt":"What city were you born in?"}],
"Institution":"FlinksCapital","RequestId":"`+testRequestID+`"}`)
		default:
			testJSONBody(t, r, `{"RequestId":"`+testRequestID+`","MostRecentCached":false,"SecurityResponses":{"What city were you born in?":["Montreal"]}}`)
			writeJSON(w, 200, authorizeOK)
		}
	})
	ctx := context.Background()
	res, err := e.client.Authorize(ctx, AuthorizeRequest{Username: "Greatday", Password: "Everyday", Institution: "FlinksCapital", Save: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.MFARequired() || len(res.SecurityChallenges) != 1 || res.SecurityChallenges[0].Type != "QuestionAndAnswer" {
		t.Fatalf("want a 203 challenge, got %+v", res)
	}
	res, err = e.client.Authorize(ctx, AuthorizeRequest{RequestID: res.RequestID,
		SecurityResponses: SecurityResponses{res.SecurityChallenges[0].Prompt: {"Montreal"}}})
	if err != nil || res.MFARequired() || res.LoginID() != testLoginID {
		t.Fatalf("answer: %+v, %v", res, err)
	}
}

func TestAuthorizeIsNotRetried(t *testing.T) {
	e := setup(t)
	e.handle("/BankingServices/GenerateAuthorizeToken", tokenHandler(t))
	var n atomic.Int32
	e.handle("/BankingServices/Authorize", counted(&n, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 503, `{"HttpStatusCode":503,"Message":"down"}`)
	}))
	_, err := e.client.AuthorizeCached(context.Background(), testLoginID)
	if !errors.Is(err, ErrUpstream) || n.Load() != 1 {
		t.Fatalf("err = %v after %d calls; want ErrUpstream after exactly 1", err, n.Load())
	}
}

func TestGetAccountsDetail(t *testing.T) {
	e := setup(t)
	e.handle("/BankingServices/GetAccountsDetail", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testHeader(t, r, "x-api-key", testAPIKey)
		testHeader(t, r, "flinks-auth-key", "")
		testHeader(t, r, "User-Agent", defaultUserAgent)
		testJSONBody(t, r, `{"RequestId":"`+testRequestID+`","WithAccountIdentity":true,"WithKYC":true,
"WithTransactions":true,"WithBalance":true,"DaysOfTransactions":"Days365",
"AccountsFilter":["ae1dac72-70da-4626-fed8-08d682e1ff4a"],"DateFrom":"2024-01-01"}`)
		writeJSON(w, 200, sampleDetail)
	})
	d, err := e.client.GetAccountsDetail(context.Background(), AccountsDetailRequest{
		RequestID: testRequestID, WithAccountIdentity: true, WithKYC: true, WithTransactions: true,
		WithBalance: true, DaysOfTransactions: Days365,
		AccountsFilter: []string{"ae1dac72-70da-4626-fed8-08d682e1ff4a"}, DateFrom: NewDate(2024, 1, 1),
	})
	if err != nil {
		t.Fatalf("GetAccountsDetail: %v", err)
	}
	if len(d.Accounts) != 1 || len(d.Accounts[0].Transactions) != 2 || d.InstitutionID != "14" || d.LoginID() != testLoginID {
		t.Fatalf("decoded %+v", d)
	}
	a := d.Accounts[0]
	amt, ok := a.Transactions[1].Amount()
	if !ok || AmountString(amt) != "-120.50" {
		t.Errorf("debit amount = %s, %v; want -120.50", AmountString(amt), ok)
	}
	if bal, ok := a.Balance.CurrentOrAvailable(); !ok || AmountString(bal) != "4812.37" {
		t.Errorf("balance = %v", bal)
	}
	h, ok := d.Holder()
	if !ok || h.Name != "Jane Sample" || h.Address.City != "Toronto" || h.PhoneNumber != "4165550123" {
		t.Errorf("holder = %+v", h)
	}
}

func TestGetAccountsDetailDefaultBody(t *testing.T) {
	e := setup(t)
	e.handle("/BankingServices/GetAccountsDetail", func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"RequestId":"`+testRequestID+`","WithAccountIdentity":false,"WithKYC":false,"WithTransactions":false,"WithBalance":false}`)
		writeJSON(w, 200, `{"HttpStatusCode":200,"Accounts":[],"RequestId":"`+testRequestID+`"}`)
	})
	if _, err := e.client.GetAccountsDetail(context.Background(), AccountsDetailRequest{RequestID: testRequestID}); err != nil {
		t.Fatal(err)
	}
}

func TestGetAccountsDetailPending(t *testing.T) {
	e := setup(t)
	e.handle("/BankingServices/GetAccountsDetail", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 202, pendingBody)
	})
	d, err := e.client.GetAccountsDetail(context.Background(), AccountsDetailRequest{RequestID: testRequestID})
	if d != nil || !errors.Is(err, ErrOperationPending) || errors.Is(err, ErrOperationDispatched) {
		t.Fatalf("got %v, %v; want ErrOperationPending", d, err)
	}
	rid, ok := PendingRequestID(err)
	if !ok || rid != testRequestID || !Temporary(err) {
		t.Fatalf("PendingRequestID = %q, %v", rid, ok)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 202 || apiErr.FlinksCode != CodeOperationPending {
		t.Fatalf("APIError = %+v", apiErr)
	}
}

func TestGetAccountsDetailDispatchedPartial(t *testing.T) {
	e := setup(t)
	e.handle("/BankingServices/GetAccountsDetail", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 202, `{"FlinksCode":"OPERATION_DISPATCHED","HttpStatusCode":202,
"Message":"Your operations had been dispatched to background process for long running jobs",
"RequestId":"`+testRequestID+`","Accounts":[{"Id":"ae1dac72-70da-4626-fed8-08d682e1ff4a","Title":"Chequing CAD"}]}`)
	})
	d, err := e.client.GetAccountsDetail(context.Background(), AccountsDetailRequest{RequestID: testRequestID})
	if !errors.Is(err, ErrOperationDispatched) || errors.Is(err, ErrOperationPending) {
		t.Fatalf("err = %v; want ErrOperationDispatched", err)
	}
	if d == nil || len(d.Accounts) != 1 {
		t.Fatalf("partial data = %+v; want 1 account", d)
	}
	if rid, ok := PendingRequestID(err); !ok || rid != testRequestID {
		t.Fatalf("PendingRequestID = %q", rid)
	}
}

func TestGetAccountsDetailAsync(t *testing.T) {
	e := setup(t)
	var n atomic.Int32
	e.handle("/BankingServices/GetAccountsDetailAsync/"+testRequestID, counted(&n, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testHeader(t, r, "x-api-key", testAPIKey)
		testNoBody(t, r)
		if n.Load() == 1 {
			writeJSON(w, 202, pendingBody)
			return
		}
		writeJSON(w, 200, sampleDetail)
	}))
	ctx := context.Background()
	if _, err := e.client.GetAccountsDetailAsync(ctx, testRequestID); !errors.Is(err, ErrOperationPending) {
		t.Fatalf("first poll err = %v; want pending", err)
	}
	d, err := e.client.GetAccountsDetailAsync(ctx, testRequestID)
	if err != nil || len(d.Accounts) != 1 {
		t.Fatalf("second poll = %v, %v", d, err)
	}
	if e.recordedSleeps() != nil {
		t.Errorf("a poll must not sleep: %v", e.recordedSleeps())
	}
	if _, err := e.client.GetAccountsDetailAsync(ctx, "../../DeleteCard/x"); err == nil || n.Load() != 2 {
		t.Fatalf("a non-GUID request id must be refused locally: %v", err)
	}
}

func TestWaitAccountsDetail(t *testing.T) {
	e := setup(t)
	e.handle("/BankingServices/GetAccountsDetail", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 202, pendingBody)
	})
	var polls atomic.Int32
	e.handle("/BankingServices/GetAccountsDetailAsync/"+testRequestID, counted(&polls, func(w http.ResponseWriter, r *http.Request) {
		if polls.Load() < 3 {
			writeJSON(w, 202, pendingBody)
			return
		}
		writeJSON(w, 200, sampleDetail)
	}))
	d, err := e.client.WaitAccountsDetail(context.Background(), AccountsDetailRequest{RequestID: testRequestID}, WaitOptions{})
	if err != nil || len(d.Accounts) != 1 {
		t.Fatalf("Wait = %v, %v", d, err)
	}
	want := []time.Duration{DefaultPollInterval, DefaultPollInterval, DefaultPollInterval}
	if got := e.recordedSleeps(); len(got) != 3 || got[0] != want[0] || got[2] != want[2] {
		t.Fatalf("sleeps = %v; want %v", got, want)
	}
}

func TestWaitAccountsDetailGivesUp(t *testing.T) {
	e := setup(t)
	e.handle("/BankingServices/GetAccountsDetail", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 202, pendingBody)
	})
	var polls atomic.Int32
	e.handle("/BankingServices/GetAccountsDetailAsync/"+testRequestID, counted(&polls, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 202, pendingBody)
	}))
	_, err := e.client.WaitAccountsDetail(context.Background(), AccountsDetailRequest{RequestID: testRequestID},
		WaitOptions{Interval: time.Minute, MaxWait: 5 * time.Minute})
	if !errors.Is(err, ErrPollTimeout) || !errors.Is(err, ErrOperationPending) {
		t.Fatalf("err = %v; want ErrPollTimeout and ErrOperationPending", err)
	}
	if polls.Load() != 5 || len(e.recordedSleeps()) != 5 {
		t.Fatalf("polls = %d, sleeps = %v; want 5 each", polls.Load(), e.recordedSleeps())
	}
}

func TestWaitAccountsDetailStopsOnOtherErrors(t *testing.T) {
	e := setup(t)
	e.handle("/BankingServices/GetAccountsDetail", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 202, pendingBody)
	})
	e.handle("/BankingServices/GetAccountsDetailAsync/"+testRequestID, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, `{"HttpStatusCode":400,"Message":"Inputs session id or card if were not found.","FlinksCode":"SESSION_NONEXISTENT"}`)
	})
	_, err := e.client.WaitAccountsDetail(context.Background(), AccountsDetailRequest{RequestID: testRequestID}, WaitOptions{})
	if !errors.Is(err, ErrSessionNonExistent) || len(e.recordedSleeps()) != 1 {
		t.Fatalf("err = %v, sleeps = %v", err, e.recordedSleeps())
	}
}

func TestGetAccountsSummary(t *testing.T) {
	e := setup(t)
	e.handle("/BankingServices/GetAccountsSummary", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testHeader(t, r, "x-api-key", testAPIKey)
		testJSONBody(t, r, `{"RequestId":"`+testRequestID+`","WithBalance":true}`)
		writeJSON(w, 200, `{"HttpStatusCode":200,"Accounts":[{"Id":"ae1dac72-70da-4626-fed8-08d682e1ff4a",
"Holder":"John Flinkyfoot","EftEligibleRatio":0.75,"ETransferEligibleRatio":1,"Balance":{"Current":12.5}}],"RequestId":"`+testRequestID+`"}`)
	})
	e.handle("/BankingServices/GetAccountsSummaryAsync/"+testRequestID, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testHeader(t, r, "x-api-key", testAPIKey)
		writeJSON(w, 202, pendingBody)
	})
	s, err := e.client.GetAccountsSummary(context.Background(), testRequestID)
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := s.Holder(); h.Name != "John Flinkyfoot" || s.Accounts[0].EftEligibleRatio.Decimal.String() != "0.75" {
		t.Fatalf("summary = %+v", s)
	}
	if _, err := e.client.GetAccountsSummaryAsync(context.Background(), testRequestID); !errors.Is(err, ErrOperationPending) {
		t.Fatalf("async err = %v", err)
	}
}

func TestDeleteCard(t *testing.T) {
	e := setup(t)
	var n atomic.Int32
	e.handle("/BankingServices/DeleteCard/"+testLoginID, counted(&n, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodDelete)
		testHeader(t, r, "x-api-key", testAPIKey)
		testNoBody(t, r)
		if n.Load() == 1 {
			writeJSON(w, 400, `{"HttpStatusCode":400,"Message":"The card is in use","FlinksCode":"CARD_IN_USE"}`)
			return
		}
		writeJSON(w, 200, `{"HttpStatusCode":200,"Message":"All of the information about LoginId `+testLoginID+` has been removed"}`)
	}))
	ctx := context.Background()
	err := e.client.DeleteCard(ctx, testLoginID)
	if !errors.Is(err, ErrCardInUse) || !Temporary(err) || n.Load() != 1 {
		t.Fatalf("first DeleteCard err = %v (%d calls); want ErrCardInUse, not retried", err, n.Load())
	}
	if strings.Contains(err.Error(), testLoginID) {
		t.Errorf("error %q holds the LoginId", err)
	}
	if err := e.client.DeleteCard(ctx, testLoginID); err != nil {
		t.Fatalf("second DeleteCard: %v", err)
	}
	if err := e.client.DeleteCard(ctx, "not-a-guid"); err == nil || n.Load() != 2 {
		t.Fatalf("a non-GUID LoginId must be refused locally")
	}
}

const fraudClean = `{"HttpStatusCode":200,"Message":"No Fraud Signal Detected",
"Login":{"LoginId":"` + testLoginID + `","RequestId":"c3d4e5f6"},
"DocumentAnalysis":[{"Status":"COMPLETED","FullAnalysis":[{"DocumentType":"BANK_STATEMENT","FraudSignals":[]}]}]}`

const fraudFound = `{"HttpStatusCode":200,
"Login":{"LoginId":"` + testLoginID + `","RequestId":"c3d4e5f6"},
"DocumentAnalysis":[{"Status":"COMPLETED","FullAnalysis":[{"DocumentType":"BANK_STATEMENT","FraudSignals":[
{"Type":"SIGNAL_TYPE","PageNumber":1,"Count":2,"UnderlyingData":[{"Details":[{"SpecificType":"delta","Value":"0.85","DataType":"float"}]}]}]}]}]}`

func TestGetFraudAnalysis(t *testing.T) {
	bodies := map[string]string{"clean": fraudClean, "found": fraudFound,
		"processing": `{"HttpStatusCode":200,"Login":{"LoginId":"` + testLoginID + `"},"DocumentAnalysis":[{"Status":"IN_REVIEW"}]}`}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			e := setup(t)
			e.handle("/upload/fraudanalysis/"+testLoginID, func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodGet)
				testHeader(t, r, "Authorization", "Bearer "+testAPISecret)
				testHeader(t, r, "x-api-key", "")
				writeJSON(w, 200, body)
			})
			f, err := e.client.GetFraudAnalysis(context.Background(), testLoginID)
			if err != nil {
				t.Fatal(err)
			}
			switch name {
			case "clean":
				if !f.Completed() || f.FraudDetected() || f.Message != "No Fraud Signal Detected" || f.Login.LoginID != testLoginID {
					t.Fatalf("clean = %+v", f)
				}
			case "found":
				s := f.Signals()
				if !f.Completed() || !f.FraudDetected() || f.Message != "" || len(s) != 1 || s[0].PageNumber != 1 || s[0].Count != 2 ||
					s[0].UnderlyingData[0].Details[0].Value != "0.85" {
					t.Fatalf("found = %+v", f)
				}
			case "processing":
				if f.Completed() || f.DocumentAnalysis[0].Status != "IN_REVIEW" {
					t.Fatalf("processing = %+v", f)
				}
			}
		})
	}
}

func TestGetFraudAnalysisNeedsSecret(t *testing.T) {
	c, err := NewClient("https://example.test/v3/" + testCustomerID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetFraudAnalysis(context.Background(), testLoginID); err == nil {
		t.Fatal("want an error without WithAPISecret")
	}
}
