package funcs

import (
	"math"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// The units conversion functions: convert_angle, convert_energy,
// convert_force, convert_length, convert_mass, convert_speed,
// convert_temperature and convert_volume convert a value from one unit to
// another, through the quantity's base unit (degree, joule, newton, meter,
// kilogram, meter per second, kelvin, cubic meter), as Kusto does with the
// UnitsNet library. The unit names are the ones each page lists; an unknown
// unit gives null. The factors are UnitsNet's, including its rounded ones
// (an acre-foot is 1/0.000810714 m³, a mile 1609.34 m), which the
// documented examples show (convert_volume(1.2, 'CubicMeter', 'AcreFoot')
// is 0.0009728568).
// https://learn.microsoft.com/kusto/query/convert-angle-function
// https://learn.microsoft.com/kusto/query/convert-energy-function
// https://learn.microsoft.com/kusto/query/convert-force-function
// https://learn.microsoft.com/kusto/query/convert-length-function
// https://learn.microsoft.com/kusto/query/convert-mass-function
// https://learn.microsoft.com/kusto/query/convert-speed-function
// https://learn.microsoft.com/kusto/query/convert-temperature-function
// https://learn.microsoft.com/kusto/query/convert-volume-function
func init() {
	defer inCategory(CatUnits)()
	conv := func(name, quantity string, table map[string]unitConv, examples ...Example) {
		article := "a"
		if strings.ContainsRune("aeiou", rune(quantity[0])) {
			article = "an"
		}
		register(&Func{Name: name, Pure: true, Ref: refFuncPage + "convert-" + quantity + "-function",
			Doc: "Converts " + article + " " + quantity + " value from one unit to another; an unknown unit gives null.",
			Sigs: []*Sig{sig(schema.Real, Map3(func(v float64, from, to string) (float64, bool) {
				f, ok1 := table[from]
				t, ok2 := table[to]
				if !ok1 || !ok2 {
					return 0, false
				}
				return t.from(f.to(v)), true
			}), p("value", Numeric), p("from", Of(schema.String)), p("to", Of(schema.String)))},
			Examples: examples})
	}
	conv("convert_angle", "angle", angleUnits, Example{`convert_angle(1.2, 'Degree', 'Arcminute')`, "72"},
		Example{`convert_angle(90, 'Degree', 'Revolution')`, "0.25"}, Example{`isnull(convert_angle(1, 'Degree', 'Furlong'))`, "true"})
	conv("convert_energy", "energy", energyUnits, Example{`convert_energy(1.2, 'Joule', 'BritishThermalUnit')`, "0.0011373805443759806"},
		Example{`convert_energy(1, 'KilowattHour', 'Kilojoule')`, "3600"})
	conv("convert_force", "force", forceUnits, Example{`convert_force(1.2, 'Newton', 'Decanewton')`, "0.12"},
		Example{`convert_force(1, 'Kilonewton', 'Newton')`, "1000"})
	conv("convert_length", "length", lengthUnits, Example{`convert_length(1.2, 'Meter', 'Foot')`, "3.9370078740157477"},
		Example{`convert_length(1.5, 'Kilometer', 'Meter')`, "1500"})
	conv("convert_mass", "mass", massUnits, Example{`convert_mass(1.2, 'Kilogram', 'Pound')`, "2.6455471462185307"},
		Example{`convert_mass(1500, 'Gram', 'Kilogram')`, "1.5"})
	conv("convert_speed", "speed", speedUnits, Example{`convert_speed(1.2, 'MeterPerSecond', 'CentimeterPerHour')`, "432000"},
		Example{`convert_speed(36, 'KilometerPerHour', 'MeterPerSecond')`, "10"})
	conv("convert_temperature", "temperature", temperatureUnits, Example{`convert_temperature(1.2, 'Kelvin', 'DegreeCelsius')`, "-271.95"},
		Example{`round(convert_temperature(100, 'DegreeCelsius', 'DegreeFahrenheit'), 10)`, "212"})
	conv("convert_volume", "volume", volumeUnits, Example{`round(convert_volume(1.2, 'CubicMeter', 'AcreFoot'), 12)`, "0.0009728568"},
		Example{`convert_volume(1, 'CubicMeter', 'Liter')`, "1000"})
}

// unitConv converts a value of one unit to the quantity's base unit (to)
// and back (from).
type unitConv struct {
	to, from func(float64) float64
}

// times is a unit worth f base units.
func times(f float64) unitConv {
	return unitConv{func(x float64) float64 { return x * f }, func(x float64) float64 { return x / f }}
}

// per is a unit worth 1/d base units (UnitsNet divides by d).
func per(d float64) unitConv {
	return unitConv{func(x float64) float64 { return x / d }, func(x float64) float64 { return x * d }}
}

// prefixed is u with an SI prefix of factor k, as UnitsNet derives it:
// the unit's conversion, then times k to the base and divided by k from it.
func prefixed(u unitConv, k float64) unitConv {
	return unitConv{func(x float64) float64 { return u.to(x) * k }, func(x float64) float64 { return u.from(x) / k }}
}

// siPrefixes are the factors of the SI prefixes by name.
var siPrefixes = map[string]float64{
	"Nano": 1e-9, "Micro": 1e-6, "Milli": 1e-3, "Centi": 1e-2, "Deci": 1e-1,
	"Deca": 1e1, "Hecto": 1e2, "Kilo": 1e3, "Mega": 1e6, "Giga": 1e9, "Tera": 1e12,
}

// unitDef is a unit under its name, and the SI prefixes it takes.
type unitDef struct {
	name     string
	u        unitConv
	prefixes []string
}

// unitTable builds a table of units by name: each unit under its name,
// and under each of its prefixes followed by the name with its first
// letter in lower case (Kilo and Joule make Kilojoule).
func unitTable(defs ...unitDef) map[string]unitConv {
	t := map[string]unitConv{}
	for _, d := range defs {
		t[d.name] = d.u
		for _, pf := range d.prefixes {
			lower := string(d.name[0]+'a'-'A') + d.name[1:]
			t[pf+lower] = prefixed(d.u, siPrefixes[pf])
		}
	}
	return t
}

func pfx(names ...string) []string { return names }

var angleUnits = unitTable(
	unitDef{"Degree", times(1), pfx("Nano", "Micro", "Milli")},
	unitDef{"Radian", unitConv{func(x float64) float64 { return x * 180 / math.Pi }, func(x float64) float64 { return x / 180 * math.Pi }},
		pfx("Nano", "Micro", "Milli", "Centi", "Deci")},
	unitDef{"Arcminute", per(60), nil},
	unitDef{"Arcsecond", per(3600), nil},
	unitDef{"Gradian", times(0.9), nil},
	unitDef{"NatoMil", unitConv{func(x float64) float64 { return x * 9 / 160 }, func(x float64) float64 { return x * 160 / 9 }}, nil},
	unitDef{"Revolution", times(360), nil},
	unitDef{"Tilt", unitConv{func(x float64) float64 { return math.Asin(x) * 180 / math.Pi }, func(x float64) float64 { return math.Sin(x / 180 * math.Pi) }}, nil},
)

var energyUnits = unitTable(
	unitDef{"Joule", times(1), pfx("Milli", "Kilo", "Mega", "Giga")},
	unitDef{"Calorie", times(4.184), pfx("Kilo", "Mega")},
	unitDef{"BritishThermalUnit", times(1055.05585262), pfx("Kilo", "Mega", "Giga")},
	unitDef{"ElectronVolt", times(1.602176565e-19), pfx("Kilo", "Mega", "Giga", "Tera")},
	unitDef{"FootPound", times(1.355817948), nil},
	unitDef{"Erg", times(1e-7), nil},
	unitDef{"WattHour", times(3600), pfx("Kilo", "Mega", "Giga", "Tera")},
	unitDef{"WattDay", times(24 * 3600), pfx("Kilo", "Mega", "Giga", "Tera")},
	unitDef{"ThermEc", times(1.05505585262e8), pfx("Deca")},
	unitDef{"ThermUs", times(1.054804e8), pfx("Deca")},
	unitDef{"ThermImperial", times(1.05505585257348e8), pfx("Deca")},
	unitDef{"HorsepowerHour", times(2.6845195377e6), nil},
)

var forceUnits = unitTable(
	unitDef{"Newton", times(1), pfx("Micro", "Milli", "Deca", "Kilo", "Mega")},
	unitDef{"Dyn", per(1e5), nil},
	unitDef{"KilogramForce", times(9.80665002864), nil},
	unitDef{"TonneForce", times(9.80665002864e3), nil},
	unitDef{"KiloPond", times(9.80665002864), nil},
	unitDef{"Poundal", times(0.13825502798973041652092282466083), nil},
	unitDef{"PoundForce", times(4.4482216152605095551842641431421), pfx("Kilo")},
	unitDef{"OunceForce", times(2.780138509537812e-1), nil},
	unitDef{"ShortTonForce", times(8.896443230521e3), nil},
)

var lengthUnits = unitTable(
	unitDef{"Meter", times(1), pfx("Nano", "Micro", "Milli", "Centi", "Deci", "Deca", "Hecto", "Kilo")},
	unitDef{"Angstrom", times(1e-10), nil},
	unitDef{"AstronomicalUnit", times(1.4959787070e11), nil},
	unitDef{"Chain", times(20.1168), nil},
	unitDef{"DataMile", times(1828.8), nil},
	unitDef{"DtpPica", per(236.220472441), nil},
	unitDef{"DtpPoint", unitConv{func(x float64) float64 { return x / 72 * 2.54e-2 }, func(x float64) float64 { return x / 2.54e-2 * 72 }}, nil},
	unitDef{"Fathom", times(1.8288), nil},
	unitDef{"Foot", times(0.3048), nil},
	unitDef{"Hand", times(1.016e-1), nil},
	unitDef{"Inch", times(2.54e-2), nil},
	unitDef{"LightYear", times(9.46073047258e15), pfx("Kilo", "Mega")},
	unitDef{"Microinch", times(2.54e-8), nil},
	unitDef{"Mil", times(2.54e-5), nil},
	unitDef{"Mile", times(1609.34), nil},
	unitDef{"NauticalMile", times(1852), nil},
	unitDef{"Parsec", times(3.08567758128e16), pfx("Kilo", "Mega")},
	unitDef{"PrinterPica", per(237.106301584), nil},
	unitDef{"PrinterPoint", unitConv{func(x float64) float64 { return x / 72.27 * 2.54e-2 }, func(x float64) float64 { return x / 2.54e-2 * 72.27 }}, nil},
	unitDef{"Shackle", times(27.432), nil},
	unitDef{"SolarRadius", times(6.95510000e8), nil},
	unitDef{"Twip", per(56692.913385826), nil},
	unitDef{"UsSurveyFoot", unitConv{func(x float64) float64 { return x * 1200 / 3937 }, func(x float64) float64 { return x * 3937 / 1200 }}, nil},
	unitDef{"Yard", times(0.9144), nil},
)

var massUnits = unitTable(
	unitDef{"Gram", per(1e3), pfx("Nano", "Micro", "Milli", "Centi", "Deci", "Deca", "Hecto", "Kilo")},
	unitDef{"Tonne", times(1e3), pfx("Kilo", "Mega")},
	unitDef{"ShortTon", times(9.0718474e2), nil},
	unitDef{"LongTon", times(1.0160469088e3), nil},
	unitDef{"Pound", times(0.45359237), pfx("Kilo", "Mega")},
	unitDef{"Ounce", times(0.028349523125), nil},
	unitDef{"Slug", per(6.852176556196105e-2), nil},
	unitDef{"Stone", per(0.1574731728702698), nil},
	unitDef{"ShortHundredweight", per(0.022046226218487758), nil},
	unitDef{"LongHundredweight", per(0.01968413055222121), nil},
	unitDef{"Grain", per(15432.358352941431), nil},
	unitDef{"SolarMass", times(1.98947e30), nil},
	unitDef{"EarthMass", times(5.9722e24), nil},
)

// speedPer is a speed unit of f meters per t seconds, converted as
// UnitsNet writes it: x*f/t to the base and x/f*t back.
func speedPer(f, t float64) unitConv {
	return unitConv{func(x float64) float64 { return x * f / t }, func(x float64) float64 { return x / f * t }}
}

var speedUnits = unitTable(
	unitDef{"MeterPerSecond", times(1), pfx("Nano", "Micro", "Milli", "Centi", "Deci", "Kilo")},
	unitDef{"MeterPerMinute", per(60), pfx("Nano", "Micro", "Milli", "Centi", "Deci", "Kilo")},
	unitDef{"MeterPerHour", per(3600), pfx("Milli", "Centi", "Kilo")},
	unitDef{"FootPerSecond", times(0.3048), nil},
	unitDef{"FootPerMinute", speedPer(0.3048, 60), nil},
	unitDef{"FootPerHour", speedPer(0.3048, 3600), nil},
	unitDef{"UsSurveyFootPerSecond", unitConv{func(x float64) float64 { return x * 1200 / 3937 }, func(x float64) float64 { return x * 3937 / 1200 }}, nil},
	unitDef{"UsSurveyFootPerMinute", unitConv{func(x float64) float64 { return x * 1200 / 3937 / 60 }, func(x float64) float64 { return x * 3937 / 1200 * 60 }}, nil},
	unitDef{"UsSurveyFootPerHour", unitConv{func(x float64) float64 { return x * 1200 / 3937 / 3600 }, func(x float64) float64 { return x * 3937 / 1200 * 3600 }}, nil},
	unitDef{"InchPerSecond", times(2.54e-2), nil},
	unitDef{"InchPerMinute", unitConv{func(x float64) float64 { return x / 60 * 2.54e-2 }, func(x float64) float64 { return x / 2.54e-2 * 60 }}, nil},
	unitDef{"InchPerHour", unitConv{func(x float64) float64 { return x / 3600 * 2.54e-2 }, func(x float64) float64 { return x / 2.54e-2 * 3600 }}, nil},
	unitDef{"YardPerSecond", times(0.9144), nil},
	unitDef{"YardPerMinute", speedPer(0.9144, 60), nil},
	unitDef{"YardPerHour", speedPer(0.9144, 3600), nil},
	unitDef{"Knot", times(0.514444), nil},
	unitDef{"MilePerHour", times(0.44704), nil},
)

// temperatureUnits are affine: each converts to and from kelvins as
// UnitsNet writes it.
var temperatureUnits = map[string]unitConv{
	"Kelvin":             times(1),
	"DegreeCelsius":      {func(x float64) float64 { return x + 273.15 }, func(x float64) float64 { return x - 273.15 }},
	"MillidegreeCelsius": {func(x float64) float64 { return x/1000 + 273.15 }, func(x float64) float64 { return (x - 273.15) * 1000 }},
	"DegreeDelisle":      {func(x float64) float64 { return x*-2/3 + 373.15 }, func(x float64) float64 { return (x - 373.15) * -3 / 2 }},
	"DegreeFahrenheit": {func(x float64) float64 { return x*5/9 + 459.67*5/9 },
		func(x float64) float64 { return (x - 459.67*5/9) * 9 / 5 }},
	"DegreeNewton":  {func(x float64) float64 { return x*100/33 + 273.15 }, func(x float64) float64 { return (x - 273.15) * 33 / 100 }},
	"DegreeRankine": {func(x float64) float64 { return x * 5 / 9 }, func(x float64) float64 { return x * 9 / 5 }},
	"DegreeReaumur": {func(x float64) float64 { return x*5/4 + 273.15 }, func(x float64) float64 { return (x - 273.15) * 4 / 5 }},
	"DegreeRoemer": {func(x float64) float64 { return x*40/21 + 273.15 - 7.5*40.0/21 },
		func(x float64) float64 { return (x - (273.15 - 7.5*40.0/21)) * 21 / 40 }},
	"SolarTemperature": times(5778),
}

var volumeUnits = unitTable(
	unitDef{"CubicMeter", times(1), pfx("Hecto", "Kilo")},
	unitDef{"Liter", per(1e3), pfx("Micro", "Milli", "Centi", "Deci", "Deca", "Hecto", "Kilo", "Mega")},
	unitDef{"AcreFoot", per(0.000810714), nil},
	unitDef{"AuTablespoon", times(2e-5), nil},
	unitDef{"BoardFoot", times(2.359737216e-3), nil},
	unitDef{"CubicCentimeter", per(1e6), nil},
	unitDef{"CubicDecimeter", per(1e3), nil},
	unitDef{"CubicFoot", times(0.0283168), pfx("Hecto", "Kilo", "Mega")},
	unitDef{"CubicHectometer", times(1e6), nil},
	unitDef{"CubicInch", unitConv{func(x float64) float64 { return x * 1.6387 * 1e-5 }, func(x float64) float64 { return x / (1.6387 * 1e-5) }}, nil},
	unitDef{"CubicKilometer", times(1e9), nil},
	unitDef{"CubicMicrometer", per(1e18), nil},
	unitDef{"CubicMile", times(4.16818182544058e9), nil},
	unitDef{"CubicMillimeter", per(1e9), nil},
	unitDef{"CubicYard", times(0.764554858), nil},
	unitDef{"ImperialBeerBarrel", times(0.16365924), nil},
	unitDef{"ImperialGallon", times(0.00454609000000181429905810072407), pfx("Kilo", "Mega")},
	unitDef{"ImperialOunce", times(2.8413062499962901241875439064617e-5), nil},
	unitDef{"ImperialPint", times(5.6826125e-4), nil},
	unitDef{"MetricCup", times(0.00025), nil},
	unitDef{"MetricTeaspoon", times(0.5e-5), nil},
	unitDef{"OilBarrel", times(0.158987294928), nil},
	unitDef{"UkTablespoon", times(1.5e-5), nil},
	unitDef{"UsBeerBarrel", times(0.1173477658), nil},
	unitDef{"UsCustomaryCup", times(0.0002365882365), nil},
	unitDef{"UsGallon", times(0.00378541), pfx("Deca", "Deci", "Hecto", "Kilo", "Mega")},
	unitDef{"UsLegalCup", times(0.00024), nil},
	unitDef{"UsOunce", times(2.957352956253760505068307980135e-5), nil},
	unitDef{"UsPint", times(4.73176473e-4), nil},
	unitDef{"UsQuart", times(9.46352946e-4), nil},
	unitDef{"UsTablespoon", times(1.478676478125e-5), nil},
	unitDef{"UsTeaspoon", times(4.92892159375e-6), nil},
)
