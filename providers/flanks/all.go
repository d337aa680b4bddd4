package flanks

import "context"

// AllData is everything stored for one set of credentials, from
// POST /v0/bank/credentials/all (https://docs.flanks.io/api-documentation).
// An empty list is ambiguous (still extracting, failed, or no such product):
// check CredentialsStatus.Created and Errored.
type AllData struct {
	Accounts   []AllAccount    `json:"accounts"`
	Cards      []AllCard       `json:"cards"`
	Portfolios []Portfolio     `json:"portfolios"`
	Funds      []AllInvestment `json:"funds"`
	// FidexIncome (sic) holds fixed-income (FI) investments.
	FidexIncome  []AllInvestment `json:"fidexIncome"`
	PensionPlans []AllInvestment `json:"pensionPlans"`
	// Stocks holds variable-income (VI) investments.
	Stocks []AllInvestment `json:"stocks"`
	ETFs   []AllInvestment `json:"etfs"`
	// Deposits is empty: deposits come under BankProducts.
	Deposits                    []AllInvestment `json:"deposits"`
	Others                      []AllInvestment `json:"others"`
	Identity                    *Identity       `json:"identity"`
	Liquidity                   []AllInvestment `json:"liquidity"`
	CryptoCurrencies            []AllInvestment `json:"cryptoCurrencies"`
	ContractForDifferences      []AllInvestment `json:"contractForDifferences"`
	Derivatives                 []AllInvestment `json:"derivatives"`
	BankProducts                []AllInvestment `json:"bankProducts"`
	AlternativeEmergingProducts []AllInvestment `json:"alternativeEmergingProducts"`
	Liabilities                 []AllLiability  `json:"liabilities"`
	UpdatedAt                   Timestamp       `json:"updated_at_timestamp"`
}

// AllAccount is an account with its transactions.
type AllAccount struct {
	Account
	Transactions []AccountTransaction `json:"transactions"`
}

// AllCard is a card with its transactions.
type AllCard struct {
	Card
	Transactions []CardTransaction `json:"transactions"`
}

// AllInvestment is an investment with its transactions.
type AllInvestment struct {
	Investment
	Transactions []InvestmentTransaction `json:"transactions"`
}

// AllLiability is a liability with its transactions.
type AllLiability struct {
	Liability
	Transactions []LiabilityTransaction `json:"transactions"`
}

// GetAll calls POST /v0/bank/credentials/all
// (https://docs.flanks.io/api-documentation).
func (c *Client) GetAll(ctx context.Context, req AggregationRequest) (*AllData, error) {
	out, err := aggregate[AllData](ctx, c, "/v0/bank/credentials/all", req)
	if err != nil {
		return nil, err
	}
	return &out, nil
}
