package provider

import (
	"regexp"
	"strings"
)

// Card numbers (PCI DSS 3.4.1 / 3.5.1, reliability.md goal 11): fingraph
// keeps at most the last four digits of a PAN, in Card.PANLast4 and in
// AccountTransaction.CardNumber (column card_number_masked), both as the
// bare four digits ("1234"); the API adds the mask when it displays them.

// Last4 returns the last four digits of a (masked or full) card number,
// or "" when it has fewer than four digits.
func Last4(s string) string {
	digits := make([]byte, 0, 4)
	for i := len(s) - 1; i >= 0 && len(digits) < 4; i-- {
		if c := s[i]; c >= '0' && c <= '9' {
			digits = append(digits, c)
		}
	}
	if len(digits) < 4 {
		return ""
	}
	return string([]byte{digits[3], digits[2], digits[1], digits[0]})
}

// digitRun matches a run of 13 to 19 digits, optionally grouped by single
// spaces or dashes as PANs are often printed.
var digitRun = regexp.MustCompile(`\d(?:[ -]?\d){12,18}`)

// ScrubPAN masks every Luhn-valid 13-19 digit run in free text (payment
// descriptions, shop names) down to its last four digits, in case an
// institution prints a full card number there.
func ScrubPAN(s string) string {
	if len(s) < 13 {
		return s
	}
	return digitRun.ReplaceAllStringFunc(s, func(run string) string {
		digits := strings.NewReplacer(" ", "", "-", "").Replace(run)
		if !luhn(digits) {
			return run
		}
		return strings.Repeat("*", len(digits)-4) + digits[len(digits)-4:]
	})
}

// luhn reports whether a digit string passes the Luhn check.
func luhn(digits string) bool {
	sum := 0
	for i := range len(digits) {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
