package flankssim

import (
	"fmt"
	"strings"
	"time"
)

// person is a generated account holder.
type person struct {
	name, surname1, surname2 string
	female                   bool
}

func (p person) fullName() string { return p.name + " " + p.surname1 + " " + p.surname2 }

func newPerson(g *rng) person {
	p := person{female: g.chance(0.5), surname1: pick(g, surnames), surname2: pick(g, surnames)}
	if p.female {
		p.name = pick(g, femaleNames)
	} else {
		p.name = pick(g, maleNames)
	}
	return p
}

// people are the owner of the credentials, an optional joint holder and an optional
// authorised card user.
type people struct {
	owner      person
	partner    *person
	authorized *person
}

func newPeople(g *rng) people {
	ps := people{owner: newPerson(g)}
	if g.chance(0.45) {
		p := newPerson(g)
		ps.partner = &p
	}
	if g.chance(0.3) {
		p := newPerson(g)
		ps.authorized = &p
	}
	return ps
}

// buildIdentity generates the /auth object; its _id is the credentials_token.
func buildIdentity(gc *genCtx) identity {
	g, o := gc.rng("identity"), gc.people.owner
	ct := pick(g, cities)
	birth := gc.asOf.AddDate(-g.between(23, 70), -g.between(0, 11), -g.between(0, 27))
	gender := "male"
	if o.female {
		gender = "female"
	}
	email := fmt.Sprintf("%s.%s@example.com", asciiLower(o.name), asciiLower(o.surname1))
	return identity{
		ID: gc.token, Name: strPtr(o.name), Surname1: strPtr(o.surname1), Surname2: strPtr(o.surname2),
		FullName: strPtr(o.fullName()), BirthDate: strPtr(day(birth)),
		Address: &address{
			Street:     strPtr(fmt.Sprintf("%s %d, %dº", pick(g, streets), g.between(1, 180), g.between(1, 9))),
			PostalCode: strPtr(ct.postal + g.digits(2)), City: strPtr(ct.name),
			Province: strPtr(ct.province), Country: strPtr("ES"),
		},
		ContactInfo:      &contactInfo{Email: strPtr(email), Phone: strPtr("+34 6" + g.digits(8))},
		IdentityDocument: strPtr(dni(g.between(10000000, 79999999))),
		Gender:           strPtr(gender), Occupation: strPtr(pick(g, occupations)), Sector: strPtr(pick(g, sectors)),
	}
}

// asciiLower folds the Spanish accents out of a name for e-mail addresses.
func asciiLower(s string) string {
	r := strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ñ", "n", "Á", "a", "É", "e", "Í", "i", "Ó", "o", "Ú", "u")
	return strings.ToLower(r.Replace(s))
}

// holderSet accumulates /holder items as products are generated.
type holderSet struct {
	externalID string
	items      []holder
}

func (h *holderSet) add(productID, productName, name, rel string) {
	h.items = append(h.items, holder{
		ProductName: productName, Name: name, ProductID: productID, Rel: rel,
		ExternalID: nullable(h.externalID),
	})
}

// owners returns the names of the holders of a product (any relation).
func (h *holderSet) owners(productID string) []string {
	out := []string{}
	for _, it := range h.items {
		if it.ProductID == productID {
			out = append(out, it.Name)
		}
	}
	return out
}

// titulares counts the holders with role Titular, which is what numOwners means.
func (h *holderSet) titulares(productID string) int {
	n := 0
	for _, it := range h.items {
		if it.ProductID == productID && it.Rel == "Titular" {
			n++
		}
	}
	return n
}

// buildMifid generates one raw MiFID questionnaire, or none: the seed says the list can
// be empty, and some banks do not expose it.
func buildMifid(gc *genCtx, none bool) []mifidRaw {
	g := gc.rng("mifid")
	if none || g.chance(0.25) {
		return []mifidRaw{}
	}
	profile := pick(g, mifidProfiles)
	testDate := gc.asOf.AddDate(0, -g.between(1, 30), -g.between(0, 27))
	return []mifidRaw{{
		ID: objectID(gc.token, "mifid"), Entity: gc.bank, TestDate: day(testDate), Profile: profile,
		Questions: []mifidAnswer{
			{Question: "¿Cuál es su horizonte temporal de inversión?", Answer: pick(g, []string{"Menos de 1 año", "De 1 a 3 años", "De 3 a 5 años", "Más de 5 años"})},
			{Question: "¿Ha invertido antes en renta variable?", Answer: pick(g, []string{"Sí", "No"})},
			{Question: "¿Qué pérdida máxima asumiría en un año?", Answer: pick(g, []string{"Ninguna", "Hasta un 5%", "Hasta un 15%", "Más de un 15%"})},
			{Question: "Nivel de estudios", Answer: pick(g, []string{"Secundaria", "Universitarios", "Posgrado"})},
		},
		ExternalID: externalObjectID(gc.externalID, "mifid"),
	}}
}

// yearsAgo is a helper for contract dates.
func yearsAgo(t time.Time, years, months int) time.Time { return t.AddDate(-years, -months, 0) }
