@testable import Boilerstrip
import Testing

@Suite struct RuleLoaderTests {
    func loadError(_ yaml: String, path: String = "Rules/x/en.yaml") -> RuleLoadError? {
        do {
            _ = try Catalogue(rules: RuleLoader.load(yaml: yaml, path: path))
            return nil
        } catch {
            return error
        }
    }

    @Test func loadsAValidRule() throws {
        let rules = try RuleLoader.load(yaml: Support.ruleFile(pattern: "^Subscribe now{eos}", match: ["Subscribe now"], keep: ["Subscribe now to the idea"]), path: "a.yaml")
        #expect(rules.count == 1)
        #expect(rules[0].id == "t-rule")
        #expect(rules[0].family == .paywall)
        #expect(rules[0].literals == [["subscribe"], ["now"]])
        #expect(!rules[0].literalsDeclared)
        #expect(rules[0].location == RuleLocation(file: "a.yaml", line: 4))
    }

    @Test func brokenPatternNamesFileLineRuleAndOffset() throws {
        let error = try #require(loadError(Support.ruleFile(id: "bad-one", pattern: "^Subscribe (now", match: ["Subscribe now"], keep: ["x"])))
        #expect(error.file == "Rules/x/en.yaml")
        #expect(error.line == 6)
        #expect(error.ruleID == "bad-one")
        #expect(error.message.contains("does not compile"))
        #expect(error.message.contains("offset 15"))
        #expect(error.description.hasPrefix("Rules/x/en.yaml:6: error: rule bad-one: "))
    }

    @Test func duplicateIDsAreRejectedWithBothPlaces() throws {
        let one = Support.ruleFile(id: "same", pattern: "^A$", match: ["A"], keep: ["B"])
        let rules = try RuleLoader.load(yaml: one, path: "a.yaml") + RuleLoader.load(yaml: one, path: "b.yaml")
        #expect(throws: RuleLoadError.self) { try Catalogue(rules: rules) }
        do { _ = try Catalogue(rules: rules) } catch {
            #expect(error.file == "b.yaml")
            #expect(error.ruleID == "same")
            #expect(error.message.contains("a.yaml:4"))
        }
    }

    /// Files load in parallel: the rules still come in the files' order, and of several bad files the first in
    /// that order is the one named.
    @Test func parallelLoadingKeepsFileOrderAndNamesTheFirstBadFile() throws {
        let files = (0..<12).map { index in
            (path: "f\(index).yaml", text: Support.ruleFile(id: "rule-\(index)", pattern: "^A\(index)$", match: ["A\(index)"], keep: ["B"]))
        }
        #expect(try Catalogue.load(files: files).map(\.id) == (0..<12).map { "rule-\($0)" })
        var broken = files
        for index in [9, 4, 7] {
            broken[index].text = Support.ruleFile(id: "bad-\(index)", pattern: "^(A", match: ["A"], keep: ["B"])
        }
        do {
            _ = try Catalogue.load(files: broken)
            Issue.record("a bad file loaded")
        } catch {
            #expect(error.file == "f4.yaml")
            #expect(error.ruleID == "bad-4")
        }
    }

    /// A declared literal longer than the filter takes (255 bytes) loads, and the screen still lets its line through.
    @Test func aVeryLongDeclaredLiteralIsScreenedByItsEnd() throws {
        let phrase = String(repeating: "subscribe now ", count: 25) + "please"
        let yaml = Support.ruleFile(id: "long-literal", pattern: "\\b\(phrase)$", match: ["Yes \(phrase)"], keep: ["B"],
                                    extra: "    requires: ['\(phrase)']")
        let catalogue = try Catalogue(rules: RuleLoader.load(yaml: yaml, path: "a.yaml"))
        let document = Document(bytes: Array("First line\nYes \(phrase)".utf8))
        #expect(catalogue.screen.candidates(in: document).map { [$0.segment, $0.rule] } == [[1, 0]])
    }

    @Test func ruleWithoutExamplesDoesNotLoad() throws {
        let yaml = """
        family: promo
        language: en
        rules:
          - id: no-examples
            pattern: '^Advertisement$'
        """
        let error = try #require(loadError(yaml))
        #expect(error.ruleID == "no-examples")
        #expect(error.line == 4)
        #expect(error.message.contains("examples"))
        let onlyMatch = yaml + "\n    examples:\n      match: ['Advertisement']\n"
        #expect(try #require(loadError(onlyMatch)).message.contains("keep"))
    }

    @Test func badYAMLNamesTheLine() throws {
        let error = try #require(loadError("family: promo\nlanguage: en\nrules:\n  - id: x\n   pattern: [unclosed\n"))
        #expect(error.line >= 4)
        #expect(error.message.contains("YAML"))
    }

    @Test func examplesMustBehaveAtLoad() throws {
        let firing = try #require(loadError(Support.ruleFile(id: "fires", pattern: "Subscribe", match: ["Subscribe now"], keep: ["Subscribe to the idea"])))
        #expect(firing.ruleID == "fires")
        #expect(firing.line == 14)
        #expect(firing.message.contains("keep example matches"))
        let silent = try #require(loadError(Support.ruleFile(id: "silent", pattern: "^Nope$", match: ["Subscribe now"], keep: ["x"])))
        #expect(silent.message.contains("does not match"))
    }

