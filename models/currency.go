package models

// minorUnitExceptions are the ISO 4217 currencies whose minor unit is not
// two decimals (ISO 4217 list one, 2024). Funds and metals codes starting
// with X have no minor unit unless listed (XAF, XOF, XPF).
var minorUnitExceptions = map[string]int32{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
	"RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"CLF": 4, "UYW": 4,
}

// MinorUnits is the number of decimals of currency code's minor unit (2
// for EUR, 0 for JPY, 3 for KWD); ok is false for what is not an ISO 4217
// currency code with a minor unit (X-codes such as XAU, or not three
// upper-case letters), whose totals then keep the scale of their terms.
func MinorUnits(code string) (units int32, ok bool) {
	if u, ok := minorUnitExceptions[code]; ok {
		return u, true
	}
	if len(code) != 3 || code[0] == 'X' {
		return 0, false
	}
	for i := range 3 {
		if code[i] < 'A' || code[i] > 'Z' {
			return 0, false
		}
	}
	return 2, true
}
