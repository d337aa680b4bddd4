package flankssim

import "encoding/json"

// Wire structs of the aggregation endpoints. Field names and casing follow the seed's
// field lists exactly (camelCase data fields, snake_case ids, Mongo-style _id); pointer
// fields are the ones the seed marks "*Can be null". Money is json.Number with exact text.

// account is an item of /account.
type account struct {
	ID          string      `json:"_id"`
	IBAN        string      `json:"iban"`
	Entity      string      `json:"entity"`
	Alias       string      `json:"alias"`
	Balance     json.Number `json:"balance"`
	Currency    string      `json:"currency"`
	Description *string     `json:"description"`
	IsOwner     *bool       `json:"isOwner"`
	NumOwners   int         `json:"numOwners"`
	Owners      []string    `json:"owners"`
	ExternalID  *string     `json:"external_id"`
	UpdatedAt   int64       `json:"updated_at_timestamp"`
}

// transfer is the transfer object of an account transaction (seed names, not the Ruby
// SDK's payer/ibanPayer).
type transfer struct {
	Beneficiary     *string `json:"beneficiary"`
	IBANBeneficiary *string `json:"ibanBeneficiary"`
	IBANOrdenant    *string `json:"ibanOrdenant"`
	Ordenant        *string `json:"ordenant"`
}

// accountTxn is an item of /data.
type accountTxn struct {
	ID                string      `json:"_id"`
	AccountID         string      `json:"account_id"`
	Entity            string      `json:"entity"`
	Balance           json.Number `json:"balance"`
	Amount            json.Number `json:"amount"`
	CardNumber        *string     `json:"cardNumber"`
	Category          *string     `json:"category"`
	Currency          string      `json:"currency"`
	OperationDate     string      `json:"operationDate"`
	ValueDate         string      `json:"valueDate"`
	Description       string      `json:"description"`
	TransactionID     *string     `json:"transaction_id"`
	Transfer          transfer    `json:"transfer"`
	ExternalID        *string     `json:"external_id"`
	OrderID           *string     `json:"order_id"`
	PairTransactionID *string     `json:"pair_transaction_id"`
}

// card is an item of /card.
type card struct {
	ID               string       `json:"_id"`
	ExternalID       *string      `json:"external_id"`
	Entity           string       `json:"entity"`
	Product          *string      `json:"product"`
	ContractNumber   *string      `json:"contractNumber"`
	PAN              string       `json:"pan"`
	EmissionDate     *string      `json:"emissionDate"`
	ExpirationDate   *string      `json:"expirationDate"`
	AvailableBalance *json.Number `json:"availableBalance"`
	CardType         string       `json:"cardType"`
	UpdatedAt        int64        `json:"updated_at_timestamp"`
}

// cardTxn is an item of /card/transaction.
type cardTxn struct {
	ID            string       `json:"_id"`
	CardID        string       `json:"card_id"`
	OperationDate string       `json:"operationDate"`
	ValueDate     string       `json:"valueDate"`
	Amount        json.Number  `json:"amount"`
	Commission    *json.Number `json:"commission"`
	Currency      string       `json:"currency"`
	Shop          *string      `json:"shop"`
	Category      *string      `json:"category"`
	Entity        string       `json:"entity"`
	ExternalID    *string      `json:"external_id"`
}

// liabilityInterest is the interest object of a liability.
type liabilityInterest struct {
	Benchmark *string      `json:"benchmark"`
	Rate      *json.Number `json:"rate"`
	Spread    *json.Number `json:"spread"`
	Type      *string      `json:"type"` // fixed | variable
}

// liability is an item of /liability. Type is the product kind of the data model (Loan,
// Credit, Confirming); the fixed/variable type is interest.type.
type liability struct {
	Name                   string             `json:"name"`
	Balance                json.Number        `json:"balance"`
	ContractNumber         *string            `json:"contractNumber"`
	Currency               string             `json:"currency"`
	AvailableBalance       *json.Number       `json:"availableBalance"`
	OpeningDate            *string            `json:"openingDate"`
	ExpirationDate         *string            `json:"expirationDate"`
	ID                     string             `json:"_id"`
	InitialCapital         *json.Number       `json:"initialCapital"`
	InitialCapitalCurrency string             `json:"initialCapitalCurrency"`
	Interest               *liabilityInterest `json:"interest"`
	Type                   string             `json:"type"`
	Entity                 string             `json:"entity"`
	ExternalID             *string            `json:"external_id"`
	Limit                  *json.Number       `json:"limit"`
	Periodicity            *string            `json:"periodicity"`
	UpdatedAt              int64              `json:"updated_at_timestamp"`
}

// liabilityTxn is an item of /liability/transaction. A payment has a negative amount and
// balance = previous balance + amount + interest.
type liabilityTxn struct {
	ID                string       `json:"_id"`
	Entity            string       `json:"entity"`
	Amount            json.Number  `json:"amount"`
	CurrencyAmount    string       `json:"currencyAmount"`
	Balance           json.Number  `json:"balance"`
	CurrencyBalance   string       `json:"currencyBalance"`
	Description       string       `json:"description"`
	OperationDate     string       `json:"operationDate"`
	ValueDate         string       `json:"valueDate"`
	LiabilityID       string       `json:"liability_id"`
	CreditAccount     *string      `json:"credit_account"`
	Interest          *json.Number `json:"interest"`
	Commission        *json.Number `json:"commission"`
	ExternalID        *string      `json:"external_id"`
	TransactionID     *string      `json:"transaction_id"`
	PairTransactionID *string      `json:"pair_transaction_id"`
	OrderID           *string      `json:"order_id"`
}

// address is the postal address of the identity; any value may be null.
type address struct {
	Street     *string `json:"street"`
	PostalCode *string `json:"postalCode"`
	City       *string `json:"city"`
	Province   *string `json:"province"`
	Country    *string `json:"country"`
}

// contactInfo is the identity's email and phone.
type contactInfo struct {
	Email *string `json:"email"`
	Phone *string `json:"phone"`
}

// identity is the single object of /auth.
type identity struct {
	ID               string       `json:"_id"`
	Name             *string      `json:"name"`
	Surname1         *string      `json:"surname1"`
	Surname2         *string      `json:"surname2"`
	FullName         *string      `json:"fullName"`
	BirthDate        *string      `json:"birthDate"`
	Address          *address     `json:"address"`
	ContactInfo      *contactInfo `json:"contactInfo"`
	IdentityDocument *string      `json:"identityDocument"`
	Gender           *string      `json:"gender"`
	Occupation       *string      `json:"occupation"`
	Sector           *string      `json:"sector"`
}

// holder is an item of /holder; ProductID is the _id of an account, card, portfolio or
// liability.
type holder struct {
	ProductName string  `json:"product_name"`
	Name        string  `json:"name"`
	ProductID   string  `json:"product_id"`
	Rel         string  `json:"rel"` // Titular | Autorizado
	ExternalID  *string `json:"external_id"`
}

// mifidAnswer is one question of a raw MiFID questionnaire.
type mifidAnswer struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// mifidRaw is an item of /mifid/raw. Its shape is not documented ("raw"); this one is
// invented and plausible.
type mifidRaw struct {
	ID         string        `json:"_id"`
	Entity     string        `json:"entity"`
	TestDate   string        `json:"test_date"`
	Profile    string        `json:"profile"`
	Questions  []mifidAnswer `json:"questions"`
	ExternalID *string       `json:"external_id"`
}