    @Test func unknownKeysFamiliesAndTokensAreErrors() throws {
        #expect(try #require(loadError(Support.ruleFile(family: "nonsense", pattern: "^A$", match: ["A"], keep: ["B"]))).message.contains("unknown family"))
        #expect(try #require(loadError(Support.ruleFile(pattern: "^A{nope}$", match: ["A"], keep: ["B"]))).message.contains("{nope}"))
        #expect(try #require(loadError(Support.ruleFile(pattern: "^A$", match: ["A"], keep: ["B"], extra: "    colour: red"))).message.contains("unknown key 'colour'"))
    }

    @Test func creditAndToEndAreTrueOrFalse() throws {
        let rules = try RuleLoader.load(yaml: Support.ruleFile(pattern: "^A$", match: ["A"], keep: ["B"], extra: "    credit: true\n    to_end: false"), path: "a.yaml")
        #expect(rules[0].isCredit && !rules[0].extendsToEnd)
        let error = try #require(loadError(Support.ruleFile(pattern: "^A$", match: ["A"], keep: ["B"], extra: "    to_end: yes")))
        #expect(error.message == "to_end must be true or false")
        #expect(error.line == 9)
    }

    @Test func declaredLiteralsAreLowercased() throws {
        let rules = try RuleLoader.load(yaml: Support.ruleFile(pattern: "^(?i)abonnés", match: ["Abonnés"], keep: ["x"], extra: "    requires: [ABONN]"), path: "a.yaml")
        #expect(rules[0].literals == [["abonn"]])
        #expect(rules[0].literalsDeclared)
    }

    @Test func requiresMayListGroupsThatMustAllOccur() throws {
        let rules = try RuleLoader.load(yaml: Support.ruleFile(pattern: "^Les mer{eos}", match: ["Les mer"], keep: ["Les gens de mer"], extra: "    requires: [[les], [mer, more]]"), path: "a.yaml")
        #expect(rules[0].literals == [["les"], ["mer", "more"]])
        let screen = Screen(rules: rules)
        #expect(screen.candidates(in: Document("Les mer")).count == 1)
        #expect(screen.candidates(in: Document("Les enfants\nla mer")).isEmpty)
    }

    @Test func shortWordsBehindASelectiveGroupAreCheckedOnTheLine() throws {
        let rules = try RuleLoader.load(yaml: Support.ruleFile(pattern: "(?i)^Weiterlesen mit (?:SPIEGEL|Plus){eos}", match: ["Weiterlesen mit Plus"],
                                                               keep: ["Weiterlesen"], extra: "    requires: [[weiterlesen], [mit]]"), path: "a.yaml")
        let screen = Screen(rules: rules)
        // "mit" is not filtered: the lines "weiterlesen" meets are searched for it.
        #expect(screen.filter.patternCount == 1)
        #expect(screen.candidates(in: Document("Weiterlesen mit Plus")).count == 1)
        #expect(screen.candidates(in: Document("WEITERLESEN MIT PLUS")).count == 1)
        #expect(screen.candidates(in: Document("Weiterlesen\nmit Plus")).isEmpty)
        #expect(screen.candidates(in: Document("Weiterlesen limit")).isEmpty)
        // Two short groups stay in the filter: neither is selective enough to check the other on its lines.
        let short = try RuleLoader.load(yaml: Support.ruleFile(pattern: "^Les mer{eos}", match: ["Les mer"], keep: ["Les gens de mer"],
                                                               extra: "    requires: [[les], [mer]]"), path: "a.yaml")
        #expect(Screen(rules: short).filter.patternCount == 2)
    }

    /// A rule whose matches start their line is a candidate only for lines that begin with a byte a match can begin
    /// with (after a byte order mark): its literal elsewhere on a line lets nothing through. The same holds for a rule
    /// without literals, which is otherwise a candidate for every line.
    @Test func aRuleThatStartsItsLineIsTriedOnlyOnLinesThatBeginRight() throws {
        let rules = try RuleLoader.load(yaml: Support.ruleFile(pattern: "^(?:Share|Teilen)(?: this)?{eos}", match: ["Share this"],
                                                               keep: ["We share this"], extra: "    requires: [share, teilen]"), path: "a.yaml")
        #expect(rules[0].lineStart == ByteSet("ST".utf8))
        let screen = Screen(rules: rules)
        let document = Document("Share this\nWe share this\nSHARE\nTeilen\nteilen\n Share\n\u{FEFF}Share")
        #expect(screen.candidates(in: document).map(\.segment) == [0, 3])
        #expect(screen.candidates(in: Document("\u{FEFF}Share")).count == 1)  // a byte order mark starts only the text

        let bare = try RuleLoader.load(yaml: Support.ruleFile(pattern: "^\\d{1,3}{eos}", match: ["12"], keep: ["a12"]), path: "a.yaml")
        #expect(bare[0].screenLiterals.isEmpty)
        #expect(Screen(rules: bare).candidates(in: Document("12\nabc\n3 \n\n x")).map(\.segment) == [0, 2])
    }

