package flinks

import (
	"context"
	"net/http"
)

// DeleteCard deletes a login and all its data at Flinks; the LoginId is
// unusable afterwards
// (https://docs.flinks.com/api/connect/endpoints/account-linking/delete-card).
// While the login is still processing Flinks answers 400 CARD_IN_USE
// (ErrCardInUse): try again later.
//
// DELETE .../BankingServices/DeleteCard/{loginId} with x-api-key. DELETE is
// idempotent, so it is retried on 408/425/429/5xx and network errors; a
// retry after a lost answer may report ErrInvalidLogin, which for an
// erasure means "already deleted".
func (c *Client) DeleteCard(ctx context.Context, loginID string) error {
	id, err := pathID("LoginId", loginID)
	if err != nil {
		return err
	}
	r := &request{
		method: http.MethodDelete, path: "/BankingServices/DeleteCard/" + id,
		label:  "DELETE /BankingServices/DeleteCard/{loginId}",
		header: c.dataHeader(), idempotent: true, secrets: []string{loginID},
	}
	return c.do(ctx, r, nil)
}
