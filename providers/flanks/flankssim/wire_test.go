package flankssim

import (
	"net/http"
	"sort"
	"strings"
	"testing"
)

// Field lists written from the seed (shared/seeds/000_0a8cce47490d757a.txt), not from the
// simulator's structs, so a renamed or re-cased field fails here.
var wireFields = map[string][]string{
	"account": {"_id", "iban", "entity", "alias", "balance", "currency", "description", "isOwner",
		"numOwners", "owners", "external_id", "updated_at_timestamp"},
	"data": {"_id", "account_id", "entity", "balance", "amount", "cardNumber", "category", "currency",
		"operationDate", "valueDate", "description", "transaction_id", "transfer", "external_id",
		"order_id", "pair_transaction_id"},
	"card": {"_id", "external_id", "entity", "product", "contractNumber", "pan", "emissionDate",
		"expirationDate", "availableBalance", "cardType", "updated_at_timestamp"},
	"card/transaction": {"_id", "card_id", "operationDate", "valueDate", "amount", "commission",
		"currency", "shop", "category", "entity", "external_id"},
	"portfolio": {"name", "type", "currency", "_id", "refValores", "refAccount", "refAccounts", "owners",
		"balance", "entity", "external_id", "updated_at_timestamp"},
	"liability": {"name", "balance", "contractNumber", "currency", "availableBalance", "openingDate",
		"expirationDate", "_id", "initialCapital", "initialCapitalCurrency", "interest", "type", "entity",
		"external_id", "limit", "periodicity", "updated_at_timestamp"},
	"liability/transaction": {"_id", "entity", "amount", "currencyAmount", "balance", "currencyBalance",
		"description", "operationDate", "valueDate", "liability_id", "credit_account", "interest",
		"commission", "external_id", "transaction_id", "pair_transaction_id", "order_id"},
	"holder": {"product_name", "name", "product_id", "rel", "external_id"},
	"investment/transaction": {"accountDest", "accrued_interest", "amount", "amountDest", "balance",
		"commission", "commissionDest", "commission_detail", "currency", "currencyDest", "description",
		"entity", "exchange", "exchangeToPaymentCurrency", "exchangeToTransactionCurrency", "expenses",
		"expenses_detail", "external_id", "investment_id", "isin", "isinDest", "leverage", "netCash",
		"netCashDest", "operationDate", "order_id", "origin_gain", "origin_gain_detail", "originalCurrency",
		"pair_transaction_id", "paymentCurrency", "refAccountIBAN", "referenceCurrency", "refValos",
		"retention", "retention_detail", "reversal_type", "symb", "symbDest", "transaction_id",
		"transactionCurrency", "unitPrice", "type", "unitPriceDest", "valueDate", "valueDateDest",
		"_id", "country_model"},
}

// investmentFields are the seed's /investment fields; cnmv and dgs appear only on funds
// and pension plans. type and subtype are from the data-types page.
var investmentFields = []string{"_id", "name", "isin", "cusip", "symbol", "entity", "amount", "balance",
	"currency", "portfolio_id", "detail", "external_id", "cost", "is_nominal", "initial_date",
	"valuation_date", "expiration_date", "performance", "performance_detail", "analytics", "interest",
	"market", "operating_market", "capital_gain", "accrued_interest", "price_ex_cupon", "leverage",
	"country_model", "placing_bank", "updated_at_timestamp", "type", "subtype"}

func sorted(xs ...string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}

func TestWire_AggregationFieldNames(t *testing.T) {
	s := newSim(t, Options{Seed: 7})
	tok := s.create("bbva", "ext-7", "XXXX")
	for path, fields := range wireFields {
		t.Run(path, func(t *testing.T) {
			items := decodeList(t, s.post(credentialsPath+path, map[string]any{"credentials_token": tok}, 200))
			if len(items) == 0 {
				t.Fatal("no items")
			}
			for _, it := range items {
				if got, want := keysOf(it), sorted(fields...); !equalStrings(got, want) {
					t.Fatalf("keys\n got %v\nwant %v", got, want)
				}
			}
		})
	}
}

func TestWire_InvestmentFields(t *testing.T) {
	s := newSim(t, Options{Seed: 7})
	tok := s.create("bbva", "ext-7", "XXXX")
	items := decodeList(t, s.post(credentialsPath+"investment", map[string]any{"credentials_token": tok}, 200))
	for _, it := range items {
		want := append([]string(nil), investmentFields...)
		switch it["type"] {
		case "F":
			want = append(want, "cnmv")
			checkKeys(t, "cnmv", it["cnmv"], "isin", "gestora", "cif_gestora", "depositaria",
				"cif_depositaria", "num_registro_gestora", "num_registro_depositaria")
		case "PP":
			want = append(want, "dgs")
			checkKeys(t, "dgs", it["dgs"], "gestora", "cif_gestora")
		}
		if got := keysOf(it); !equalStrings(got, sorted(want...)) {
			t.Fatalf("%v keys\n got %v\nwant %v", it["type"], got, sorted(want...))
		}
		if pd, ok := it["performance_detail"].(map[string]any); ok {
			checkKeys(t, "performance_detail", pd, "MTD", "QTD", "Halfyear", "YTD", "Yearly", "InitialToDate", "InitialToDateYearly")
		}
		if an, ok := it["analytics"].(map[string]any); ok {
			checkKeys(t, "analytics", an, "risk", "sharpe_ratio", "beta_ratio", "tracking_error_ratio",
				"volatility", "PER", "ROE", "PES", "EPS", "ROA")
		}
	}
}

