package flankssim

import "net/http"

// Entity is one financial institution of GET /v0/bank/available (seed fields).
type Entity struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	CIF                 string `json:"cif"`
	AlwaysManualRefresh bool   `json:"alwaysManualRefresh"`
	// bankCode is the Spanish four-digit entity code used to build its IBANs.
	bankCode string
}

// entities are the banks the simulator knows. testbank is the documented sandbox bank;
// the others make multi-bank demos look real (their CIFs are the banks' public VAT ids).
var entities = []Entity{
	{ID: "testbank", Name: "TestBank", CIF: "A00000000", bankCode: "9000"},
	{ID: "bbva", Name: "BBVA", CIF: "A48265169", bankCode: "0182"},
	{ID: "santander", Name: "Banco Santander", CIF: "A39000013", bankCode: "0049"},
	{ID: "caixabank", Name: "CaixaBank", CIF: "A08663619", bankCode: "2100"},
	{ID: "bankinter", Name: "Bankinter", CIF: "A28157360", bankCode: "0128", AlwaysManualRefresh: true},
	{ID: "ing", Name: "ING", CIF: "W0037986G", bankCode: "1465"},
	{ID: "openbank", Name: "Openbank", CIF: "A28021079", bankCode: "0073"},
}

// Entities returns the entities served at /v0/bank/available.
func Entities() []Entity {
	return append([]Entity(nil), entities...)
}

func entityByID(id string) (Entity, bool) {
	for _, e := range entities {
		if e.ID == id {
			return e, true
		}
	}
	return Entity{}, false
}

func (s *Server) handleEntities(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, entities)
}
