package order

import (
	"slices"
	"strings"
)

// procountorUnits is Procountor's InvoiceRow.unit enum (API 26.04, from
// shared/reference/procountor-enums.json).
var procountorUnits = []string{
	"CM", "LOT", "GRAM", "HOUR", "PERSON", "LINEAR_METER", "KILOGRAM", "MONTH", "KILOMETER", "PIECE",
	"KILOWATT_HOUR", "LITER", "BOX", "METER", "SQUARE_METER", "CUBIC_METER", "SALE_UNIT", "MINUTE",
	"MILLIMETER", "PARCEL", "BOTTLE", "CAN", "BAG", "DAY", "ROLL", "PAGE", "SACK", "SERIES", "TUBE",
	"TON", "YEAR", "WEEK", "FULL_DAY", "KILOBIT", "MEGABIT", "GIGABIT", "TERABIT",
	"SQUARE_CENTIMETRE", "CENTILITRE", "CUP", "DECILITRE", "GALLON_UK", "GALLON_US", "MILLILITRE",
	"PINT_UK", "PINT_US", "AMPERE", "AMPERE_HOUR", "AMPERE_MINUTE", "KILOAMPERE_HOUR", "KILOVOLT",
	"MILLIVOLT", "MILLIAMPERE_HOUR", "FOOT", "INCH", "MILE", "YARD", "EXAJOULE", "GIGAJOULE", "JOULE",
	"JOULE_PER_SECOND", "KILOJOULE", "MILLIJOULE", "PETAJOULE", "TERAJOULE", "GRAM_PER_CUBIC_METRE",
	"GRAM_PER_SQUARE_METRE", "KILOGRAM_PER_CUBIC_METRE", "KILOGRAM_PER_SQUARE_METRE", "MILLIGRAM",
	"MILLIGRAM_PER_CUBIC_METRE", "OUNCE", "POUND", "STONE_UK", "DOZEN", "DOZEN_PACK", "EIGHT_PACK",
	"FIVE_PACK", "FOUR_PACK", "HUNDRED", "JAR", "NINE_PACK", "NUMBER_OF_WORDS", "PAIR", "PALLET",
	"PLATE", "SET", "SEVEN_PACK", "SIX_PACK", "TEN_PACK", "THREE_PACK", "TWO_PACK", "WRAP",
	"GIGAWATT", "GIGAWATT_HOUR", "KILOWATT", "MEGAWATT_HOUR", "MILLIWATT", "TERAWATT",
	"TERAWATT_HOUR", "WATT", "WATT_HOUR", "BAR", "KILOPASCAL", "PASCAL", "KILOBYTE", "MEGABYTE",
	"GIGABYTE", "SECOND", "HECTARE", "NO_UNIT",
}

// unitWords maps the unit words shops and spreadsheets write (Finnish,
// Swedish, English; lower case, no trailing dot) to Procountor's enum.
var unitWords = map[string]string{
	"kpl": "PIECE", "kappale": "PIECE", "pcs": "PIECE", "pc": "PIECE", "piece": "PIECE", "pieces": "PIECE",
	"st": "PIECE", "stk": "PIECE", "styck": "PIECE", "ea": "PIECE", "each": "PIECE",
	"m": "METER", "metri": "METER", "metriä": "METER", "meter": "METER", "metre": "METER",
	"jm": "LINEAR_METER", "juoksumetri": "LINEAR_METER", "lm": "LINEAR_METER", "löpmeter": "LINEAR_METER",
	"cm": "CM", "mm": "MILLIMETER", "km": "KILOMETER",
	"m2": "SQUARE_METER", "m²": "SQUARE_METER", "neliö": "SQUARE_METER", "neliömetri": "SQUARE_METER", "sqm": "SQUARE_METER",
	"m3": "CUBIC_METER", "m³": "CUBIC_METER", "kuutio": "CUBIC_METER",
	"kg": "KILOGRAM", "kilo": "KILOGRAM", "g": "GRAM", "gr": "GRAM", "gramma": "GRAM", "mg": "MILLIGRAM", "tonni": "TON",
	"l": "LITER", "ltr": "LITER", "litra": "LITER", "liter": "LITER", "litre": "LITER",
	"dl": "DECILITRE", "cl": "CENTILITRE", "ml": "MILLILITRE",
	"h": "HOUR", "tunti": "HOUR", "tuntia": "HOUR", "tim": "HOUR", "timme": "HOUR", "hour": "HOUR", "hours": "HOUR", "hr": "HOUR",
	"min": "MINUTE", "minuutti": "MINUTE", "sek": "SECOND",
	"pv": "DAY", "päivä": "DAY", "vrk": "FULL_DAY", "dag": "DAY", "day": "DAY", "days": "DAY",
	"vk": "WEEK", "viikko": "WEEK", "vecka": "WEEK", "week": "WEEK",
	"kk": "MONTH", "kuukausi": "MONTH", "mån": "MONTH", "månad": "MONTH", "month": "MONTH",
	"vuosi": "YEAR", "år": "YEAR", "year": "YEAR",
	"pari": "PAIR", "paria": "PAIR", "par": "PAIR", "pair": "PAIR",
	"pkt": "PARCEL", "paketti": "PARCEL", "paket": "PARCEL", "parcel": "PARCEL",
	"ltk": "BOX", "laatikko": "BOX", "rs": "BOX", "rasia": "BOX", "box": "BOX", "låda": "BOX",
	"pss": "BAG", "pussi": "BAG", "påse": "BAG", "bag": "BAG",
	"säkki": "SACK", "säck": "SACK", "sack": "SACK",
	"plo": "BOTTLE", "pullo": "BOTTLE", "flaska": "BOTTLE", "bottle": "BOTTLE",
	"tlk": "CAN", "tölkki": "CAN", "burk": "CAN", "can": "CAN",
	"rll": "ROLL", "rulla": "ROLL", "rulle": "ROLL", "roll": "ROLL",
	"sarja": "SERIES", "setti": "SET", "sett": "SET", "set": "SET",
	"erä": "LOT", "lot": "LOT", "parti": "LOT",
	"henkilö": "PERSON", "hlö": "PERSON", "hlo": "PERSON", "person": "PERSON",
	"lava": "PALLET", "pall": "PALLET", "pallet": "PALLET",
	"kwh": "KILOWATT_HOUR", "tuubi": "TUBE", "tuub": "TUBE", "tub": "TUBE", "sivu": "PAGE", "sida": "PAGE",
	"myyntierä": "SALE_UNIT", "tusina": "DOZEN", "dussin": "DOZEN", "purkki": "JAR", "ha": "HECTARE",
}

// UnitCode is Procountor's unit for a unit word a shop wrote ("kpl",
// "Kpl.", "pari", "PIECE" …), and whether it is known. An empty word is PIECE.
func UnitCode(word string) (string, bool) {
	w := strings.TrimSpace(word)
	if w == "" {
		return "PIECE", true
	}
	if ValidUnit(w) {
		return w, true
	}
	if ValidUnit(strings.ToUpper(w)) {
		return strings.ToUpper(w), true
	}
	l := strings.ToLower(w)
	if u, ok := unitWords[l]; ok {
		return u, true
	}
	u, ok := unitWords[strings.TrimSuffix(l, ".")]
	return u, ok
}

// ValidUnit reports whether u is one of Procountor's unit codes.
func ValidUnit(u string) bool { return slices.Contains(procountorUnits, u) }
