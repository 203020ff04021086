@testable import Boilerstrip
import Testing

@Suite struct CleanerTests {
    @Test func theExampleLosesItsLastTwoLinesOnly() throws {
        let text = Support.example
        let decision = Support.clean(text)
        let cleaned = Support.string(decision.cleanedBytes)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(cleaned.contains("Un partenaire soucieux de sa souveraineté\n"))
        #expect(cleaned == lines.dropLast(2).joined(separator: "\n") + "\n")
        #expect(decision.removed.map { Support.builtin.rules[$0.evidence.rule].id } == ["lemonde-remaining-fr", "yoast-footer-fr"])
        let meta = decision.metadata
        #expect(meta.paywalled)
        #expect(meta.truncated)
        #expect(meta.remainingPercent == 64.96)
        #expect(meta.syndication.originalTitle == "Entre le Kazakhstan et la Russie, une relation ambivalente")
        #expect(meta.syndication.originalSite == "zimo news")
        #expect(meta.confidence > 0.9)
    }

    /// A cleaner over the built-in catalogue compiles none of its patterns at the start, not even those whose
    /// named captures it reads: a rule's pattern compiles at its first match attempt, its capture numbers are read at
    /// its first match. On a document without entities only the plain forms compile.
    @Test func theStartCompilesNoBuiltInPatternAndCapturesAreReadAtTheFirstMatch() throws {
        let catalogue = try Catalogue.builtin()
        let cleaner = try Cleaner(catalogue: catalogue)
        #expect(catalogue.rules.filter { $0.regex.isCompiled || $0.plainRegex.isCompiled }.isEmpty)
        let meta = cleaner.clean(Array(Support.example.utf8), in: cleaner.makeWorkspace()).metadata
        #expect(meta.syndication.originalTitle == "Entre le Kazakhstan et la Russie, une relation ambivalente")
        #expect(meta.syndication.originalSite == "zimo news")
        let compiled = catalogue.rules.filter(\.plainRegex.isCompiled).map(\.id)
        #expect(compiled.contains("yoast-footer-fr"))
        #expect(compiled.count < catalogue.rules.count / 4, "\(compiled.count) patterns compiled for one document")
        #expect(catalogue.rules.filter { $0.regex !== $0.plainRegex && $0.regex.isCompiled }.isEmpty, "a full form compiled")
        // With an entity in the footer, its full form compiles and still reads the captures.
        let entities = Support.example.replacingOccurrences(of: "est apparu en premier sur", with: "est apparu&nbsp;en premier sur")
        let again = cleaner.clean(Array(entities.utf8), in: cleaner.makeWorkspace()).metadata
        #expect(again.syndication.originalSite == "zimo news")
        #expect(try #require(catalogue.rule(id: "yoast-footer-fr")).regex.isCompiled)
    }

