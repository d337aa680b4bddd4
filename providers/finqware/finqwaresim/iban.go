package finqwaresim

import (
	"math/big"
	"strconv"
	"strings"
)

// romanianIBAN builds a valid RO IBAN: "RO", two check digits, the 4-letter
// bank code and 16 alphanumerics (here digits).
func romanianIBAN(bankCode, account string) string {
	bban := bankCode + account
	check := 98 - mod97(bban+"RO00")
	return "RO" + twoDigits(check) + bban
}

// mod97 is the ISO 13616 remainder of s, letters counted A=10 ... Z=35.
func mod97(s string) int {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r >= 'A' && r <= 'Z' {
			b.WriteString(strconv.Itoa(int(r-'A') + 10))
		} else {
			b.WriteRune(r)
		}
	}
	n, _ := new(big.Int).SetString(b.String(), 10)
	return int(new(big.Int).Mod(n, big.NewInt(97)).Int64())
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// validIBAN checks an IBAN's mod-97 rule.
func validIBAN(iban string) bool {
	if len(iban) < 5 {
		return false
	}
	return mod97(iban[4:]+iban[:4]) == 1
}
