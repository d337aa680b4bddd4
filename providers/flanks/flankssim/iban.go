package flankssim

import (
	"strconv"
	"strings"
)

// spanishIBAN builds an ES IBAN whose national (CCC) and IBAN check digits are both valid,
// so that clients validating IBANs accept generated data.
func spanishIBAN(bank, branch, account string) string {
	dc := cccDigit("00"+bank+branch) + cccDigit(account)
	bban := bank + branch + dc + account
	check := 98 - mod97(bban+"142800") // "ES00" with E=14, S=28 moved to the end
	return "ES" + twoDigits(check) + bban
}

// cccDigit is one Spanish CCC control digit over ten digits.
func cccDigit(ten string) string {
	weights := [10]int{1, 2, 4, 8, 5, 10, 9, 7, 3, 6}
	sum := 0
	for i, w := range weights {
		sum += int(ten[i]-'0') * w
	}
	d := 11 - sum%11
	switch d {
	case 11:
		d = 0
	case 10:
		d = 1
	}
	return strconv.Itoa(d)
}

// mod97 computes a decimal digit string modulo 97 without big integers.
func mod97(digits string) int {
	r := 0
	for _, c := range digits {
		r = (r*10 + int(c-'0')) % 97
	}
	return r
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// validIBAN checks an IBAN's mod-97 check digits (ISO 13616).
func validIBAN(iban string) bool {
	if len(iban) < 15 {
		return false
	}
	var b strings.Builder
	for _, c := range iban[4:] + iban[:4] {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c >= 'A' && c <= 'Z':
			b.WriteString(strconv.Itoa(int(c-'A') + 10))
		default:
			return false
		}
	}
	return mod97(b.String()) == 1
}

// isinWithCheck appends the ISIN check digit (Luhn over the letters-as-numbers form) to
// an 11-character ISIN body.
func isinWithCheck(body string) string {
	var digits strings.Builder
	for _, c := range body {
		if c >= 'A' && c <= 'Z' {
			digits.WriteString(strconv.Itoa(int(c-'A') + 10))
		} else {
			digits.WriteRune(c)
		}
	}
	s := digits.String()
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 0 { // doubled: the check digit will sit to the right
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return body + strconv.Itoa((10-sum%10)%10)
}

// dniLetters maps a DNI number modulo 23 to its control letter.
const dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// dni formats a Spanish national id with its control letter.
func dni(n int) string {
	return strconv.Itoa(100000000 + n)[1:] + string(dniLetters[n%23])
}

// maskPAN keeps the last four digits visible, as /card does.
func maskPAN(pan string) string {
	return strings.Repeat("*", len(pan)-4) + pan[len(pan)-4:]
}
