package store

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/fingraph/fingraph/internal/secrets"
	"github.com/fingraph/fingraph/models"
)

// Secret columns: provider handles and identity document numbers are
// sealed on every write and opened on every read by a GORM plugin, so no
// code path can store them in plain text by forgetting a call. Each value
// is bound to its row: copied to another row, it does not decrypt.
const (
	secretsPluginName = "fingraph:secrets"
	refIndexPurpose   = "credentials.provider_ref"
	sealedPrefix      = "v1."
)

// ErrNoSecrets means the database handle was opened without the secrets
// plugin; writing secrets then would store them in plain text.
var ErrNoSecrets = errors.New("store: no secrets keyring installed on the database")

// SecretsPlugin seals and opens secret columns. Install it once per
// database handle with db.Use(store.NewSecretsPlugin(ring)).
type SecretsPlugin struct{ ring *secrets.Keyring }

// NewSecretsPlugin returns the plugin; ring must have an index key.
func NewSecretsPlugin(ring *secrets.Keyring) (*SecretsPlugin, error) {
	if ring == nil || !ring.HasIndexKey() {
		return nil, errors.New("store: the secrets keyring needs a master key and an index key")
	}
	return &SecretsPlugin{ring: ring}, nil
}

// Name implements gorm.Plugin.
func (p *SecretsPlugin) Name() string { return secretsPluginName }

// Initialize implements gorm.Plugin.
func (p *SecretsPlugin) Initialize(db *gorm.DB) error {
	if err := db.Callback().Create().Before("gorm:create").Register("fingraph:seal", p.seal); err != nil {
		return err
	}
	return db.Callback().Query().After("gorm:after_query").Register("fingraph:open", p.open)
}

func (p *SecretsPlugin) seal(tx *gorm.DB) {
	if err := eachRow(tx.Statement.Dest, p.sealRow); err != nil {
		_ = tx.AddError(err)
	}
}

func (p *SecretsPlugin) open(tx *gorm.DB) {
	if tx.Error != nil {
		return
	}
	if err := eachRow(tx.Statement.Dest, p.openRow); err != nil {
		_ = tx.AddError(err)
	}
}

func (p *SecretsPlugin) sealRow(row any) error {
	switch r := row.(type) {
	case *models.Credentials:
		if err := p.sealState(&r.ProviderStateSealed, r.ProviderState, stateBinding(r)); err != nil {
			return err
		}
		if r.ProviderRef == "" {
			return nil
		}
		sealed, err := p.ring.SealString(r.ProviderRef, credentialsBinding(r))
		if err != nil {
			return fmt.Errorf("store: seal provider_ref: %w", err)
		}
		r.ProviderRefSealed, r.ProviderRefIndex = sealed, p.refIndex(r.Provider, r.ProviderRef)
	case *models.Identity:
		if r.DocumentNumber == nil {
			r.DocumentNumberSealed = nil
			return nil
		}
		if r.DocumentNumberSealed != nil {
			// Reuse a sealed value of the same plaintext (see
			// keepSealedDocument); anything else is sealed afresh.
			if doc, err := p.openValue(*r.DocumentNumberSealed, identityBinding(r)); err == nil && doc == *r.DocumentNumber &&
				strings.HasPrefix(*r.DocumentNumberSealed, sealedPrefix) {
				return nil
			}
		}
		sealed, err := p.ring.SealString(*r.DocumentNumber, identityBinding(r))
		if err != nil {
			return fmt.Errorf("store: seal document_number: %w", err)
		}
		r.DocumentNumberSealed = &sealed
	case *models.OnboardingSession:
		return p.sealState(&r.ProviderStateSealed, r.ProviderState, onboardingBinding(r))
	case *models.WebhookEvent:
		return p.sealState(&r.PayloadSealed, models.JSON(r.Payload), webhookBinding(r))
	case *models.StatementUpload:
		return p.sealState(&r.FraudSealed, r.Fraud, fraudBinding(r.ID, r.UserID))
	case *models.StatementFile:
		return p.sealContent(r)
	case *models.Erasure:
		if err := p.sealState(&r.ProviderStateSealed, r.ProviderState, erasureStateBinding(r.ID)); err != nil {
			return err
		}
		if r.ProviderRef == "" {
			return nil
		}
		sealed, err := p.ring.SealString(r.ProviderRef, erasureBinding(r.ID))
		if err != nil {
			return fmt.Errorf("store: seal erasure provider_ref: %w", err)
		}
		r.ProviderRefSealed = sealed
	}
	return nil
}

