"""The words of German, French, Spanish, Portuguese and Italian that the speakable rules use:
month names, currencies, units, abbreviations, and the small words between numbers.

Pure data. `language_rules` turns a `Language` into rules; `language_numbers` says its numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Language:
    """How one language writes and says numbers, dates, money and abbreviations."""

    code: str
    """num2words' name for the language ("de", "pt_BR")."""
    thousands: str
    """A regular-expression class of the thousands separators ("[.]"; French "[ ]")."""
    decimal: str
    """The word for the decimal comma ("Komma")."""
    minus: str
    """The word for a minus sign."""
    to: str
    """The word between the ends of a range ("bis")."""
    months: tuple[str, ...]
    """The twelve month names, as the language writes them."""
    date: str
    """How a date is said: "{day}", "{month}" and "{year}" ("{day} de {month} de {year}")."""
    percent: str
    """The word for "%"."""
    currencies: Mapping[str, tuple[str, str]]
    """A currency's symbol or code -> what one of it is called, and many of it."""
    cents: tuple[str, str]
    """One cent and many cents."""
    and_cents: str
    """What joins the whole amount to its cents (" und "; Spanish " con ")."""
    of: str
    """What joins a scale word to a currency ("millones de euros"); empty in German."""
    scales: Mapping[str, str]
    """Scale words and their abbreviations after an amount -> the scale word said."""
    units: Mapping[str, tuple[str, str]]
    """A unit's symbol -> one of it, and many of it."""
    abbreviations: Mapping[str, str]
    """Written (a space inside may be left out: "z.B." is "z. B.") -> said."""
    before_names: Mapping[str, str] = field(default_factory=dict)
    """Abbreviations that are titles only before a capitalised name ("M. Dupont")."""
    feminine: Mapping[int, str] = field(default_factory=dict)
    """Numbers said differently before a feminine noun (hours: "une heure")."""
    hour: tuple[str, str] = ("", "")
    """One hour and many hours, when the language says the word."""
    dot: str = "dot"
    """The word for "." in a web address."""
    at: str = "at"
    """The word for "@" in an e-mail address."""
    and_word: str = "and"
    """The word for "&"."""
    number_sign: str = ""
    """The word for "Nr.", "nº" before a number."""


GERMAN = Language(
    code="de", thousands="[.]", decimal="Komma", minus="minus", to="bis",
    months=tuple("Januar Februar März April Mai Juni Juli August September Oktober November "
                 "Dezember".split()),
    date="{day} {month} {year}", percent="Prozent",
    currencies={"€": ("ein Euro", "Euro"), "EUR": ("ein Euro", "Euro"),
                "$": ("ein Dollar", "Dollar"), "US$": ("ein Dollar", "Dollar"),
                "USD": ("ein Dollar", "Dollar"), "£": ("ein Pfund", "Pfund"),
                "CHF": ("ein Franken", "Franken")},
    cents=("Cent", "Cent"), and_cents=" und ", of="",
    scales={"Tsd.": "Tausend", "Mio.": "Millionen", "Mrd.": "Milliarden",
            "Millionen": "Millionen", "Million": "Million", "Milliarden": "Milliarden",
            "Milliarde": "Milliarde"},
    units={"km/h": ("Kilometer pro Stunde", "Kilometer pro Stunde"),
           "km": ("Kilometer", "Kilometer"), "kg": ("Kilogramm", "Kilogramm"),
           "cm": ("Zentimeter", "Zentimeter"), "mm": ("Millimeter", "Millimeter"),
           "°C": ("Grad Celsius", "Grad Celsius"), "°": ("Grad", "Grad"),
           "GB": ("Gigabyte", "Gigabyte"), "MB": ("Megabyte", "Megabyte")},
    abbreviations={
        "z. B.": "zum Beispiel", "d. h.": "das heißt", "u. a.": "unter anderem",
        "v. a.": "vor allem", "z. T.": "zum Teil", "i. d. R.": "in der Regel",
        "o. ä.": "oder ähnliches", "u. ä.": "und ähnliches", "s. o.": "siehe oben",
        "usw.": "und so weiter", "bzw.": "beziehungsweise", "ca.": "circa", "etc.": "et cetera",
        "Dr.": "Doktor", "Prof.": "Professor", "Nr.": "Nummer", "Hr.": "Herr", "Hrn.": "Herrn",
        "Fr.": "Frau", "St.": "Sankt", "Str.": "Straße", "inkl.": "inklusive",
        "evtl.": "eventuell", "ggf.": "gegebenenfalls", "sog.": "sogenannte",
        "vgl.": "vergleiche", "Jh.": "Jahrhundert", "Abs.": "Absatz", "Abb.": "Abbildung",
        "Tel.": "Telefon", "Mio.": "Millionen", "Mrd.": "Milliarden", "Tsd.": "Tausend",
        "bspw.": "beispielsweise", "max.": "maximal", "min.": "mindestens", "zzgl.": "zuzüglich",
    },
    feminine={1: "ein"}, hour=("Uhr", "Uhr"), dot="Punkt", at="ät", and_word="und",
    number_sign="Nummer",
)  # fmt: skip