func TestWire_NestedObjects(t *testing.T) {
	s := newSim(t, Options{Seed: 7})
	tok := s.create("bbva", "ext-7", "XXXX")
	body := map[string]any{"credentials_token": tok}
	txn := decodeList(t, s.post(credentialsPath+"data", body, 200))[0]
	checkKeys(t, "transfer", txn["transfer"], "beneficiary", "ibanBeneficiary", "ordenant", "ibanOrdenant")
	lia := decodeList(t, s.post(credentialsPath+"liability", body, 200))[0]
	checkKeys(t, "interest", lia["interest"], "benchmark", "rate", "spread", "type")
	itx := decodeList(t, s.post(credentialsPath+"investment/transaction", body, 200))[0]
	checkKeys(t, "commission_detail", itx["commission_detail"], "entity", "broker", "canon", "ITF", "fx")
	checkKeys(t, "expenses_detail", itx["expenses_detail"], "custody", "iva", "financial", "liquidation")
	id := decodeObject(t, s.post(credentialsPath+"auth", body, 200))
	checkKeys(t, "auth", id, "_id", "name", "surname1", "surname2", "fullName", "birthDate", "address",
		"contactInfo", "identityDocument", "gender", "occupation", "sector")
	if id["_id"] != tok {
		t.Errorf("identity _id = %v, want the credentials_token", id["_id"])
	}
}

func TestWire_StatusListEntitiesLinks(t *testing.T) {
	s := newSim(t, Options{Seed: 7})
	tok := s.create("testbank", "", "XXXX")
	st := decodeObject(t, s.post(credentialsPath+"status", map[string]any{"credentials_token": tok}, 200))
	checkKeys(t, "status", st, "pending", "blocked", "reset_token", "sca_token", "transaction_token",
		"last_transaction_date", "name", "last_update", "time", "last_update_timestamp",
		"created_at_timestamp", "errored", "created")
	for _, k := range []string{"errored", "created"} {
		flags := st[k].(map[string]any)
		checkKeys(t, k, flags, "product", "transaction")
		checkKeys(t, k+".product", flags["product"], "auth", "account", "card", "portfolio", "investment", "liability", "holders")
		checkKeys(t, k+".transaction", flags["transaction"], "account", "card", "investment", "liability")
	}
	list := decodeObject(t, s.post(credentialsPath+"list", map[string]any{"page": 1}, 200))
	checkKeys(t, "list", list, "items", "page", "pages")
	checkKeys(t, "list item", list["items"].([]any)[0], "credentials_token", "external_id", "bank", "status")
	ents := decodeList(t, s.call(http.MethodGet, "/v0/bank/available", nil, 200))
	for _, e := range ents {
		checkKeys(t, "entity", e, "id", "name", "cif", "alwaysManualRefresh")
	}
	if _, err := s.srv.CompleteLink(LinkCompletion{Bank: "testbank", Extra: map[string]string{"utm": "x"}}); err != nil {
		t.Fatal(err)
	}
	codes := decodeList(t, s.call(http.MethodGet, "/v0/platform/link", nil, 200))
	checkKeys(t, "link code", codes[0], "code", "link_token", "extra")
	ex := decodeObject(t, s.post("/v0/platform/link", map[string]any{"code": codes[0]["code"]}, 200))
	checkKeys(t, "exchange", ex, "message", "credentials_token", "extra", "link_token")
}

func TestWire_AllKeys(t *testing.T) {
	s := newSim(t, Options{Seed: 7})
	tok := s.create("testbank", "", "XXXX")
	all := decodeObject(t, s.post(credentialsPath+"all", map[string]any{"credentials_token": tok}, 200))
	checkKeys(t, "all", all, "cards", "accounts", "portfolios", "fidexIncome", "funds", "liabilities",
		"pensionPlans", "stocks", "etfs", "deposits", "others", "identity", "liquidity", "cryptoCurrencies",
		"contractForDifferences", "derivatives", "bankProducts", "alternativeEmergingProducts", "updated_at_timestamp")
	for _, k := range []string{"cards", "accounts", "portfolios", "fidexIncome", "funds", "liabilities", "pensionPlans",
		"stocks", "etfs", "others", "liquidity", "cryptoCurrencies", "contractForDifferences", "derivatives",
		"bankProducts", "alternativeEmergingProducts"} {
		if len(all[k].([]any)) == 0 {
			t.Errorf("%s is empty: every type code should be present", k)
		}
	}
	if n := len(all["deposits"].([]any)); n != 0 {
		t.Errorf("deposits has %d items; the seed keeps them under bankProducts", n)
	}
	acc := all["accounts"].([]any)[0].(map[string]any)
	if len(acc["transactions"].([]any)) == 0 {
		t.Error("accounts[0] has no nested transactions")
	}
	checkKeys(t, "owner with relation", acc["owners"].([]any)[0], "name", "rel")
	fund := all["funds"].([]any)[0].(map[string]any)
	if len(fund["transactions"].([]any)) == 0 {
		t.Error("funds[0] has no nested transactions")
	}
}

func checkKeys(t *testing.T, what string, v any, want ...string) {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: not an object: %T", what, v)
	}
	if got := keysOf(m); !equalStrings(got, sorted(want...)) {
		t.Errorf("%s keys\n got %v\nwant %v", what, strings.Join(got, ","), strings.Join(sorted(want...), ","))
	}
}