func (p *SecretsPlugin) openRow(row any) error {
	switch r := row.(type) {
	case *models.Credentials:
		p.openCredentials(r)
	case *models.Identity:
		if r.DocumentNumberSealed == nil {
			return nil
		}
		doc, err := p.openValue(*r.DocumentNumberSealed, identityBinding(r))
		if err != nil {
			return fmt.Errorf("store: open document_number of credentials %s: %w", r.CredentialsID, err)
		}
		r.DocumentNumber = &doc
	case *models.WebhookEvent:
		payload, err := p.openState(r.PayloadSealed, webhookBinding(r))
		if err != nil {
			return fmt.Errorf("store: open payload of webhook event %s: %w", r.ID, err)
		}
		r.Payload = payload
	case *models.StatementUpload:
		fraud, err := p.openState(r.FraudSealed, fraudBinding(r.ID, r.UserID))
		if err != nil {
			return fmt.Errorf("store: open fraud analysis of upload %s: %w", r.ID, err)
		}
		r.Fraud = fraud
	case *models.StatementFile:
		if r.ContentSealed == nil {
			return nil
		}
		content, err := p.ring.Open(*r.ContentSealed, fileBinding(r.UploadID, r.Position))
		if err != nil {
			return fmt.Errorf("store: open content of upload %s file %d: %w", r.UploadID, r.Position, err)
		}
		r.Content = content
	case *models.OnboardingSession:
		state, err := p.openState(r.ProviderStateSealed, onboardingBinding(r))
		if err != nil {
			return fmt.Errorf("store: open provider_state of onboarding session %s: %w", r.ID, err)
		}
		r.ProviderState = state
	case *models.Erasure:
		state, err := p.openState(r.ProviderStateSealed, erasureStateBinding(r.ID))
		if err != nil {
			return fmt.Errorf("store: open provider_state of erasure %s: %w", r.ID, err)
		}
		r.ProviderState = state
		if r.ProviderRefSealed == "" {
			return nil
		}
		ref, err := p.openValue(r.ProviderRefSealed, erasureBinding(r.ID))
		if err != nil {
			return fmt.Errorf("store: open provider_ref of erasure %s: %w", r.ID, err)
		}
		r.ProviderRef = ref
	}
	return nil
}

// openCredentials opens the secrets of one credentials row. A row that
// cannot be opened is not an error of the whole read: it is marked
// (SealErr) with its secrets empty, so the caller fails that credentials
// only and the owner's other connections keep working.
func (p *SecretsPlugin) openCredentials(r *models.Credentials) {
	r.ProviderRef, r.ProviderState, r.SealErr = "", nil, nil
	state, err := p.openState(r.ProviderStateSealed, stateBinding(r))
	if err != nil {
		r.SealErr = fmt.Errorf("store: open provider_state of credentials %s: %w", r.ID, err)
		return
	}
	if r.ProviderRefSealed == "" {
		r.ProviderState = state
		return
	}
	ref, err := p.openValue(r.ProviderRefSealed, credentialsBinding(r))
	if err != nil {
		r.SealErr = fmt.Errorf("store: open provider_ref of credentials %s: %w", r.ID, err)
		return
	}
	r.ProviderRef, r.ProviderState = ref, state
}

// openValue opens a sealed value; a value written before sealing existed
// (no version prefix) is returned as is until rotate-keys seals it.
func (p *SecretsPlugin) openValue(v string, b secrets.Binding) (string, error) {
	if !strings.HasPrefix(v, sealedPrefix) {
		return v, nil
	}
	return p.ring.OpenString(v, b)
}

// sealState seals a provider state document into *dst (NULL when empty).
func (p *SecretsPlugin) sealState(dst **string, state models.JSON, b secrets.Binding) error {
	if len(state) == 0 {
		*dst = nil
		return nil
	}
	sealed, err := p.ring.SealString(string(state), b)
	if err != nil {
		return fmt.Errorf("store: seal provider_state: %w", err)
	}
	*dst = &sealed
	return nil
}