FRENCH = Language(
    code="fr", thousands="[  ]", decimal="virgule", minus="moins", to="à",
    months=tuple("janvier février mars avril mai juin juillet août septembre octobre novembre "
                 "décembre".split()),
    date="{day} {month} {year}", percent="pour cent",
    currencies={"€": ("un euro", "euros"), "EUR": ("un euro", "euros"),
                "$": ("un dollar", "dollars"), "US$": ("un dollar", "dollars"),
                "USD": ("un dollar", "dollars"), "£": ("une livre", "livres"),
                "CHF": ("un franc", "francs")},
    cents=("centime", "centimes"), and_cents=" et ", of="de",
    scales={"M": "millions", "Md": "milliards", "Mds": "milliards", "millions": "millions",
            "million": "million", "milliards": "milliards", "milliard": "milliard"},
    units={"km/h": ("kilomètre heure", "kilomètres heure"), "km": ("kilomètre", "kilomètres"),
           "kg": ("kilo", "kilos"), "cm": ("centimètre", "centimètres"),
           "mm": ("millimètre", "millimètres"), "°C": ("degré", "degrés"),
           "°": ("degré", "degrés"), "Go": ("gigaoctet", "gigaoctets")},
    abbreviations={
        "p. ex.": "par exemple", "c.-à-d.": "c'est-à-dire", "etc.": "et cetera",
        "av. J.-C.": "avant Jésus-Christ", "apr. J.-C.": "après Jésus-Christ",
        "Mme": "Madame", "Mmes": "Mesdames", "Mlle": "Mademoiselle", "Mlles": "Mesdemoiselles",
        "Dr.": "Docteur",
        "env.": "environ", "cf.": "voir", "bd": "boulevard", "av.": "avenue",
        "Ste": "Sainte", "St": "Saint",
    },
    before_names={"M.": "Monsieur", "MM.": "Messieurs", "Dr": "Docteur", "Pr": "Professeur",
                  "Me": "Maître"},
    feminine={1: "une", 21: "vingt et une"}, hour=("heure", "heures"), dot="point",
    at="arobase", and_word="et", number_sign="numéro",
)  # fmt: skip

SPANISH = Language(
    code="es", thousands="[. ]", decimal="coma", minus="menos", to="a",
    months=tuple("enero febrero marzo abril mayo junio julio agosto septiembre octubre "
                 "noviembre diciembre".split()),
    date="{day} de {month} de {year}", percent="por ciento",
    # "$" is the peso in Argentina, Mexico, Chile and Colombia; the dollar is written US$/U$S.
    currencies={"€": ("un euro", "euros"), "EUR": ("un euro", "euros"),
                "$": ("un peso", "pesos"), "US$": ("un dólar", "dólares"),
                "U$S": ("un dólar", "dólares"), "u$s": ("un dólar", "dólares"),
                "USD": ("un dólar", "dólares"), "£": ("una libra", "libras")},
    cents=("céntimo", "céntimos"), and_cents=" con ", of="de",
    scales={"mil": "mil", "millones": "millones", "millón": "millón",
            "mil millones": "mil millones", "M": "millones", "MM": "mil millones"},
    units={"km/h": ("kilómetro por hora", "kilómetros por hora"),
           "km": ("kilómetro", "kilómetros"), "kg": ("kilo", "kilos"),
           "cm": ("centímetro", "centímetros"), "mm": ("milímetro", "milímetros"),
           "°C": ("grado", "grados"), "°": ("grado", "grados")},
    abbreviations={
        "EE. UU.": "Estados Unidos", "p. ej.": "por ejemplo", "etc.": "etcétera",
        "Sr.": "señor", "Sra.": "señora", "Srta.": "señorita", "Sres.": "señores",
        "Dr.": "doctor", "Dra.": "doctora", "Lic.": "licenciado", "Ing.": "ingeniero",
        "Gral.": "general", "Av.": "avenida", "Ud.": "usted", "Uds.": "ustedes",
        "aprox.": "aproximadamente", "pág.": "página", "Dña.": "doña", "Prof.": "profesor",
        "Profa.": "profesora",
    },
    before_names={"D.": "don"},
    feminine={1: "una", 21: "veintiuna"}, hour=("hora", "horas"), dot="punto", at="arroba",
    and_word="y", number_sign="número",
)  # fmt: skip