    @Test func builtinCatalogueLoadsWithUniqueIDs() {
        #expect(Support.builtin.rules.count >= 5)
        #expect(Set(Support.builtin.rules.map(\.id)).count == Support.builtin.rules.count)
        #expect(Support.builtin.rule(id: "lemonde-remaining-fr") != nil)
        #expect(Support.builtin.rule(id: "yoast-footer-fr") != nil)
    }

    @Test func guillemetsInExamples() throws {
        let marked = try RuleExample(marked: #"Il a dit \« non \».«[…]»"#, line: 1)
        #expect(marked.text == "Il a dit « non ».[…]")
        #expect(marked.span == Array("Il a dit « non ».".utf8).count..<Array("Il a dit « non ».[…]".utf8).count)
        let keep = RuleExample(text: "Il a dit « non ».", line: 1)
        #expect(keep.span == nil && keep.text == "Il a dit « non ».")
    }
}

@Suite struct RuleLinterTests {
    @Test func aDeclaredLiteralInACaseTheScreenDoesNotFoldIsReported() throws {
        func findings(_ requires: String) throws -> [RuleLinter.Finding] {
            let yaml = Support.ruleFile(id: "t-ctk", family: "syndication", pattern: #"\((?:ČTK|CTK)\)$"#,
                                        match: ["(CTK)", "(ČTK)"], keep: ["x"], extra: "    requires: [\(requires)]")
            return try RuleLinter(catalogue: Support.catalogue(yaml)).lint().filter { $0.message.contains("does not fold") }
        }
        // The screen folds Latin-1 capitals but not Č: "čtk" never meets "ČTK".
        #expect(try findings("'čtk', 'ctk'").map(\.message).contains { $0.contains(#""čtk""#) })
        #expect(try findings("'ČTK', 'ctk'").isEmpty)
    }

    /// A rule with no group the filter can look for (each with a one-byte literal, or two bytes free in front) is
    /// reported as weak; a two-byte word the pattern bounds before fills a window with the byte before it and is not.
    @Test func aRuleTheFilterCannotLookForIsReportedAsWeak() throws {
        func weak(_ pattern: String, _ match: String, _ requires: String) throws -> Bool {
            let yaml = Support.ruleFile(id: "t-weak", family: "syndication", pattern: pattern, match: [match], keep: ["x"],
                                        extra: "    requires: [\(requires)]")
            return try RuleLinter(catalogue: Support.catalogue(yaml)).lint().contains { $0.message.contains("weak screen literal") }
        }
        #expect(try weak(#"^[a-z]{2,9}©$"#, "news©", "'©'"))  // two bytes free in front: any byte before them
        #expect(try !weak(#"^© [0-9]{4}$"#, "© 2024", "'©'"))  // after the line's start: bounded before
        #expect(try !weak(#"^Avec (?:AP|AFP)$"#, "Avec AP", "'ap', 'afp'"))  // " ap": bounded before
        #expect(try weak(#"^[a-z]+/[a-z]+$"#, "fr/de", "'/'"))
        #expect(try !weak(#"^[a-z]+/[a-z]+ \(dpa\)$"#, "fr/de (dpa)", "['/'], ['dpa']"))
    }

    /// A group the filter looks for that news text holds every few kilobytes is reported, with its commonest
    /// literal; the same rule requiring what only its matches hold is not.
    @Test func aScreenLiteralThatNewsTextIsFullOfIsReported() throws {
        func findings(_ requires: String) throws -> [String] {
            let yaml = Support.ruleFile(id: "t-app", family: "promo", pattern: #"^Download the app(?: for (?:iOS|Android))?\.?$"#,
                                        match: ["Download the app", "Download the app for iOS."], keep: ["The app is free."],
                                        extra: "    requires: [\(requires)]")
            return try RuleLinter(catalogue: Support.catalogue(yaml)).lint().map(\.message).filter { $0.contains("per MB of news text") }
        }
        let common = try findings("[the], [download]")
        #expect(common.count == 1 && common[0].contains(#"["\\bthe\\b"]"#) && common[0].contains(#"(\bthe\b: "#))
        #expect(try findings("[download], [app]").isEmpty)
        // The estimate counts the words that hold a literal where the filter reports it: "the" inside "other" only
        // for a literal free in front; "these" for both (what follows is checked after the filter reported it).
        let bounded = LiteralFrequency.perMillion(ScreenLiteral(text: "the", boundedBefore: true, boundedAfter: true))
        let free = LiteralFrequency.perMillion(ScreenLiteral(text: "the"))
        #expect(bounded > RuleLinter.commonLiteral && free > bounded)
        #expect(LiteralFrequency.perMillion(ScreenLiteral(text: "the", boundedBefore: true)) == bounded)
        #expect(LiteralFrequency.perMillion(ScreenLiteral(text: "(mit")) == 0)
    }
}
