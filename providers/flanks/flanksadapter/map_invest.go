package flanksadapter

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks"
)

func mapPortfolio(p *flanks.Portfolio) models.Portfolio {
	row := models.Portfolio{
		ProviderID: p.ID, Name: p.Name, Type: optString(p.Type), TaxType: optString(p.TaxType),
		Currency: p.Currency, Balance: orZero(p.Balance), SecuritiesAccount: optString(p.RefValores),
		CashAccount: optString(p.RefAccount), Owners: ownerNames(p.Owners), ExternalID: optString(p.ExternalID),
		SeenAt: optTime(p.UpdatedAt),
	}
	if len(p.RefAccounts) > 0 {
		row.CashAccounts = models.StringList(p.RefAccounts)
	}
	return row
}

// mapInvestment links the position to its portfolio by portfolio_id
// and keeps the type code and the free-form objects as JSON.
func mapInvestment(i *flanks.Investment) provider.Linked[models.Investment] {
	return provider.Linked[models.Investment]{ParentRef: i.PortfolioID, Row: models.Investment{
		ProviderID: i.ID, ProviderPortfolioID: optString(i.PortfolioID), Name: i.Name,
		TypeCode: optString(i.Type), Kind: kindOf(i.Type), ISIN: optString(i.ISIN), Cusip: optString(i.CUSIP),
		Symbol: optString(i.Symbol), Amount: orZero(i.Amount), Balance: orZero(i.Balance),
		Currency: i.Currency, Cost: i.Cost, Performance: i.Performance,
		PerformanceDetail: performanceDoc(i.PerformanceDetail), Analytics: analyticsDoc(i.Analytics),
		Interest: interestDoc(i.Interest), Detail: rawDoc(i.Detail),
		InitialDate: optDate(i.InitialDate), ValuationDate: optDate(i.ValuationDate),
		ExpirationDate: optDate(i.ExpirationDate), IsNominal: i.IsNominal, Market: optString(i.Market),
		OperatingMarket: optString(i.OperatingMarket), ExternalID: optString(i.ExternalID),
		SeenAt: optTime(i.UpdatedAt),
	}}
}

// kinds maps Flanks' investment type codes to the neutral kinds.
var kinds = map[string]string{
	"F": models.InvestmentFund, "VI": models.InvestmentVariableIncome, "ETF": models.InvestmentETF,
	"FI": models.InvestmentFixedIncome, "PP": models.InvestmentPensionPlan, "C": models.InvestmentCrypto,
	"L": models.InvestmentLiquidity, "CFD": models.InvestmentCFD, "DV": models.InvestmentDerivative,
	"BP": models.InvestmentBankProduct, "AEP": models.InvestmentAlternative,
}

// kindOf maps a type code; unknown codes are OTHER, since Flanks adds
// codes at will.
func kindOf(code string) *string {
	k, ok := kinds[strings.ToUpper(code)]
	if !ok {
		k = models.InvestmentOther
	}
	return &k
}

func performanceDoc(p *flanks.PerformanceDetail) models.JSON {
	if p == nil {
		return nil
	}
	return jsonDoc(map[string]any{"MTD": num(p.MTD), "QTD": num(p.QTD), "Halfyear": num(p.HalfYear),
		"YTD": num(p.YTD), "Yearly": num(p.Yearly), "InitialToDate": num(p.InitialToDate),
		"InitialToDateYearly": num(p.InitialToDateYearly)})
}

func analyticsDoc(a *flanks.Analytics) models.JSON {
	if a == nil {
		return nil
	}
	return jsonDoc(map[string]any{"risk": num(a.Risk), "sharpe_ratio": num(a.SharpeRatio),
		"beta_ratio": num(a.BetaRatio), "tracking_error_ratio": num(a.TrackingErrorRatio),
		"volatility": num(a.Volatility), "PER": num(a.PER), "ROE": num(a.ROE), "PES": num(a.PES),
		"EPS": num(a.EPS), "ROA": num(a.ROA)})
}

