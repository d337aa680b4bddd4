package flanksadapter

import (
	"context"
	"iter"

	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/providers/flanks"
)

var _ provider.Inventory = (*Adapter)(nil)

// Connections implements provider.Inventory with every page of POST
// /v0/bank/credentials/list, the company's active credentials tokens
// (https://docs.flanks.io/pages/flanks-apis/credentials-api). Flanks says
// neither when a token was created nor more than its bank and a status
// word, so CreatedAt stays nil.
func (f *Adapter) Connections(ctx context.Context) iter.Seq2[provider.UpstreamConnection, error] {
	return func(yield func(provider.UpstreamConnection, error) bool) {
		for it, err := range f.c.ListCredentials(ctx) {
			if err != nil {
				yield(provider.UpstreamConnection{}, classify(err))
				return
			}
			if it.CredentialsToken == "" {
				continue // nothing to match it by
			}
			c := provider.UpstreamConnection{Ref: it.CredentialsToken, Status: it.Status.String(),
				Institution: it.Bank, ExternalID: it.ExternalID}
			if !yield(c, nil) {
				return
			}
		}
	}
}

// PendingLinkCodes implements provider.Inventory with GET
// /v0/platform/link without filters: every code of the company that was
// never exchanged (https://docs.flanks.io/api-documentation). The
// external id is Link's external_id parameter, which Flanks returns in
// extra; Flanks gives no issue or expiry time.
func (f *Adapter) PendingLinkCodes(ctx context.Context) ([]provider.PendingLinkCode, error) {
	codes, err := f.c.ListLinkCodes(ctx, &flanks.ListLinkCodesOptions{})
	if err != nil {
		return nil, classify(err)
	}
	out := make([]provider.PendingLinkCode, 0, len(codes))
	for _, c := range codes {
		if c.Code != "" {
			out = append(out, provider.PendingLinkCode{Code: c.Code, ExternalID: c.Extra["external_id"]})
		}
	}
	return out, nil
}
