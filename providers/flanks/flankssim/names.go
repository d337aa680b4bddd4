package flankssim

// Word lists for the demo data. Every person, employer and fund here is invented; only
// the listed shares and ETFs are real, public instruments, so that their ISINs are real.

var femaleNames = []string{"María", "Lucía", "Carmen", "Laura", "Paula", "Elena", "Marta", "Sara", "Ana", "Cristina", "Irene", "Nuria"}

var maleNames = []string{"Javier", "Daniel", "Alejandro", "Pablo", "David", "Jorge", "Sergio", "Carlos", "Miguel", "Álvaro", "Hugo", "Raúl"}

var surnames = []string{"García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Navarro", "Torres"}

// city is a city with its province and a postal code prefix.
type city struct{ name, province, postal string }

var cities = []city{
	{"Madrid", "Madrid", "280"}, {"Barcelona", "Barcelona", "080"}, {"Valencia", "Valencia", "460"},
	{"Sevilla", "Sevilla", "410"}, {"Zaragoza", "Zaragoza", "500"}, {"Bilbao", "Bizkaia", "480"},
	{"Málaga", "Málaga", "290"}, {"Valladolid", "Valladolid", "470"},
}

var streets = []string{"Calle Mayor", "Avenida de la Constitución", "Calle del Sol", "Paseo de la Castellana", "Calle Real", "Avenida Diagonal", "Calle San Vicente", "Plaza de España"}

var occupations = []string{"employee", "self_employed", "civil_servant", "retired", "student", "business_owner"}

var sectors = []string{"technology", "education", "health", "finance", "retail", "industry", "public_administration", "hospitality"}

var employers = []string{"Soluciones Digitales Iberia SL", "Logística Mediterránea SA", "Hospital Universitario Norte", "Consultora Atlántica SL", "Industrias Levante SA", "Ayuntamiento de la Villa"}

// merchant is a shop with the category the bank gives its card payments.
type merchant struct {
	name, category string
	lo, hi         int64 // usual ticket in cents
}

var debitMerchants = []merchant{
	{"MERCADONA", "Alimentación", 800, 9500}, {"CARREFOUR", "Alimentación", 1200, 14000},
	{"LIDL", "Alimentación", 600, 6000}, {"DIA", "Alimentación", 300, 3500},
	{"BAR CASA PEPE", "Restauración", 250, 2800}, {"RESTAURANTE EL OLIVO", "Restauración", 1800, 7500},
	{"REPSOL ESTACION", "Transporte", 2500, 7000}, {"METRO BILLETES", "Transporte", 250, 2000},
	{"FARMACIA CENTRAL", "Salud", 300, 4500}, {"ZARA", "Compras", 1500, 8900},
	{"DECATHLON", "Compras", 900, 12000}, {"CINES YELMO", "Ocio", 700, 3200},
}

var creditMerchants = []merchant{
	{"AMAZON EU SARL", "Compras", 900, 15000}, {"EL CORTE INGLES", "Compras", 2000, 25000},
	{"IBERIA LAE", "Viajes", 6000, 45000}, {"BOOKING.COM", "Viajes", 5000, 38000},
	{"MEDIA MARKT", "Compras", 1500, 60000}, {"RENFE VIAJEROS", "Transporte", 1500, 12000},
}

// subscription is a monthly card charge with a fixed price.
type subscription struct {
	name, category string
	cents          int64
}

var subscriptions = []subscription{{"NETFLIX.COM", "Ocio", 1299}, {"SPOTIFY", "Ocio", 1099}, {"GIMNASIO FITNESS", "Salud", 3990}}

// bill is a monthly direct debit.
type bill struct {
	desc, category string
	lo, hi         int64
}

var bills = []bill{
	{"RECIBO IBERDROLA CLIENTES", "Suministros", 3500, 11000},
	{"RECIBO CANAL DE AGUAS", "Suministros", 1800, 4500},
	{"RECIBO TELEFONICA MOVILES", "Suministros", 2900, 6500},
	{"RECIBO MAPFRE SEGUROS", "Seguros", 2500, 6000},
}

// share is a listed instrument used for VI, ETF and CFD positions.
type share struct {
	name, isin, symbol, market, currency string
	price                                string // reference price in currency
}

var stocks = []share{
	{"Iberdrola SA", "ES0144580Y14", "IBE", "XMAD", "EUR", "12.40"},
	{"Banco Santander SA", "ES0113900J37", "SAN", "XMAD", "EUR", "4.55"},
	{"Industria de Diseño Textil SA", "ES0148396007", "ITX", "XMAD", "EUR", "45.10"},
	{"Telefónica SA", "ES0178430E18", "TEF", "XMAD", "EUR", "4.05"},
	{"Apple Inc", "US0378331005", "AAPL", "XNAS", "USD", "190.50"},
	{"Microsoft Corp", "US5949181045", "MSFT", "XNAS", "USD", "410.20"},
}

var etfs = []share{
	{"iShares Core MSCI World UCITS ETF", "IE00B4L5Y983", "EUNL", "XETR", "EUR", "88.30"},
	{"Vanguard FTSE All-World UCITS ETF", "IE00BK5BQT80", "VWCE", "XETR", "EUR", "112.60"},
}

// fund is an invented investment fund (F) or pension plan (PP).
type fund struct {
	name, category, assetClass string
	price                      string
	srri                       int
}

var funds = []fund{
	{"Fondo Renta Variable Global FI", "RV Global", "equity", "14.2315", 5},
	{"Fondo Renta Fija Corto Plazo FI", "RF Euro Corto Plazo", "fixed_income", "102.4410", 2},
	{"Fondo Mixto Moderado FI", "Mixto Moderado EUR", "mixed", "9.8722", 3},
	{"Fondo Tecnología Sostenible FI", "RV Sectorial Tecnología", "equity", "25.6640", 6},
}

var pensionPlans = []fund{
	{"Plan de Pensiones Horizonte 2045 PP", "RV Mixta", "mixed", "16.4025", 4},
	{"Plan de Pensiones Renta Fija PP", "RF Mixta", "fixed_income", "8.7310", 2},
}

// manager is an invented fund manager or custodian with a CIF and a CNMV number.
type manager struct{ name, cif, registry string }

var managers = []manager{
	{"Gestión Patrimonial Demo SGIIC SA", "A28000001", "101"},
	{"Iberia Asset Management SGIIC SA", "A28000002", "205"},
	{"Levante Inversiones SGIIC SA", "A46000003", "188"},
}

var custodians = []manager{
	{"Depositaria Central Demo SA", "A28000011", "31"},
	{"Custodia de Valores Ibérica SA", "A08000012", "42"},
}

var mifidProfiles = []string{"Conservador", "Moderado", "Equilibrado", "Dinámico", "Agresivo"}
