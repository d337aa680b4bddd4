package finqware_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fingraph/fingraph/providers/finqware"
	"github.com/fingraph/fingraph/providers/finqware/finqwaresim"
)

// The whole AISP flow against the simulator: catalog, session, the "sca"
// step, the user approving at the bank, the token exchange and the data.
// The server's config supplies the base URL and the three tenant keys; the
// package never reads the environment.
func Example() {
	sim, _ := finqwaresim.New(finqwaresim.Options{Seed: 1})
	base, err := sim.Start("")
	if err != nil {
		panic(err)
	}
	defer sim.Close()

	c, err := finqware.NewClient(base,
		finqware.WithCredentials(finqwaresim.DefaultClientID, finqwaresim.DefaultClientSecret, finqwaresim.DefaultClientAppKey),
		finqware.WithTimeout(5*time.Second))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	skills, _ := c.ListSkills(ctx, &finqware.SkillFilter{Type: finqware.SkillAISP})
	skill := skills[0]
	fmt.Println(skill.Name, skill.Steps[0].Name, skill.Steps[0].Kind)

	s, _ := c.CreateSession(ctx, finqware.CreateSessionRequest{Skill: skill.Name, TenantUserID: "user-1"})
	step, _ := c.SubmitStep(ctx, s.SessionID, finqware.StepRequest{Nonce: s.Nonce, Skill: skill.Name, Step: "sca",
		Data: map[string]string{"psu_redirect_link": "myapp://finqware/callback"}})
	rd, _ := step.Redirect()
	fmt.Println(step.Status, rd.Method) // the front end opens rd.URL in a webview

	// The bank redirects the webview to psu_redirect_link?temp_token=...
	loc, _ := sim.ApproveConsent(s.SessionID)
	temp, _ := finqware.TempTokenFromRedirect(loc)
	tok, _ := c.ExchangeToken(ctx, temp) // server side: store the pair, encrypted
	cred := tok.Credentials()
	cred.TenantUserID = "user-1"

	txs, err := c.GetTransactions(ctx, cred, &finqware.TransactionFilter{CreditDebitIndicator: finqware.Debit})
	switch {
	case errors.Is(err, finqware.ErrExpiredCredentials), errors.Is(err, finqware.ErrInactiveCredentials):
		// The user must consent again.
	case err != nil:
		panic(err)
	}
	fmt.Println(len(txs) > 0, txs[0].SignedAmount().IsNegative())
	// Output:
	// bt_ro_aisp_sbx_#2.0 sca redirect
	// SESSION_IN_PROGRESS GET
	// true true
}
