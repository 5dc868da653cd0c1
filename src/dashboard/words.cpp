// The dashboard's words (words.hpp).
#include "cxgate/dashboard/words.hpp"

namespace cxgate::dashboard {

namespace {

constexpr Words kFinnish{
    "Asiakaskokemus",
    "Kirjaudu",
    "Kirjaudu ulos",
    "Sähköposti",
    "Salasana",
    "Väärä sähköposti tai salasana.",
    "Liian monta yritystä. Yritä uudelleen muutaman minuutin kuluttua.",
    "Palvelu on kiireinen, yritä hetken kuluttua uudelleen.",
    "Sinulla ei ole oikeutta tähän näkymään.",
    "Asiakaspolku",
    "Erittely",
    "Polku",
    "Jakso",
    "viimeiset 28 päivää",
    "Vaihe",
    "vastauksia",
    "vastausprosentti",
    "12 viikon kehitys",
    "muutos",
    "edelliseen jaksoon",
    "tavoite",
    "tavoite saavutettu",
    "tavoitteesta jäätiin",
    "ei vastauksia",
    "virhemarginaalin sisällä",
    "Myynti",
    "liidit",
    "voitetut",
    "hävityt",
    "voittoprosentti",
    "Erittele",
    "myyjä",
    "tiimi",
    "segmentti",
    "kanava",
    "lopputulos",
    "Lataa",
    "± on 95 %:n virhemarginaali.",
    "Näet",
    "kaikki tulokset",
    "tiimisi tulokset",
    "omat tuloksesi",
    "muutokset",
    "Ennen ja jälkeen",
    "ennen",
    "jälkeen",
    "ero",
    "parani",
    "heikkeni",
    "Vastaukset",
    "Hälytykset",
    "aika",
    "asiakas",
    "pisteet",
    "kommentti",
    "Vanhemmat",
    "Ei vielä mitään.",
    "Matalista pisteistä lähteneet hälytykset, uusin ensin. Käsittele hälytys sen sivulla: "
    "kuittaa, vastaa asiakkaalle tai merkitse ratkaistuksi.",
    "Teemat",
    "teema",
    "mainintoja",
    "osuus kommenteista",
    "Kommentit ilman teemaa",
    "käsittely",
    "avoin",
    "kuitattu",
    "ratkaistu",
    "Käsittele",
};

constexpr Words kSwedish{
    "Kundupplevelse",
    "Logga in",
    "Logga ut",
    "E-post",
    "Lösenord",
    "Fel e-post eller lösenord.",
    "För många försök. Försök igen om några minuter.",
    "Tjänsten är upptagen, försök igen om en stund.",
    "Du har inte behörighet till den här vyn.",
    "Kundresa",
    "Nedbrytning",
    "Resa",
    "Period",
    "senaste 28 dagarna",
    "Steg",
    "svar",
    "svarsfrekvens",
    "utveckling 12 veckor",
    "förändring",
    "mot föregående period",
    "mål",
    "målet nått",
    "målet missat",
    "inga svar",
    "inom felmarginalen",
    "Försäljning",
    "leads",
    "vunna",
    "förlorade",
    "vinstandel",
    "Bryt ned",
    "säljare",
    "team",
    "segment",
    "kanal",
    "utfall",
    "Ladda ned",
    "± är felmarginalen på 95 %.",
    "Du ser",
    "alla resultat",
    "ditt teams resultat",
    "dina egna resultat",
    "förändringar",
    "Före och efter",
    "före",
    "efter",
    "skillnad",
    "blev bättre",
    "blev sämre",
    "Svar",
    "Larm",
    "tid",
    "kund",
    "poäng",
    "kommentar",
    "Äldre",
    "Inget ännu.",
    "Larm som låga poäng har skickat, nyaste först. Hantera ett larm på dess sida: kvittera, "
    "svara kunden eller markera det som löst.",
    "Teman",
    "tema",
    "omnämnanden",
    "andel av kommentarerna",
    "Kommentarer utan tema",
    "hantering",
    "öppet",
    "kvitterat",
    "löst",
    "Hantera",
};

constexpr Words kEnglish{
    "Customer experience",
    "Log in",
    "Log out",
    "Email",
    "Password",
    "Wrong email or password.",
    "Too many attempts. Try again in a few minutes.",
    "The service is busy, try again in a moment.",
    "You may not see this view.",
    "Journey",
    "Drill-down",
    "Flow",
    "Period",
    "last 28 days",
    "Step",
    "answers",
    "response rate",
    "12-week trend",
    "change",
    "against the previous period",
    "target",
    "target met",
    "target missed",
    "no answers",
    "within the margin of error",
    "Sales",
    "leads",
    "won",
    "lost",
    "win rate",
    "Break down by",
    "staff",
    "team",
    "segment",
    "channel",
    "outcome",
    "Download",
    "± is the 95% margin of error.",
    "You see",
    "every result",
    "your team's results",
    "your own results",
    "changes",
    "Before and after",
    "before",
    "after",
    "difference",
    "improved",
    "worsened",
    "Responses",
    "Alerts",
    "when",
    "customer",
    "score",
    "comment",
    "Older",
    "Nothing yet.",
    "Alerts sent on low scores, newest first. Handle one on its page: acknowledge it, answer "
    "the customer or mark it resolved.",
    "Themes",
    "theme",
    "mentions",
    "share of comments",
    "Comments of no theme",
    "handling",
    "open",
    "acknowledged",
    "resolved",
    "Handle",
};

}  // namespace

Lang pick_language(const std::string& user_locale, std::string_view accept_language) {
    auto of = [](std::string_view tag) -> int {
        if (tag.substr(0, 2) == "fi") return 0;
        if (tag.substr(0, 2) == "sv") return 1;
        if (tag.substr(0, 2) == "en") return 2;
        return -1;
    };
    if (int l = of(user_locale); l >= 0) return static_cast<Lang>(l);
    // "sv-FI,sv;q=0.9,en;q=0.8": the browser lists its languages best first.
    while (!accept_language.empty()) {
        const auto comma = accept_language.find(',');
        auto tag = accept_language.substr(0, comma);
        while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
        if (int l = of(tag); l >= 0) return static_cast<Lang>(l);
        if (comma == std::string_view::npos) break;
        accept_language.remove_prefix(comma + 1);
    }
    return Lang::en;
}

std::string_view code(Lang lang) {
    switch (lang) {
        case Lang::fi:
            return "fi";
        case Lang::sv:
            return "sv";
        case Lang::en:
            return "en";
    }
    return "en";
}

const Words& words(Lang lang) {
    switch (lang) {
        case Lang::fi:
            return kFinnish;
        case Lang::sv:
            return kSwedish;
        case Lang::en:
            return kEnglish;
    }
    return kEnglish;
}

}  // namespace cxgate::dashboard
