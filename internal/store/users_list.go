package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/fingraph/fingraph/models"
)

// UserFilter narrows the analysts' list of users; every set condition
// must hold. The credentials conditions (provider, institution, state)
// hold when one credentials of the user meets all of them.
type UserFilter struct {
	Provider         *models.Provider
	Institution      *string
	State            *models.CredentialsState
	SeenFrom, SeenTo *time.Time
}

// UserRow is a user with the count of their credentials per provider and
// state.
type UserRow struct {
	models.User
	Credentials []CredentialsCount
}

// Users pages users by id, forward only, with their credentials counts
// (one statement for the page, one for the counts of its users, one for
// the total when asked).
func (s *Store) Users(ctx context.Context, f UserFilter, p Page, withTotal bool) (*Conn[UserRow], error) {
	if p.After != nil {
		if err := p.After.fits(""); err != nil {
			return nil, err
		}
	}
	q := f.apply(s.db.WithContext(ctx).Table("users AS u"))
	out := &Conn[UserRow]{cursorOf: func(r *UserRow) Cursor { return Cursor{ID: r.ID} }}
	if withTotal {
		var err error
		if out.TotalCount, out.TotalCountIsExact, err = countCapped(ctx, s.db, q); err != nil {
			return nil, wrap(err, "Users: count")
		}
	}
	page := q.Select("u.*")
	if p.After != nil {
		page = page.Where("u.id > ?", p.After.ID)
	}
	var users []models.User
	if err := page.Order("u.id").Limit(p.Size + 1).Scan(&users).Error; err != nil {
		return nil, wrap(err, "Users")
	}
	out.HasNextPage, out.HasPreviousPage = len(users) > p.Size, p.After != nil
	users = users[:min(len(users), p.Size)]
	counts, err := s.credentialsCounts(ctx, users)
	if err != nil {
		return nil, err
	}
	out.Rows = make([]UserRow, len(users))
	for i, u := range users {
		out.Rows[i] = UserRow{User: u, Credentials: counts[u.ID]}
	}
	return out, nil
}

// apply adds f's conditions to a query over users (u).
func (f UserFilter) apply(q *gorm.DB) *gorm.DB {
	if f.SeenFrom != nil {
		q = q.Where("u.last_seen_at >= ?", f.SeenFrom.UTC())
	}
	if f.SeenTo != nil {
		q = q.Where("u.last_seen_at <= ?", f.SeenTo.UTC())
	}
	if f.Provider == nil && f.Institution == nil && f.State == nil {
		return q
	}
	sub := q.Session(&gorm.Session{NewDB: true}).Table("credentials AS c").Select("1").Where("c.user_id = u.id")
	sub = AnalyticsFilter{Provider: f.Provider, Institution: f.Institution}.onCredentials(sub)
	if f.State != nil {
		sub = sub.Where("("+credentialsState+") = ?", string(*f.State))
	}
	return q.Where("EXISTS (?)", sub)
}

// credentialsCounts counts the credentials of users per provider and
// state.
func (s *Store) credentialsCounts(ctx context.Context, users []models.User) (map[string][]CredentialsCount, error) {
	if len(users) == 0 {
		return nil, nil
	}
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	var rows []struct {
		UserID string
		CredentialsCount
	}
	err := s.db.WithContext(ctx).Table("credentials AS c").
		Select("c.user_id AS user_id, c.provider AS provider, "+credentialsState+" AS state, COUNT(*) AS count").
		Where("c.user_id IN ?", ids).Group("1, 2, 3").Order("1, 2, 3").Scan(&rows).Error
	if err != nil {
		return nil, wrap(err, "Users: credentials counts")
	}
	out := map[string][]CredentialsCount{}
	for _, r := range rows {
		out[r.UserID] = append(out[r.UserID], r.CredentialsCount)
	}
	return out, nil
}
