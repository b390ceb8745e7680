package funcs

import (
	"math"
	"testing"
)

// TestConvertUnitsNames checks that every unit each convert_* page lists
// is known, under exactly that name, and converts to itself unchanged.
func TestConvertUnitsNames(t *testing.T) {
	pages := map[string]struct {
		table map[string]unitConv
		names []string
	}{
		"angle":       {angleUnits, []string{"Arcminute", "Arcsecond", "Centiradian", "Deciradian", "Degree", "Gradian", "Microdegree", "Microradian", "Millidegree", "Milliradian", "Nanodegree", "Nanoradian", "NatoMil", "Radian", "Revolution", "Tilt"}},
		"energy":      {energyUnits, []string{"BritishThermalUnit", "Calorie", "DecathermEc", "DecathermImperial", "DecathermUs", "ElectronVolt", "Erg", "FootPound", "GigabritishThermalUnit", "GigaelectronVolt", "Gigajoule", "GigawattDay", "GigawattHour", "HorsepowerHour", "Joule", "KilobritishThermalUnit", "Kilocalorie", "KiloelectronVolt", "Kilojoule", "KilowattDay", "KilowattHour", "MegabritishThermalUnit", "Megacalorie", "MegaelectronVolt", "Megajoule", "MegawattDay", "MegawattHour", "Millijoule", "TeraelectronVolt", "TerawattDay", "TerawattHour", "ThermEc", "ThermImperial", "ThermUs", "WattDay", "WattHour"}},
		"force":       {forceUnits, []string{"Decanewton", "Dyn", "KilogramForce", "Kilonewton", "KiloPond", "KilopoundForce", "Meganewton", "Micronewton", "Millinewton", "Newton", "OunceForce", "Poundal", "PoundForce", "ShortTonForce", "TonneForce"}},
		"length":      {lengthUnits, []string{"Angstrom", "AstronomicalUnit", "Centimeter", "Chain", "DataMile", "Decameter", "Decimeter", "DtpPica", "DtpPoint", "Fathom", "Foot", "Hand", "Hectometer", "Inch", "KilolightYear", "Kilometer", "Kiloparsec", "LightYear", "MegalightYear", "Megaparsec", "Meter", "Microinch", "Micrometer", "Mil", "Mile", "Millimeter", "Nanometer", "NauticalMile", "Parsec", "PrinterPica", "PrinterPoint", "Shackle", "SolarRadius", "Twip", "UsSurveyFoot", "Yard"}},
		"mass":        {massUnits, []string{"Centigram", "Decagram", "Decigram", "EarthMass", "Grain", "Gram", "Hectogram", "Kilogram", "Kilopound", "Kilotonne", "LongHundredweight", "LongTon", "Megapound", "Megatonne", "Microgram", "Milligram", "Nanogram", "Ounce", "Pound", "ShortHundredweight", "ShortTon", "Slug", "SolarMass", "Stone", "Tonne"}},
		"speed":       {speedUnits, []string{"CentimeterPerHour", "CentimeterPerMinute", "CentimeterPerSecond", "DecimeterPerMinute", "DecimeterPerSecond", "FootPerHour", "FootPerMinute", "FootPerSecond", "InchPerHour", "InchPerMinute", "InchPerSecond", "KilometerPerHour", "KilometerPerMinute", "KilometerPerSecond", "Knot", "MeterPerHour", "MeterPerMinute", "MeterPerSecond", "MicrometerPerMinute", "MicrometerPerSecond", "MilePerHour", "MillimeterPerHour", "MillimeterPerMinute", "MillimeterPerSecond", "NanometerPerMinute", "NanometerPerSecond", "UsSurveyFootPerHour", "UsSurveyFootPerMinute", "UsSurveyFootPerSecond", "YardPerHour", "YardPerMinute", "YardPerSecond"}},
		"temperature": {temperatureUnits, []string{"DegreeCelsius", "DegreeDelisle", "DegreeFahrenheit", "DegreeNewton", "DegreeRankine", "DegreeReaumur", "DegreeRoemer", "Kelvin", "MillidegreeCelsius", "SolarTemperature"}},
		"volume":      {volumeUnits, []string{"AcreFoot", "AuTablespoon", "BoardFoot", "Centiliter", "CubicCentimeter", "CubicDecimeter", "CubicFoot", "CubicHectometer", "CubicInch", "CubicKilometer", "CubicMeter", "CubicMicrometer", "CubicMile", "CubicMillimeter", "CubicYard", "Decaliter", "DecausGallon", "Deciliter", "DeciusGallon", "HectocubicFoot", "HectocubicMeter", "Hectoliter", "HectousGallon", "ImperialBeerBarrel", "ImperialGallon", "ImperialOunce", "ImperialPint", "KilocubicFoot", "KilocubicMeter", "KiloimperialGallon", "Kiloliter", "KilousGallon", "Liter", "MegacubicFoot", "MegaimperialGallon", "Megaliter", "MegausGallon", "MetricCup", "MetricTeaspoon", "Microliter", "Milliliter", "OilBarrel", "UkTablespoon", "UsBeerBarrel", "UsCustomaryCup", "UsGallon", "UsLegalCup", "UsOunce", "UsPint", "UsQuart", "UsTablespoon", "UsTeaspoon"}},
	}
	for page, p := range pages {
		if len(p.table) != len(p.names) {
			t.Errorf("convert_%s: %d units known, the page lists %d", page, len(p.table), len(p.names))
		}
		for _, n := range p.names {
			u, ok := p.table[n]
			if !ok {
				t.Errorf("convert_%s: unit %s is unknown", page, n)
				continue
			}
			if got := u.from(u.to(2.5)); math.Abs(got-2.5) > 1e-9 {
				t.Errorf("convert_%s: %s to the base and back gives %v, want 2.5", page, n, got)
			}
		}
	}
}
