package provider

import "testing"

func TestLast4(t *testing.T) {
	for in, want := range map[string]string{
		"4111111111111111": "1111", "************1234": "1234", "**** **** **** 9876": "9876",
		"123": "", "": "", "5500-0000-0000-0004": "0004",
	} {
		if got := Last4(in); got != want {
			t.Errorf("Last4(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScrubPAN(t *testing.T) {
	for in, want := range map[string]string{
		"COMPRA 4111111111111111 MADRID":            "COMPRA ************1111 MADRID",
		"PAGO 4111 1111 1111 1111":                  "PAGO ************1111",
		"REF 1234567890123 NOT A CARD":              "REF 1234567890123 NOT A CARD", // fails Luhn
		"IBAN ES9121000418450200051332":             "IBAN ES9121000418450200051332",
		"LIQUIDACION TARJETA 1234 03/2025":          "LIQUIDACION TARJETA 1234 03/2025",
		"two 4242424242424242 and 5555555555554444": "two ************4242 and ************4444",
	} {
		if got := ScrubPAN(in); got != want {
			t.Errorf("ScrubPAN(%q) = %q, want %q", in, got, want)
		}
	}
}