func interestDoc(in *flanks.Interest) models.JSON {
	if in == nil {
		return nil
	}
	return jsonDoc(map[string]any{"rate": num(in.Rate), "benchmark": optString(in.Benchmark)})
}

// rawDoc keeps a provider document as sent; null and absent are NULL.
func rawDoc(raw json.RawMessage) models.JSON {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	return models.JSON(bytes.Clone(raw))
}

// mapInvestmentTxn links the movement to its investment by
// investment_id. The counterpart of a fund transfer (the *Dest fields) and
// other details without a column go to Extra, under their Flanks names.
func mapInvestmentTxn(t *flanks.InvestmentTransaction) provider.Linked[models.InvestmentTransaction] {
	return provider.Linked[models.InvestmentTransaction]{ParentRef: t.InvestmentID, Row: models.InvestmentTransaction{
		ProviderID: t.ID, ProviderInvestmentID: optString(t.InvestmentID), ISIN: optString(t.ISIN),
		Type: optString(t.Type.String()), Direction: optString(t.Symb), Description: provider.ScrubPAN(t.Description),
		Amount: orZero(t.Amount), SharesAfter: t.Balance, UnitPrice: t.UnitPrice, NetCash: t.NetCash,
		Commission: t.Commission, Currency: t.Currency,
		OperationDate: opDate(t.OperationDate, t.ValueDate), ValueDate: optDate(t.ValueDate),
		ExchangeRate: t.Exchange, BankTransactionID: optString(t.TransactionID), OrderID: optString(t.OrderID),
		PairTransactionID: optString(t.PairTransactionID), ExternalID: optString(t.ExternalID),
		Extra: investmentTxnExtra(t),
	}}
}

func investmentTxnExtra(t *flanks.InvestmentTransaction) models.JSON {
	m := map[string]any{}
	text := map[string]string{
		"accountDest": t.AccountDest, "currencyDest": t.CurrencyDest, "isinDest": t.ISINDest,
		"symbDest": t.SymbDest, "valueDateDest": t.ValueDateDest.String(),
		"reversal_type": t.ReversalType.String(), "refValos": t.RefValos, "refAccountIBAN": t.RefAccountIBAN,
		"transaction_id": t.TransactionID, "order_id": t.OrderID, "pair_transaction_id": t.PairTransactionID,
	}
	for k, v := range text {
		if v != "" {
			m[k] = v
		}
	}
	amounts := map[string]decimal.NullDecimal{
		"amountDest": t.AmountDest, "commissionDest": t.CommissionDest, "netCashDest": t.NetCashDest,
		"unitPriceDest": t.UnitPriceDest, "expenses": t.Expenses, "retention": t.Retention,
		"exchange": t.Exchange,
	}
	for k, v := range amounts {
		if v.Valid {
			m[k] = num(v)
		}
	}
	if len(m) == 0 {
		return nil
	}
	return jsonDoc(m)
}

// mapIdentity returns nil for an empty identity (nothing extracted).
func mapIdentity(id *flanks.Identity) *models.Identity {
	if id.ID == "" && id.Name == "" && id.FullName == "" && id.IdentityDocument == "" {
		return nil
	}
	return &models.Identity{
		Name: optString(id.Name), FirstSurname: optString(id.Surname1), SecondSurname: optString(id.Surname2),
		FullName: optString(id.FullName), BirthDate: optDate(id.BirthDate),
		Address: rawDoc(id.Address), ContactInfo: rawDoc(id.ContactInfo),
		DocumentNumber: optString(id.IdentityDocument.String()), Gender: optString(id.Gender),
		Occupation: optString(id.Occupation), Sector: optString(id.Sector),
	}
}

func mapHolder(h *flanks.Holder) models.Holder {
	return models.Holder{ProviderProductID: h.ProductID, ProductName: optString(h.ProductName),
		Name: h.Name, Relation: optString(h.Rel)}
}

// mapMifid keeps the raw questionnaire items as one JSON array; an
// empty list means there is none.
func mapMifid(items []json.RawMessage) *models.Mifid {
	if len(items) == 0 {
		return nil
	}
	return &models.Mifid{Raw: jsonDoc(items)}
}
