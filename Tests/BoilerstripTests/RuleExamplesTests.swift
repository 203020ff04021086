import PCRE2
@testable import Boilerstrip
import Testing

/// Every rule's examples, as written and in every typographic variant, through the whole pipeline.
@Suite struct RuleExamplesTests {
    @Test func everyRuleExampleBehaves() {
        var runner = RuleExampleRunner(cleaner: Support.cleaner)
        let failures = runner.run()
        #expect(runner.runs >= Support.builtin.rules.count * 2 * 7)
        for failure in failures { Issue.record("\(failure)") }
    }

    /// The screen may let through lines that do not match, never hide one that does, nor bound a line's match
    /// starts before one of its matches.
    @Test func theScreenNeverHidesAMatch() {
        let catalogue = Support.builtin
        let scratch = MatchScratch()
        let matcher = RuleMatcher(catalogue: catalogue)
        for (index, rule) in catalogue.rules.enumerated() {
            for example in rule.matchExamples + rule.keepExamples {
                var texts = [example.text]
                for variant in ExampleVariant.allCases { if let (text, _) = variant.apply(to: example, position: rule.position) { texts.append(text) } }
                // Inside a long document: on its own line between prose, and inside a long line of prose.
                let filler = String(repeating: "Le conseil municipal a voté le budget après un long débat sur les écoles et les routes. ", count: 4)
                texts += [filler + "\n" + example.text + "\n" + filler, filler + example.text + " " + filler]
                // Twice on one line: the start limit must reach the second; far into a line, where the matcher starts
                // PCRE2 near the first literal.
                texts.append(filler + example.text + " " + filler + example.text)
                texts.append(String(repeating: filler, count: 8) + example.text + " " + filler)
                // Behind a bare `&`, which is no entity: the matcher runs the plain form there too.
                texts.append("Q&A, AT&T: " + example.text)
                // With a long run of spacing after it, which a match that ends its line may take in free: the screen's
                // and the matcher's walks from the line's end must step over it (a whole-line rule's reach is a few
                // dozen bytes, the run hundreds).
                texts.append(example.text + String(repeating: " \u{00A0}\t&nbsp; ", count: 40))
                texts.append(example.text + String(repeating: "\u{200B} \u{FEFF}", count: 60))
                for text in texts {
                    // The screen finds the same where the cleaner's split noted the bytes it looks for in the whole text.
                    let candidates = catalogue.screen.candidates(in: Document(text))
                    if catalogue.screen.candidates(in: Support.cleaner.document(Array(text.utf8))) != candidates {
                        Issue.record("\(rule.id): the candidates differ with the document's marks on \(text.debugDescription)")
                    }
                    let hidden = matcher.hiddenMatches(in: Document(text), checked: index..<(index + 1), scratch: scratch)
                    for match in hidden { Issue.record("\(rule.id) hidden by the screen or its plain form at \(match.match) on \(text.debugDescription)") }
                }
            }
        }
    }

    /// A pattern runs PCRE2's interpreter until it has been used enough, then JIT code (``Regex``): both must find the
    /// same match on every example and variant of every rule, from every character the matcher may start at, in the
    /// full and the plain form. (PCRE2 10.42's engines do differ from a start inside a character, where the matcher never
    /// starts; the corpus, the labelled sets and texts with invalid bytes run through both engines at every call
    /// showed no other difference.)
    @Test func bothEnginesFindTheSameMatches() throws {
        let scratch = MatchScratch()
        for rule in Support.builtin.rules {
            let patterns = rule.plainRegex === rule.regex ? [rule.regex] : [rule.regex, rule.plainRegex]
            let engines = patterns.map { (jit: Regex(deferred: $0.pattern, options: $0.options), interpreter: Regex(deferred: $0.pattern, options: $0.options, jit: false)) }
            for engine in engines { #expect(engine.jit.isJITCompiled, "\(rule.id)") }
            for example in rule.matchExamples + rule.keepExamples {
                var texts = [example.text]
                for variant in ExampleVariant.allCases { if let (text, _) = variant.apply(to: example, position: rule.position) { texts.append(text) } }
                for text in texts {
                    let bytes = Array(text.utf8)
                    try bytes.withUnsafeBufferPointer { line in
                        for from in 0...line.count where from == line.count || line[from] & 0xC0 != 0x80 {
                            for engine in engines {
                                let jit = try engine.jit.firstMatch(in: line, from: from, scratch: scratch)
                                let interpreted = try engine.interpreter.firstMatch(in: line, from: from, scratch: scratch)
                                #expect(jit == interpreted, "\(rule.id) from \(from) on \(text.debugDescription)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// The byte screen looks for a group's literals that share a first byte in one pass: each of them must still be
    /// found, on any line and after the others ("-" screens the rule; ".png" and ".gif" share the period).
    @Test func literalsSharingAFirstByteAreEachFound() throws {
        let yaml = Support.ruleFile(id: "t-shared", pattern: "^[a-z]+(?:-[a-z]+|\\.png|\\.gif){eos}", position: "any",
                                    match: ["logo.gif"], keep: ["logo gif"], extra: "    requires: [['-', '.png', '.gif']]")
        let catalogue = try Support.catalogue(yaml)
        let matcher = RuleMatcher(catalogue: catalogue)
        let lines = ["The council met. It voted.", "logo.gif", "x.png and more.", "chart.png", "news-feed", "a.b.c.gif"]
        let document = Document(lines.joined(separator: "\n"))
        #expect(matcher.hiddenMatches(in: document, scratch: MatchScratch()).isEmpty)
        let matched = try matcher.evidence(in: document, candidates: catalogue.screen.candidates(in: document), scratch: MatchScratch())
            .map { String(decoding: document.bytes[$0.match], as: UTF8.self) }
        #expect(matched == ["logo.gif", "chart.png", "news-feed"])
    }

    @Test func runnerReportsAFailingExample() throws {
        // A rule whose match example sits mid-document: the position factor keeps it below the threshold there,
        // but as its own document it is removed; its keep example must not fire.
        let yaml = Support.ruleFile(id: "t-wrong-span", pattern: "Subscribe now{eos}", match: ["Great news. «Subscribe now»"], keep: ["x"])
        let cleaner = try Cleaner(catalogue: Support.catalogue(yaml))
        var runner = RuleExampleRunner(cleaner: cleaner)
        #expect(runner.run().isEmpty)
        let wrong = Support.ruleFile(id: "t-wrong-span", pattern: "Subscribe now{eos}", match: ["«Great news.» Subscribe now"], keep: ["x"])
        var failing = RuleExampleRunner(cleaner: try Cleaner(catalogue: Support.catalogue(wrong)))
        let failures = failing.run()
        #expect(!failures.isEmpty)
        #expect(failures.first?.ruleID == "t-wrong-span")
        #expect(failures.first?.problem.contains("expected") == true)
    }
}
