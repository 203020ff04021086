import Boilerstrip

/// A deterministic, boilerplate-heavy mix of generated news articles in English, French and German:
/// article-length prose (4–12 paragraphs of 2–6 sentences, about 1.5–9 KB) with the boilerplate that scrapers
/// leave in — paywall notices at the cut, WordPress/Yoast "The post … appeared first on …" footers, Jetpack share
/// widgets, share counts, "Read more" teasers, feed excerpts ending in "[…]", wire sign-offs — in most articles.
struct BoilerplateMix {
    struct Article {
        let language: String
        let title: String
        let text: [UInt8]
        /// How many boilerplate pieces were put in.
        let planted: Int
    }

    let articles: [Article]

    /// Articles until their texts add up to `bytes`.
    init(bytes: Int, seed: UInt64 = 0x6B6F_696C_6572) {
        var random = SplitMix64(seed: seed)
        var articles: [Article] = []
        var total = 0
        while total < bytes {
            let article = Self.article(number: articles.count, random: &random)
            total += article.text.count
            articles.append(article)
        }
        self.articles = articles
    }

    /// The articles as JSON Lines records, shaped like the shared corpus's.
    func jsonlLines() -> [ArraySlice<UInt8>] {
        articles.enumerated().map { index, article in
            var line = Array(#"{"id": "mix-\#(index)", "lang": "\#(article.language)", "source": "generated", "title": "#.utf8)
            JSONString.encode(Array(article.title.utf8), to: &line)
            line += Array(#", "text": "#.utf8)
            JSONString.encode(article.text, to: &line)
            line += Array("}\n".utf8)
            return line[...]
        }
    }

    // MARK: - Generation

    static func article(number: Int, random: inout SplitMix64) -> Article {
        let roll = random.next(100)
        let language = roll < 50 ? Language.english : roll < 80 ? .french : .german
        let title = language.sentence(random: &random, final: "")
        var paragraphs: [String] = []
        for _ in 0..<(4 + random.next(9)) {
            paragraphs.append((0..<(2 + random.next(5))).map { _ in language.sentence(random: &random, final: ".") }.joined(separator: " "))
        }
        var planted = 0
        // 85% of the articles carry boilerplate; some carry two or three pieces.
        if random.next(100) < 85 {
            // Inline: a share count on top, a teaser line, a share widget after the first paragraph.
            if random.next(100) < 20 {
                paragraphs.insert("\(1 + random.next(900)) \(language.sharesWord)", at: 0); planted += 1
            }
            if random.next(100) < 25 {
                let at = 1 + random.next(paragraphs.count - 1)
                paragraphs.insert(language.teaser + language.sentence(random: &random, final: ""), at: at); planted += 1
            }
            // At the end: a cut with a paywall notice or "[…]", or a footer, or a share widget; sometimes two.
            switch random.next(6) {
            case 0:  // paywall notice glued to the last paragraph, or on its own line
                let percent = "\(10 + random.next(80)).\(random.next(10))\(random.next(10))%"
                let notice = language.paywall(percent: percent)
                if random.next(2) == 0 { paragraphs[paragraphs.count - 1] += " " + notice } else { paragraphs.append(notice) }
                planted += 1
            case 1:  // a feed excerpt cut with […]
                paragraphs[paragraphs.count - 1] = String(paragraphs[paragraphs.count - 1].dropLast()) + " […]"
                planted += 1
            case 2:  // Yoast footer
                paragraphs.append(language.yoast(title: title, site: language.sites[random.next(language.sites.count)])); planted += 1
            case 3:  // Jetpack share widget, then a Yoast footer
                paragraphs.append(language.shareWidget)
                paragraphs.append(language.yoast(title: title, site: language.sites[random.next(language.sites.count)]))
                planted += 2
            case 4:  // share buttons line
                paragraphs.append(language.shareButtons); planted += 1
            default: // wire credit
                paragraphs.append(language.wireCredit); planted += 1
            }
        }
        return Article(language: language.code, title: title, text: Array(paragraphs.joined(separator: "\n\n").utf8), planted: planted)
    }

    struct Language: Sendable {
        let code: String
        let subjects: [String]
        let verbs: [String]
        let objects: [String]
        let times: [String]
        let endings: [String]
        let sites: [String]
        let sharesWord: String
        let teaser: String
        let shareWidget: String
        let shareButtons: String
        let wireCredit: String
        let paywallTemplate: String
        let yoastTemplate: String

        func sentence(random: inout SplitMix64, final: String) -> String {
            func pick(_ list: [String]) -> String { list[random.next(list.count)] }
            let ending = final.isEmpty ? "" : pick(endings)
            return "\(pick(subjects)) \(pick(verbs)) \(pick(objects)) \(pick(times))\(ending)"
        }

        func paywall(percent: String) -> String { paywallTemplate.replacingPlaceholder("%P", with: percent) }

        func yoast(title: String, site: String) -> String {
            yoastTemplate.replacingPlaceholder("%T", with: title).replacingPlaceholder("%S", with: site)
        }

        static let english = Language(
            code: "en",
            subjects: ["The government", "The city council", "Police", "The central bank", "Researchers at the university",
                       "The company", "Local residents", "The opposition party", "Health officials", "The football club",
                       "The prime minister", "Union leaders", "The regional court", "Investors", "The energy regulator"],
            verbs: ["announced", "rejected", "confirmed", "criticised", "postponed", "approved", "investigated",
                    "welcomed", "proposed", "questioned", "defended", "unveiled"],
            objects: ["a plan to cut emissions by half", "the proposed budget for next year", "the merger with its largest rival",
                      "plans for a new stadium near the river", "the closure of two rural hospitals", "an increase in interest rates",
                      "a report on housing shortages", "new rules for short-term rentals", "the sale of the national airline",
                      "a strike over pay and working hours", "the results of the first clinical trial"],
            times: ["on Monday", "last week", "earlier this year", "after months of talks", "on Thursday evening",
                    "before the summer recess", "for the third time this year", "in a surprise move"],
            endings: [".", ", a spokesperson said.", ", according to a statement.", " despite strong opposition.",
                      ", officials told reporters.", " as prices kept rising."],
            sites: ["Garden Weekly", "zimo news", "The Daily Ledger", "tech-insider.net", "Northern Post"],
            sharesWord: "Shares",
            teaser: "Read more: ",
            shareWidget: "Share this:EmailFacebookLinkedInTwitterPocketLike this:Like Loading...",
            shareButtons: "Share on Facebook Share on Twitter Share via Email",
            wireCredit: "REUTER",
            paywallTemplate: "You have %P of this article left to read. The rest is for subscribers only.",
            yoastTemplate: "The post %T appeared first on %S."
        )

        static let french = Language(
            code: "fr",
            subjects: ["Le gouvernement", "Le conseil municipal", "La police", "La Banque centrale", "Des chercheurs de l’université",
                       "L’entreprise", "Les habitants", "Le parti d’opposition", "Les autorités sanitaires", "Le club de football",
                       "La Première ministre", "Les syndicats", "Le tribunal administratif", "Les investisseurs"],
            verbs: ["a annoncé", "a rejeté", "a confirmé", "a critiqué", "a reporté", "a approuvé", "a examiné",
                    "a salué", "a proposé", "a remis en cause", "a défendu", "a dévoilé"],
            objects: ["un plan pour réduire les émissions de moitié", "le projet de budget pour l’an prochain",
                      "la fusion avec son principal concurrent", "le projet d’un nouveau stade au bord du fleuve",
                      "la fermeture de deux hôpitaux ruraux", "une hausse des taux d’intérêt", "un rapport sur la crise du logement",
                      "de nouvelles règles pour les locations de courte durée", "la vente de la compagnie aérienne nationale"],
            times: ["lundi", "la semaine dernière", "en début d’année", "après des mois de négociations", "jeudi soir",
                    "avant la trêve estivale", "pour la troisième fois cette année", "à la surprise générale"],
            endings: [".", ", a indiqué un porte-parole.", ", selon un communiqué.", " malgré une forte opposition.",
                      ", ont précisé les services de l’État.", " alors que les prix continuent de grimper."],
            sites: ["zimo news", "BlogAutomobile", "Le Journal du Centre", "actu-locale.fr"],
            sharesWord: "Shares",
            teaser: "À lire aussi : ",
            shareWidget: "Partager :TwitterFacebookE-mailImprimerJ’aime ça\u{A0}:J’aime chargement…",
            shareButtons: "Partager sur Facebook Partager sur Twitter Envoyer par courriel",
            wireCredit: "Avec AFP",
            paywallTemplate: "Il vous reste %P de cet article à lire. La suite est réservée aux abonnés.",
            yoastTemplate: "L’article %T est apparu en premier sur %S."
        )

        static let german = Language(
            code: "de",
            subjects: ["Die Bundesregierung", "Der Stadtrat", "Die Polizei", "Die Europäische Zentralbank", "Forscher der Universität",
                       "Das Unternehmen", "Die Anwohner", "Die Opposition", "Das Gesundheitsamt", "Der Fußballverein",
                       "Die Kanzlerin", "Die Gewerkschaften", "Das Verwaltungsgericht", "Die Anleger"],
            verbs: ["bestätigte", "kritisierte", "verschob", "billigte", "prüfte", "begrüßte", "verteidigte",
                    "forderte", "beschloss", "verhinderte", "untersuchte"],
            objects: ["einen Plan zur Halbierung der Emissionen", "den Haushaltsentwurf für das kommende Jahr",
                      "die Fusion mit dem größten Konkurrenten", "die Pläne für ein neues Stadion am Fluss",
                      "die Schließung zweier Krankenhäuser auf dem Land", "eine Anhebung der Leitzinsen",
                      "einen Bericht über die Wohnungsnot", "neue Regeln für Ferienwohnungen"],
            times: ["am Montag", "in der vergangenen Woche", "Anfang des Jahres", "nach monatelangen Verhandlungen",
                    "am Donnerstagabend", "vor der Sommerpause", "zum dritten Mal in diesem Jahr", "überraschend"],
            endings: [".", ", teilte ein Sprecher mit.", ", hieß es in einer Mitteilung.", " trotz heftiger Kritik.",
                      ", sagten Beamte.", " während die Preise weiter steigen."],
            sites: ["rundschau.de", "Nordkurier Online", "inside digital", "Lokalzeitung Online"],
            sharesWord: "Shares",
            teaser: "Lesen Sie auch: ",
            shareWidget: "Teilen mit:TwitterFacebookE-MailDruckenGefällt mir:Gefällt mir Wird geladen …",
            shareButtons: "Auf Facebook teilen | Bei Twitter teilen | Per E-Mail versenden",
            wireCredit: "Mit Material von dpa",
            paywallTemplate: "Diesen Artikel weiterlesen mit SPIEGEL+",
            yoastTemplate: "Der Beitrag %T erschien zuerst auf %S."
        )
    }
}

extension String {
    func replacingPlaceholder(_ placeholder: String, with value: String) -> String {
        split(separator: placeholder, omittingEmptySubsequences: false).joined(separator: value)
    }
}

extension SplitMix64 {
    /// A number in 0..<bound.
    mutating func next(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