// openState opens a sealed provider state document; NULL is no document.
func (p *SecretsPlugin) openState(sealed *string, b secrets.Binding) (models.JSON, error) {
	if sealed == nil || *sealed == "" {
		return nil, nil
	}
	v, err := p.ring.OpenString(*sealed, b)
	if err != nil {
		return nil, err
	}
	return models.JSON(v), nil
}

func (p *SecretsPlugin) refIndex(provider models.Provider, ref string) string {
	return p.ring.BlindIndex(refIndexPurpose, []byte(string(provider)+"\x00"+ref))
}

func credentialsBinding(c *models.Credentials) secrets.Binding {
	return secrets.Binding{Tenant: c.UserID, Table: "credentials", Column: "provider_ref", RowID: c.ID}
}

// stateBinding binds the provider state document to its credentials row.
func stateBinding(c *models.Credentials) secrets.Binding {
	return secrets.Binding{Tenant: c.UserID, Table: "credentials", Column: "provider_state", RowID: c.ID}
}

// sealContent seals a statement file's content (NULL when none).
func (p *SecretsPlugin) sealContent(f *models.StatementFile) error {
	if len(f.Content) == 0 {
		f.ContentSealed = nil
		return nil
	}
	sealed, err := p.ring.Seal(f.Content, fileBinding(f.UploadID, f.Position))
	if err != nil {
		return fmt.Errorf("store: seal statement file: %w", err)
	}
	f.ContentSealed = &sealed
	return nil
}

// fraudBinding binds an upload's fraud analysis to its row.
func fraudBinding(id, userID string) secrets.Binding {
	return secrets.Binding{Tenant: userID, Table: "statement_uploads", Column: "fraud", RowID: id}
}

// fileBinding binds a statement file's content to its row.
func fileBinding(uploadID string, position int) secrets.Binding {
	return secrets.Binding{Tenant: uploadID, Table: "statement_files", Column: "content", RowID: strconv.Itoa(position)}
}

// webhookBinding binds a delivery's payload to its row.
func webhookBinding(e *models.WebhookEvent) secrets.Binding {
	return secrets.Binding{Tenant: "webhooks/" + string(e.Provider), Table: "webhook_events", Column: "payload", RowID: e.ID}
}

// onboardingBinding binds an onboarding session's provider state (its
// nonce chain) to the session row.
func onboardingBinding(o *models.OnboardingSession) secrets.Binding {
	return secrets.Binding{Tenant: o.UserID, Table: "onboarding_sessions", Column: "provider_state", RowID: o.ID}
}

// erasureStateBinding binds a pending erasure's provider state to its row.
func erasureStateBinding(id string) secrets.Binding {
	return secrets.Binding{Tenant: "erasures", Table: "erasures", Column: "provider_state", RowID: id}
}

// erasureBinding binds a pending erasure's provider handle to its row; an
// erasure belongs to no user any more, so the tenant is fixed.
func erasureBinding(id string) secrets.Binding {
	return secrets.Binding{Tenant: "erasures", Table: "erasures", Column: "provider_ref", RowID: id}
}

// identityBinding binds to the credentials: an identity row is replaced,
// not edited, on refresh, and there is exactly one per credentials.
func identityBinding(i *models.Identity) secrets.Binding {
	return secrets.Binding{Tenant: i.UserID, Table: "identities", Column: "document_number", RowID: i.CredentialsID}
}

// eachRow calls fn with a pointer to every struct in dest: a pointer to a
// struct, or to a slice or array of structs.
func eachRow(dest any, fn func(any) error) error {
	v := reflect.ValueOf(dest)
	for v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return nil
	}
	e := v.Elem()
	switch e.Kind() {
	case reflect.Struct:
		return fn(v.Interface())
	case reflect.Slice, reflect.Array:
		for i := range e.Len() {
			item := e.Index(i)
			if item.Kind() == reflect.Pointer {
				if item.IsNil() {
					continue
				}
				item = item.Elem()
			}
			if item.Kind() == reflect.Struct && item.CanAddr() {
				if err := fn(item.Addr().Interface()); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// plugin returns the installed secrets plugin.
func (s *Store) plugin() (*SecretsPlugin, error) {
	p, ok := s.db.Config.Plugins[secretsPluginName].(*SecretsPlugin)
	if !ok {
		return nil, ErrNoSecrets
	}
	return p, nil
}