    /// `--rule-timings` counts compiling a pattern at its first use apart from matching with it: once per run, not
    /// per line.
    @Test func ruleTimingsKeepCompilingApartFromMatching() throws {
        let catalogue = try Catalogue.builtin()
        let cleaner = try Cleaner(catalogue: catalogue)
        let workspace = cleaner.makeWorkspace()
        let timings = RuleTimings(ruleCount: catalogue.rules.count)
        workspace.timings = timings
        _ = cleaner.clean(Array(Support.example.utf8), in: workspace)
        let yoast = try #require(catalogue.rules.firstIndex { $0.id == "yoast-footer-fr" })
        #expect(timings.calls[yoast] >= 1 && timings.nanoseconds[yoast] > 0 && timings.compileNanoseconds[yoast] > 0)
        let compiled = timings.compileNanoseconds[yoast]
        _ = cleaner.clean(Array(Support.example.utf8), in: workspace)
        #expect(timings.compileNanoseconds[yoast] == compiled)  // compiled once
        #expect(timings.calls[yoast] >= 2)
        // Every rule tried was compiled first, and only those.
        for rule in catalogue.rules.indices { #expect((timings.calls[rule] > 0) == (timings.compileNanoseconds[rule] > 0), "\(catalogue.rules[rule].id)") }
        #expect(timings.report(catalogue).hasPrefix("compiling \(timings.compileNanoseconds.filter { $0 > 0 }.count) patterns"))
    }

    @Test func cleanedTextAndRemovedSpansRebuildTheInput() {
        for text in [Support.example, "Intro.\n\nThe post A appeared first on B.\n", "x\r\nRead more\r\n", "A long line. Read more"] {
            let decision = Support.clean(text)
            var rebuilt: [UInt8] = []
            var cursor = 0
            for span in decision.removed {
                rebuilt += decision.document.bytes[cursor..<span.span.lowerBound]
                rebuilt += decision.document.bytes[span.span]
                cursor = span.span.upperBound
            }
            rebuilt += decision.document.bytes[cursor...]
            #expect(rebuilt == Array(text.utf8))
            #expect(decision.cleanedBytes.count + decision.removed.map(\.span.count).reduce(0, +) == text.utf8.count)
        }
    }

    @Test func cleaningTwiceRemovesNothingMore() {
        for text in [Support.example, "Intro.\n\nThe post A appeared first on B.\n\n", "Text here. Read more"] {
            let once = Support.clean(text)
            let twice = Support.clean(Support.string(once.cleanedBytes))
            #expect(twice.removed.isEmpty, "\(text.debugDescription)")
        }
    }

    @Test func noBlankLinesLeftBehind() {
        let decision = Support.clean("First paragraph.\n\nSecond paragraph.\n\nThe post A appeared first on B.\n\n")
        #expect(Support.string(decision.cleanedBytes) == "First paragraph.\n\nSecond paragraph.\n")
    }

    @Test func aTailRuleInTheMiddleIsOnlyFlagged() {
        let prose = (1...5).map { "Paragraph \($0) of the article goes on about the ministers and their plans.\n" }.joined()
        let text = "The post office appeared first on a hill.\n" + prose
        let decision = Support.clean("The post Mid appeared first on Site.\n" + prose)
        #expect(decision.removed.isEmpty)
        #expect(decision.flagged.count == 1)
        #expect(decision.flagged[0].score < 0.5)
        #expect(Support.clean(text).removed.isEmpty)
    }

    @Test func shortChromeAfterANoticeDoesNotHideIt() {
        let text = "Le vin a trouvé son public, notamment sous la forme de bandes dessinées pédagogiques.\n"
            + "Il vous reste 69.06% de cet article à lire. La suite est réservée aux abonnés.\n"
            + "CONTENUS SPONSORISÉS PAR OUTBRAIN\nPUBLICITÉ\nFRANCE 24\nLes meilleures chaussures pour marcher\n"
        let decision = Support.clean(text)
        #expect(decision.removed.contains { Support.builtin.rules[$0.evidence.rule].id == "lemonde-remaining-fr" })
        #expect(decision.metadata.paywalled)
        #expect(decision.metadata.remainingPercent == 69.06)
    }

    @Test func aWidgetHeaderTakesTheWidgetWithItUnlessProseFollows() {
        let article = "Le vin a trouvé son public, notamment sous la forme de bandes dessinées pédagogiques.\n"
        let widget = "CONTENUS SPONSORISÉS PAR OUTBRAIN\nPUBLICITÉ\nFRANCE 24\nLes meilleures chaussures pour marcher\n"
        let decision = Support.clean(article + widget)
        #expect(Support.string(decision.cleanedBytes) == article)
        #expect(decision.removed.count == 1)
        #expect(Support.builtin.rules[decision.removed[0].evidence.rule].id == "sponsored-widget-header-multi")
        // Prose after the header: only the header and the labels go.
        let prose = "Le conseil municipal a voté le budget après un long débat sur les écoles et les routes de la commune.\n"
        let kept = Support.clean(article + widget + prose)
        #expect(Support.string(kept.cleanedBytes) == article + "FRANCE 24\nLes meilleures chaussures pour marcher\n" + prose)
    }

    @Test func aNoticeFollowedByProseIsNotAPaywall() {
        let prose = "The council will meet again next week to discuss the budget, the mayor told reporters on Friday.\n"
        let decision = Support.clean("Intro line of the story that sets the scene for readers.\nRead more\n" + prose + prose + prose + prose)
        #expect(!decision.metadata.truncated)
        #expect(!decision.metadata.paywalled)
    }

    @Test func midSentenceStopIsACutOff() {
        let text = "The minister spoke for an hour. She said that the reform of the pension system would be presented to the cabinet once the unions and the employers had agreed on the"
        #expect(Support.clean(text).metadata.truncatedBy == "cut-off:mid-sentence")
        #expect(Support.clean("A heading without a final stop\n").metadata.truncated == false)
        #expect(Support.clean("Ein Text. Video: Siebrand Wiegman und viele andere Leute aus der Redaktion von heute abend").metadata.truncated == false)
    }

    @Test func wireCreditsAreNamedAsUsual() {
        #expect(Support.clean("Shr 28 cts vs 22 cts\nREUTER^M\n").metadata.syndication.credit == "Reuters")
    }

    @Test func inAOneLineArticleOnlyTheSpanGoes() {
        let text = "Le ministre a parlé longuement. Il a annoncé un plan. Il vous reste 40% de cet article à lire."
        let decision = Support.clean(text)
        #expect(Support.string(decision.cleanedBytes) == "Le ministre a parlé longuement. Il a annoncé un plan.")
        #expect(decision.metadata.remainingPercent == 40)
        #expect(decision.removed.count == 1)
        #expect(!decision.removed[0].wholeLine)
    }

    @Test func spanAtTheEndOfALineTakesItsSpaces() {
        let decision = Support.clean("He said the plan would come next week […]\n")
        #expect(Support.string(decision.cleanedBytes) == "He said the plan would come next week\n")
        #expect(decision.metadata.truncated)
        #expect(!decision.metadata.paywalled)
    }

    @Test func ellipsisEndingIsACutOff() {
        let decision = Support.clean("The minister said that the reform would be presented to the cabinet once the unions had…")
        #expect(decision.metadata.truncated)
        #expect(decision.metadata.truncatedBy == "cut-off:ellipsis")
        #expect(decision.removed.isEmpty)
    }

    @Test func excerptsCutMidSentenceInAParagraphOrInChineseAndJapanese() {
        let paragraph = "The deal is now live, offering 20% off gift cards for cardholders.\n\n+10% points back if you hold a Rewards+ card, making a $100 redemption effectively"
        #expect(Support.clean(paragraph).metadata.truncatedBy == "cut-off:mid-sentence")
        // A closing heading after a finished paragraph is not a cut: too short.
        #expect(!Support.clean("The council approved the budget on Friday.\n\nMore on the city budget").metadata.truncated)
        let japanese = "楽天モバイルが、12月4日よりスタートするセールにおいて、AirPodsを特価で販売することを案内しています。 セール対象となるのは、「AirP"
        #expect(Support.clean(japanese).metadata.truncatedBy == "cut-off:mid-sentence")
        #expect(!Support.clean("楽天モバイルが、セールにおいてAirPodsを特価で販売することを案内しています。").metadata.truncated)
        // A short line after the last full stop (a name, a source) is not a cut.
        #expect(!Support.clean("楽天モバイルが、セールにおいてAirPodsを特価で販売することを案内しています。 出典：楽天").metadata.truncated)
    }

    @Test func aWholeArticleEndingOnAStylisticEllipsisIsNotCut() {
        let body = String(repeating: "Le conseil municipal a voté le budget après un long débat sur les écoles et les routes. ", count: 12)
        #expect(!Support.clean(body + "A suivre donc...").metadata.truncated)
        #expect(!Support.clean(body + "Elle a ajouté que la réforme serait présentée au conseil des ministres une fois que les syndicats auraient").metadata.truncated)
        // The same endings on an excerpt are cuts.
        #expect(Support.clean("Le conseil a voté le budget. A suivre donc...").metadata.truncatedBy == "cut-off:ellipsis")
        #expect(Support.string(Array(body.utf8)).count > CutOff.excerptMaximumCharacters)
        // Characters count, not bytes: an excerpt of 700 characters in 1,300 bytes is cut, one of 1,300 is not.
        let russian = String(repeating: "Совет проголосовал за бюджет после долгих дебатов о школах. ", count: 12)
        #expect(russian.utf8.count > CutOff.excerptMaximumCharacters && russian.count < CutOff.excerptMaximumCharacters)
        #expect(Support.clean(russian + "Продолжение следует...").metadata.truncatedBy == "cut-off:ellipsis")
        #expect(!Support.clean(russian + russian + "Продолжение следует...").metadata.truncated)
    }

    @Test func cleanTextComesBackUnchanged() {
        let text = "Subscribers to the service rose 12% last year, the company said.\nIt first appeared on the market in 2010.\n"
        let decision = Support.clean(text)
        #expect(decision.removed.isEmpty)
        #expect(decision.cleanedBytes == Array(text.utf8))
        #expect(!decision.metadata.truncated && !decision.metadata.paywalled)
    }

    @Test func aRunawayUserRuleLeavesTheDocumentUnchanged() throws {
        // Not "^(a+)+$": a match of that ends its line, so PCRE2 would only be tried near the end, past the a's.
        let yaml = Support.ruleFile(id: "runaway", family: "promo", pattern: "^(a+)+(?:!!|$)", position: "any", match: ["aaa"], keep: ["b"],
                                    extra: "    requires: [a]")
        let cleaner = try Cleaner(catalogue: Support.catalogue(yaml))
        let text = String(repeating: "a", count: 5000) + "!"
        let decision = cleaner.clean(Array(text.utf8), in: Cleaner.Workspace(limits: .init(match: 10_000)))
        #expect(decision.failure?.ruleID == "runaway")
        #expect(decision.removed.isEmpty)
        #expect(decision.cleanedBytes == Array(text.utf8))
    }

    @Test func invalidUTF8IsWrittenBackByteForByte() {
        var bytes = Array("Texte valide ".utf8) + [0xFF, 0xC3] + Array(" suite.\nRead more\n".utf8)
        let decision = Support.cleaner.clean(bytes, in: Support.cleaner.makeWorkspace())
        bytes.removeLast("Read more\n".utf8.count)
        #expect(decision.cleanedBytes == bytes)
    }

    @Test func aWholeLineMatchWinsOverAHigherScoringSentenceOfIt() throws {
        let yaml = """
        family: paywall
        language: fr
        rules:
          - id: t-line
            pattern: '^Vous avez envie de lire la suite \\? Débloquez tous les articles\\.$'
            position: tail
            weight: 0.9
            examples:
              match: ['Vous avez envie de lire la suite ? Débloquez tous les articles.']
              keep: ['x']
          - id: t-sentence
            pattern: 'Débloquez tous les articles\\.$'
            position: tail
            weight: 0.99
            examples:
              match: ['«Débloquez tous les articles.»']
              keep: ['x']
        """
        let cleaner = try Cleaner(catalogue: Support.catalogue(yaml))
        let decision = Support.clean("Texte.\nVous avez envie de lire la suite ? Débloquez tous les articles.\n", with: cleaner)
        #expect(Support.string(decision.cleanedBytes) == "Texte.\n")
        #expect(decision.removed.map { cleaner.catalogue.rules[$0.evidence.rule].id } == ["t-line"])
    }
}
