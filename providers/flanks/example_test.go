package flanks_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fingraph/fingraph/providers/flanks"
)

// The server's config supplies FLANKS_BASE_URL, FLANKS_CLIENT_ID and
// FLANKS_CLIENT_SECRET; the package never reads the environment.
func Example() {
	c, err := flanks.NewClient(flanks.DefaultBaseURL,
		flanks.WithClientCredentials("client-id", "client-secret"),
		flanks.WithTimeout(5*time.Second),
		flanks.WithJWE(flanks.JWEConfig{}), // RSA-OAEP-256 + A256CBC-HS512, DefaultJWKSURL
	)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	txs, err := c.ListAccountTransactions(ctx, flanks.AggregationRequest{
		CredentialsToken: "credentials-token",
		Query:            flanks.Query{"account_id": []string{"ES9121000418450200051332"}},
	})
	switch {
	case errors.Is(err, flanks.ErrProcessing):
		// Extraction still running: poll GetCredentialsStatus.
	case err != nil:
		panic(err)
	}
	for _, tx := range txs {
		fmt.Println(tx.OperationDate, tx.Amount.StringFixed(2), tx.Currency)
	}
}
