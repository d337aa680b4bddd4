package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fingraph/fingraph/internal/auth"
)

func runToken(_ context.Context, env Env, args []string) error {
	fs := newFlags(env, "token", "token --user ID [--role R] [--ttl D]",
		"Print a bearer token signed with the development key in FINGRAPH_DATA_DIR,\n"+
			"which the local dev server accepts. Not available in production or when\n"+
			"AUTH_JWKS_URL / AUTH_PUBLIC_KEY point at a real identity provider.")
	user := fs.String("user", "", "the user id (the token's subject); required")
	role := fs.String("role", "user", "role(s), comma-separated: user, analyst, admin")
	ttl := fs.Duration("ttl", 24*time.Hour, "how long the token is valid")
	if err := parse(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*user) == "" {
		return &usageError{"token: --user is required"}
	}
	if *ttl <= 0 {
		return &usageError{"token: --ttl must be positive"}
	}
	roles, err := parseRoles(*role)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	if !cfg.Dev() || cfg.Auth.JWKSURL != "" || cfg.Auth.PublicKey != "" {
		return &usageError{"token: only the development signing key can mint tokens; use your identity provider"}
	}
	key, err := auth.LoadOrCreateDevKey(cfg.DataDir)
	if err != nil {
		return err
	}
	tok, err := key.Mint(*user, roles, *ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, tok)
	return nil
}

func parseRoles(s string) ([]auth.Role, error) {
	var roles []auth.Role
	for part := range strings.SplitSeq(s, ",") {
		r := auth.Role(strings.ToLower(strings.TrimSpace(part)))
		switch r {
		case auth.RoleUser, auth.RoleAnalyst, auth.RoleAdmin:
			roles = append(roles, r)
		default:
			return nil, &usageError{fmt.Sprintf("token: unknown role %q (want user, analyst or admin)", part)}
		}
	}
	return roles, nil
}
