package finqwaresim

import (
	"encoding/json"
	"net/http"
	"strings"
)

// The simulator's skills. Names follow the live convention
// <bank>_<country>_<type>_sbx_#<version> (providers.md §3.1).
const (
	// SkillBT is Banca Transilvania's AISP sandbox: one "sca" step.
	SkillBT = "bt_ro_aisp_sbx_#2.0"
	// SkillRZB is Raiffeisen Bank Romania's AISP sandbox: one "sca" step.
	SkillRZB = "rzb_ro_aisp_sbx_#1.0"
	// SkillDeposit is a marketplace term deposit, after the seed's bank
	// deposit example: product_form, kyc_upload (with an upload),
	// confirmation, whose answer carries the temp_token.
	SkillDeposit = "webdepo_ro_marketplace_sbx_#1.0"
)

// Step names.
const (
	StepSCA          = "sca"
	StepProductForm  = "product_form"
	StepKYCUpload    = "kyc_upload"
	StepConfirmation = "confirmation"
)

// Step kinds.
const (
	kindRedirect = "redirect"
	kindForm     = "form"
	kindUpload   = "upload"
	kindConfirm  = "confirm"
)

// skillDef is one catalog entry; its JSON form is the Catalog API answer
// item (assumed: the Catalog API is not published).
type skillDef struct {
	Name         string    `json:"name"`
	Type         string    `json:"type"`
	ServicerName string    `json:"servicer_name"`
	ServicerID   string    `json:"servicer_id"`
	Country      string    `json:"country"`
	Sandbox      bool      `json:"sandbox"`
	Version      string    `json:"version"`
	Steps        []stepDef `json:"steps"`

	bankCode, bic string // for generated IBANs
}

type stepDef struct {
	Name   string      `json:"name"`
	Kind   string      `json:"kind"`
	Title  string      `json:"title"`
	Fields []fieldDef  `json:"fields"`
	Upload *uploadSpec `json:"upload,omitempty"`
}

type fieldDef struct {
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Required    bool     `json:"required"`
	Options     []string `json:"options,omitempty"`
	Description string   `json:"description,omitempty"`
}

type uploadSpec struct {
	MaxBytes     int64    `json:"max_bytes"`
	ContentTypes []string `json:"content_types"`
	MinFiles     int      `json:"min_files"`
}

// uploadContentTypes are the accepted KYC document types.
var uploadContentTypes = []string{"application/pdf", "image/jpeg", "image/png"}

func catalog(maxUpload int64) []*skillDef {
	sca := stepDef{Name: StepSCA, Kind: kindRedirect, Title: "Bank authentication",
		Fields: []fieldDef{{Name: "psu_redirect_link", Type: "url", Required: true,
			Description: "where the bank sends the user back, with ?temp_token= or ?error="}}}
	aisp := func(name, servicer, bankCode, bic, version string) *skillDef {
		return &skillDef{Name: name, Type: "aisp", ServicerName: servicer, ServicerID: stableID("servicer", servicer),
			Country: "RO", Sandbox: true, Version: version, Steps: []stepDef{sca}, bankCode: bankCode, bic: bic}
	}
	deposit := &skillDef{Name: SkillDeposit, Type: "marketplace", ServicerName: "WebDepo Bank",
		ServicerID: stableID("servicer", "WebDepo Bank"), Country: "RO", Sandbox: true, Version: "1.0",
		bankCode: "WDPB", bic: "WDPBROBU",
		Steps: []stepDef{
			{Name: StepProductForm, Kind: kindForm, Title: "Deposit details", Fields: []fieldDef{
				{Name: "value", Type: "decimal", Required: true, Description: "amount to deposit, at least 100"},
				{Name: "currency", Type: "string", Required: true, Options: []string{"RON", "EUR"}},
				{Name: "period", Type: "integer", Required: true, Options: []string{"3", "6", "12", "24"},
					Description: "months"},
			}},
			{Name: StepKYCUpload, Kind: kindUpload, Title: "Identity document", Fields: []fieldDef{
				{Name: "document_type", Type: "string", Required: true, Options: []string{"id_card", "passport"}},
			}, Upload: &uploadSpec{MaxBytes: maxUpload, ContentTypes: uploadContentTypes, MinFiles: 1}},
			{Name: StepConfirmation, Kind: kindConfirm, Title: "Confirm the deposit", Fields: []fieldDef{
				{Name: "accept_terms", Type: "boolean", Required: true},
			}},
		}}
	return []*skillDef{
		aisp(SkillBT, "Banca Transilvania", "BTRL", "BTRLRO22", "2.0"),
		aisp(SkillRZB, "Raiffeisen Bank", "RZBR", "RZBRROBU", "1.0"),
		deposit,
	}
}

// skill returns the named skill.
func (s *Server) skill(name string) *skillDef {
	for _, sk := range s.skills {
		if sk.Name == name {
			return sk
		}
	}
	return nil
}

// handleSkills serves POST /v1/skills/get {client_id, client_app_key (or
// client_secret), filter?: {type, country, sandbox}}.
func (s *Server) handleSkills(w http.ResponseWriter, r *http.Request) {
	f, e := readJSON(w, r, "client_id", "client_app_key", "client_secret", "tenant_user_id", "filter")
	if e != nil {
		writeError(w, *e)
		return
	}
	v, e := f.strings("client_id!", "client_app_key", "client_secret")
	if e == nil {
		e = s.checkCatalogKeys(v)
	}
	if e != nil {
		writeError(w, *e)
		return
	}
	var filter struct {
		Type    string `json:"type"`
		Country string `json:"country"`
		Sandbox *bool  `json:"sandbox"`
	}
	if raw, ok := f["filter"]; ok && string(raw) != "null" {
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		if dec.Decode(&filter) != nil {
			writeError(w, badRequest("invalid_field", "filter accepts type, country and sandbox"))
			return
		}
	}
	out := []*skillDef{}
	for _, sk := range s.skills {
		if (filter.Type == "" || strings.EqualFold(filter.Type, sk.Type)) &&
			(filter.Country == "" || strings.EqualFold(filter.Country, sk.Country)) &&
			(filter.Sandbox == nil || *filter.Sandbox == sk.Sandbox) {
			out = append(out, sk)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// checkCatalogKeys accepts the client-safe client_app_key or the
// client_secret.
func (s *Server) checkCatalogKeys(v map[string]string) *apiError {
	if e := s.checkClient(v, false); e != nil {
		return e
	}
	switch {
	case v["client_app_key"] != "" && equal(v["client_app_key"], s.opts.ClientAppKey):
	case v["client_app_key"] == "" && v["client_secret"] != "" && equal(v["client_secret"], s.opts.ClientSecret):
	case v["client_app_key"] == "" && v["client_secret"] == "":
		e := badRequest("missing_fields", "missing fields: client_app_key")
		return &e
	default:
		e := unauthorized("invalid_api_keys", "wrong client_app_key or client_secret")
		return &e
	}
	return nil
}