_PORTUGUESE_ABBREVIATIONS = {
    "p. ex.": "por exemplo", "etc.": "et cetera", "Sr.": "senhor", "Sra.": "senhora",
    "Srta.": "senhorita", "Dr.": "doutor", "Dra.": "doutora", "Prof.": "professor",
    "Profa.": "professora", "Av.": "avenida", "aprox.": "aproximadamente", "pág.": "página",
    "V. Exa.": "Vossa Excelência", "Gen.": "general",
    "Dep.": "deputado", "Sen.": "senador",
}  # fmt: skip
_PORTUGUESE = {
    "thousands": "[.]", "decimal": "vírgula", "minus": "menos", "to": "a",
    "months": tuple("janeiro fevereiro março abril maio junho julho agosto setembro outubro "
                    "novembro dezembro".split()),
    "date": "{day} de {month} de {year}", "percent": "por cento",
    "cents": ("cêntimo", "cêntimos"), "and_cents": " e ", "of": "de",
    "scales": {"mil": "mil", "milhões": "milhões", "milhão": "milhão", "bilhões": "bilhões",
               "bilhão": "bilhão", "mil milhões": "mil milhões", "mi": "milhões",
               "bi": "bilhões"},
    "units": {"km/h": ("quilômetro por hora", "quilômetros por hora"),
              "km": ("quilômetro", "quilômetros"), "kg": ("quilo", "quilos"),
              "cm": ("centímetro", "centímetros"), "mm": ("milímetro", "milímetros"),
              "°C": ("grau", "graus"), "°": ("grau", "graus")},
    "abbreviations": _PORTUGUESE_ABBREVIATIONS,
    "before_names": {"D.": "dom"},
    "feminine": {1: "uma", 2: "duas", 21: "vinte e uma", 22: "vinte e duas"},
    "hour": ("hora", "horas"), "dot": "ponto", "at": "arroba", "and_word": "e",
    "number_sign": "número",
}  # fmt: skip
PORTUGUESE = Language(
    code="pt",
    currencies={"€": ("um euro", "euros"), "EUR": ("um euro", "euros"),
                "R$": ("um real", "reais"), "$": ("um dólar", "dólares"),
                "US$": ("um dólar", "dólares"), "USD": ("um dólar", "dólares"),
                "£": ("uma libra", "libras")},
    **_PORTUGUESE,  # type: ignore[arg-type]
)  # fmt: skip
# Brazil: num2words' pt_BR, "centavos", and "quilômetro" (Portugal writes "quilómetro").
BRAZILIAN = Language(
    code="pt_BR",
    currencies={**PORTUGUESE.currencies, "BRL": ("um real", "reais")},
    **{**_PORTUGUESE, "cents": ("centavo", "centavos")},  # type: ignore[arg-type]
)

ITALIAN = Language(
    code="it", thousands="[.]", decimal="virgola", minus="meno", to="a",
    months=tuple("gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
                 "novembre dicembre".split()),
    date="{day} {month} {year}", percent="per cento",
    currencies={"€": ("un euro", "euro"), "EUR": ("un euro", "euro"),
                "$": ("un dollaro", "dollari"), "US$": ("un dollaro", "dollari"),
                "USD": ("un dollaro", "dollari"), "£": ("una sterlina", "sterline")},
    cents=("centesimo", "centesimi"), and_cents=" e ", of="di",
    scales={"mila": "mila", "milioni": "milioni", "milione": "milione", "miliardi": "miliardi",
            "miliardo": "miliardo", "mln": "milioni", "mld": "miliardi"},
    units={"km/h": ("chilometro orario", "chilometri orari"), "km": ("chilometro", "chilometri"),
           "kg": ("chilo", "chili"), "cm": ("centimetro", "centimetri"),
           "mm": ("millimetro", "millimetri"), "°C": ("grado", "gradi"), "°": ("grado", "gradi")},
    abbreviations={
        "sig.": "signor", "Sig.": "signor", "sig.ra": "signora", "Sig.ra": "signora",
        "dott.": "dottor", "Dott.": "dottor", "dott.ssa": "dottoressa",
        "Dott.ssa": "dottoressa", "prof.": "professor", "Prof.": "professor",
        "prof.ssa": "professoressa", "Prof.ssa": "professoressa", "avv.": "avvocato",
        "Avv.": "avvocato", "ing.": "ingegner", "Ing.": "ingegner", "on.": "onorevole",
        "On.": "onorevole", "ecc.": "eccetera", "etc.": "eccetera", "p. es.": "per esempio",
        "S.p.A.": "società per azioni",
    },
    feminine={1: "una"}, hour=("ora", "ore"), dot="punto", at="chiocciola", and_word="e",
    number_sign="numero",
)  # fmt: skip

LANGUAGES = {
    "de": GERMAN, "fr": FRENCH, "es": SPANISH, "pt": PORTUGUESE, "pt-br": BRAZILIAN,
    "it": ITALIAN,
}  # fmt: skip
