@testable import Boilerstrip
import PCRE2
import Testing

/// The matcher's path without a list of groups per match (`firstMatchRange`, then the scratch's match data) finds
/// what `firstMatch` finds: the same range, every group the same, from every start, across matches that set fewer
/// groups than the one before.
@Suite struct MatchRangeTests {
    @Test func rangeAndGroupsAgreeWithFirstMatch() throws {
        let regex = try Regex(#"(?<a>x+)(?:(?<b>y)|(?<c>z))?(?<d>w)?"#)
        let scratch = MatchScratch()
        let subject = Array("..xxyw.xz..xw x xxz".utf8)
        try subject.withUnsafeBufferPointer { line in
            for start in 0...line.count {
                let match = try regex.firstMatch(in: line, from: start, scratch: scratch)
                let range = try regex.firstMatchRange(in: line, from: start, scratch: scratch)
                #expect(range == match?.range, "from \(start)")
                for group in 0...5 {
                    #expect(scratch.lastMatch(group: group) == (match.flatMap { group < $0.groups.count ? $0.groups[group] : nil }),
                            "group \(group) from \(start)")
                }
                // A name's groups: the first that took part, as `Match` reads it.
                for groups in [[2, 3], [3, 2], [4, 1], [3, 4, 2]] {
                    #expect(scratch.lastMatch(firstOf: groups) == match?.firstRange(among: groups), "groups \(groups) from \(start)")
                }
            }
        }
    }
}

@Suite struct PatternExpanderTests {
    func matches(_ pattern: String, _ text: String) throws -> Bool {
        let regex = try Regex(PatternExpander.expand(pattern).pattern)
        return try Array(text.utf8).withUnsafeBufferPointer { try regex.matches($0, scratch: MatchScratch()) }
    }

    @Test func looseSpacesMatchEverySpaceForm() throws {
        for text in ["Read more", "Read\u{00A0}more", "Read&nbsp;more", "Read \t more", "Read\u{202F}more", "Read&#160;more"] {
            #expect(try matches("^Read more$", text), "\(text.debugDescription)")
        }
        #expect(try !matches("^Read more$", "Readmore"))
    }

    @Test func looseApostrophesMatchEveryApostropheForm() throws {
        for text in ["L’article", "L'article", "L&#8217;article", "L&rsquo;article", "Lʼarticle", "L\\'article"] {
            #expect(try matches("^L’article$", text), "\(text.debugDescription)")
            #expect(try matches("^L'article$", text), "\(text.debugDescription)")
        }
    }

    @Test func optionalSpaceStaysOptional() throws {
        #expect(try matches("^news ?\\.$", "news."))
        #expect(try matches("^news ?\\.$", "news ."))
    }

    @Test func percentTokenCapturesTheNumber() throws {
        let expansion = try PatternExpander.expand("reste {percent} de")
        let regex = try Regex(expansion.pattern)
        for (text, number) in [("reste 64.96% de", "64.96"), ("reste 64,96 % de", "64,96"), ("reste 85&nbsp;% de", "85")] {
            let bytes = Array(text.utf8)
            let match = try #require(try bytes.withUnsafeBufferPointer { try regex.firstMatch(in: $0, scratch: MatchScratch()) })
            let range = try #require(regex.range(named: "percent", in: match))
            #expect(String(decoding: bytes[range], as: UTF8.self) == number)
        }
    }

    @Test func classesAndEscapesAreLeftAlone() throws {
        let expansion = try PatternExpander.expand(#"[ '] \ x\x{200B}{2}"#)
        #expect(expansion.pattern.hasPrefix("[ ']"))
        #expect(expansion.pattern.contains(#"\ x\x{200B}{2}"#))
    }

    @Test func unknownTokenIsAnError() {
        #expect(throws: PatternExpander.UnknownToken(name: "nope", offset: 2)) { try PatternExpander.expand("a {nope}") }
    }

    @Test func sourceOffsetsPointIntoTheWrittenPattern() throws {
        let expansion = try PatternExpander.expand("a b(")
        #expect(expansion.sourceOffset(for: expansion.sourceOffsets.count - 2) == 3)
        #expect(expansion.sourceOffset(for: expansion.pattern.utf8.count) == 4)
    }

    /// Every match and capture of each token's plain form, from every character, is its full form's on subjects that
    /// hold no entity: spaces, apostrophes, dashes, dots, digits, percent signs and bare `&`s in every order.
    @Test func plainTokensMatchAsTheFullOnesWithoutEntities() throws {
        let pieces = [" ", "\u{00A0}", "\t", "'", "’", "\\'", "-", "–", ".", "…", "4", "2,5", "%", "％", "&", "&amp;", "AT&T",
                      "&nbs", "a", "\u{200B}", "x.", "»", "\n"]
        var subjects: [String] = []
        for a in pieces { for b in pieces { for c in pieces { subjects.append(a + b + c) } } }
        for (name, full) in PatternExpander.tokens {
            let plain = try #require(PatternExpander.plainTokens[name])
            for wrapped in [(full, plain), ("x" + full + "y", "x" + plain + "y"), ("(?i)" + full + "$", "(?i)" + plain + "$")] {
                let (fullRegex, plainRegex) = (try Regex(wrapped.0), try Regex(wrapped.1))
                let scratch = MatchScratch()
                for subject in subjects {
                    let bytes = Array(subject.utf8)
                    #expect(!bytes.withUnsafeBufferPointer(Rule.holdsEntity))
                    // From every character's start, where the matcher starts PCRE2 (its interpreter and its JIT code
                    // differ from inside a character, and each form runs either).
                    for from in 0...bytes.count where from == bytes.count || bytes[from] & 0xC0 != 0x80 {
                        let (a, b) = try bytes.withUnsafeBufferPointer { buffer in
                            (try fullRegex.firstMatch(in: buffer, from: from, scratch: scratch), try plainRegex.firstMatch(in: buffer, from: from, scratch: scratch))
                        }
                        #expect(a == b, "{\(name)} on \(subject.debugDescription) from \(from)")
                    }
                }
            }
            // The plain form leaves out every `&` alternative, and only those: it is shorter and has no `&`.
            #expect(!plain.contains("&") && plain.count < full.count)
        }
    }

    /// What counts as an entity: `&` then `#` or one of the tokens' entity names with its `;`, in any case.
    @Test func entitiesAreTheTokensOnes() {
        #expect(PatternExpander.entityStarts.map { String(decoding: $0, as: UTF8.self) }
                == ["#", "apos;", "hellip;", "mdash;", "nbsp;", "ndash;", "percnt;", "rsquo;"])
        func holds(_ text: String) -> Bool { Array(text.utf8).withUnsafeBufferPointer(Rule.holdsEntity) }
        for text in ["a&nbsp;b", "&#8217;", "x &NBSP;", "&Hellip;", "AT&T and&rsquo;", "&#xA0;", "&mdash;"] { #expect(holds(text), "\(text)") }
        for text in ["", "&", "AT&T", "Q&A", "&amp;", "&nbsp", "&nbs;", "a & b", "&copy;", "trailing &"] { #expect(!holds(text), "\(text)") }
    }

    /// A rule's plain pattern is its full one with the tokens spelled plainly: the same where it has none.
    @Test func rulesCarryTheirPlainForm() throws {
        let rules = try RuleLoader.load(yaml: Support.ruleFile(pattern: "^Read more{eos}", match: ["Read more"], keep: ["Read"]), path: "a.yaml")
        #expect(rules[0].plainPattern == #"^Read(?:\h+)more(?:\h|\x{200B}|\x{FEFF})*$"#)
        #expect(rules[0].plainRegex !== rules[0].regex)
        let bare = try RuleLoader.load(yaml: Support.ruleFile(pattern: "^Abo$", match: ["Abo"], keep: ["Abos"]), path: "a.yaml")
        #expect(bare[0].plainPattern == bare[0].expandedPattern && bare[0].plainRegex === bare[0].regex)
    }
}

@Suite struct LiteralExtractorTests {
    @Test func longestMandatoryLiteral() {
        #expect(LiteralExtractor.requiredLiterals(of: "{bos}Il vous reste {percent} de cet article") == ["article"])
        #expect(LiteralExtractor.requiredLiterals(of: "The post (?<title>.+?) appeared first on (?<site>.+?)") == ["appeared"])
    }

    @Test func alternativesGiveAnyOf() {
        #expect(LiteralExtractor.requiredLiterals(of: "^(?:Read more|Continue reading)$") == ["continue", "read"])
        #expect(LiteralExtractor.requiredLiterals(of: "^(?:Read more|.+)$") == nil)
    }

    @Test func optionalPartsAreNotRequired() {
        #expect(LiteralExtractor.requiredLiterals(of: "^(?:Subscribers)? only") == ["only"])
        #expect(LiteralExtractor.requiredLiterals(of: "colou?r") == ["colo"])
        #expect(LiteralExtractor.requiredLiterals(of: "[abc]+ x*") == nil)
    }

    @Test func caselessPatternsStopAtNonASCIILetters() {
        #expect(LiteralExtractor.requiredLiterals(of: "(?i)réservée") == ["réservée"])  // Latin-1: folded by the screen
        #expect(LiteralExtractor.requiredLiterals(of: "(?i)xyzΩabcd") == ["abcd"])
        #expect(LiteralExtractor.requiredLiterals(of: "Réservé") == ["réservé"])
    }

    @Test func severalRequirementsAreKeptMostSelectiveFirst() {
        #expect(LiteralExtractor.requiredLiteralGroups(of: "{bos}Lire la suite sur (?<site>.+){eos}") == [["suite"], ["lire"], ["sur"]])
        #expect(LiteralExtractor.requiredLiteralGroups(of: "(?:Leia|Saiba) mais") == [["mais"], ["leia", "saiba"]])
        #expect(LiteralExtractor.requiredLiteralGroups(of: "(?i)Läs också") == [["också"], ["läs"]])
    }

    @Test func escapesAndTokensBreakLiterals() {
        #expect(LiteralExtractor.requiredLiterals(of: #"\x{200B}abc\d+"#) == ["abc"])
        #expect(LiteralExtractor.requiredLiterals(of: #"\[…\]"#) == ["[…]"])
        #expect(LiteralExtractor.requiredLiterals(of: "(?=look)ahead") == ["ahead"])
        // A positive lookaround's text is in the line too; a negative one's is not.
        #expect(LiteralExtractor.requiredLiteralGroups(of: "^(?=[^\\n]*Tweet)(?:Email|Print)") == [["tweet"], ["email", "print"]])
        #expect(LiteralExtractor.requiredLiteralGroups(of: "(?!Tweet)(?:Email|Print)") == [["email", "print"]])
    }

    @Test func boundariesAreRecordedWherePatternsGuaranteeThem() {
        func screen(_ pattern: String) -> [[String]] {
            LiteralExtractor.screenLiterals(of: pattern).map { $0.map(\.description) }
        }
        #expect(screen(#"\bles\b"#) == [[#"\bles\b"#]])
        #expect(screen("{bos}Les mer{eos}") == [[#"\bLes\b"#], [#"\bmer\b"#]])
        #expect(screen("^(?:Read more|Continue reading)$") == [[#"\bContinue\b"#, #"\bRead\b"#]])
        #expect(screen("(?:{bos}(?:Les mer|Les videre)|(?<=\\w) (?:Les mer|Les videre))") == [[#"\bLes\b"#, #"\bvidere"#]])
        // A boundary next to punctuation says nothing about the neighbour; optional spaces neither.
        #expect(screen(#"\(dpa\)\b"#) == [["(dpa)"]])
        #expect(screen("Read ?more") == [["Read"], ["more"]])
        // A word boundary only bounds a letter or digit; a literal cut short by a quantifier is open on that side.
        #expect(screen(#"\bpubli(?:é|shed)"#) == [[#"\bpubli"#]])
        #expect(screen(#"\bcolou?r\b"#) == [[#"\bcolo"#]])
        #expect(screen(#"\bfoo+\b"#) == [[#"\bfoo"#]])
    }

    @Test func declaredLiteralsTakeWhatTheAnalysisProvesWhenRequiredOnTheirOwn() {
        #expect(LiteralExtractor.bounded("les", in: "{bos}Les (?:mer|videre){eos}").description == #"\bLes\b"#)
        // An optional group after it: the next byte is its first or what follows it, a space or the end either way;
        // one that may begin with a letter leaves the side open.
        #expect(LiteralExtractor.bounded("mer", in: "{bos}Les mer(?: plus)?{eos}").description == #"\bmer\b"#)
        #expect(LiteralExtractor.bounded("mer", in: "{bos}Les mer(?:ci| plus)?{eos}").description == #"\bmer"#)
        #expect(LiteralExtractor.bounded("mer", in: "{bos}Les mer(?: plus)?(?:ci)?{eos}").description == #"\bmer"#)
        // Held by every alternative, inside a word in one of them: bounded only where all agree.
        #expect(LiteralExtractor.bounded("les", in: #"\b(?:les|moles) mer"#).description == #"les\b"#)
        // Required through a lookahead: its spelling there.
        #expect(LiteralExtractor.bounded("tweet", in: #"^(?=.*Tweet)(?:Tweet|Share)$"#).description == "Tweet")
        // Spelled where the analysis does not reach (a class): plain, in any case.
        #expect(LiteralExtractor.bounded("clicca", in: #"^(?:[Cc]licca|CLICCA) qui"#).description == "clicca")
        #expect(LiteralExtractor.bounded("les", in: #"\b[Ll]es\b"#).description == "les")
        // Caseless: any spelling.
        #expect(LiteralExtractor.bounded("reuters", in: #"(?i)\bReuters\b"#).description == #"\breuters\b"#)
    }

    /// A word the pattern spells in a few ways keeps each spelling ("share" in running text has none of them), with
    /// its own boundaries; a caseless spelling among them, or more than four, make one entry in any case.
    @Test func aWordSpelledSeveralWaysKeepsEachSpelling() {
        func screen(_ pattern: String) -> [[String]] {
            LiteralExtractor.screenLiterals(of: pattern).map { $0.map(\.description) }
        }
        #expect(screen("^(?:Share|SHARE)$") == [[#"\bSHARE\b"#, #"\bShare\b"#]])
        #expect(screen("^(?:Share|SHARE this)") == [[#"\bSHARE\b"#, #"\bShare"#]])
        #expect(screen("^(?:Share|(?i)share)") == [["share"]])
        #expect(screen("^(?:Ab|AB|aB|ab|Ab) x") == [[#"\bAB\b"#, #"\bAb\b"#, #"\baB\b"#, #"\bab\b"#]])
        #expect(screen("^(?:Abc|ABc|aBc|abc|abC) x") == [[#"\babc\b"#]])
        // Declared: each spelling of the declared word.
        #expect(LiteralExtractor.bounded([["share"]], in: "^(?:Share|SHARE)(?: this)?$")[0].map(\.description) == [#"\bSHARE\b"#, #"\bShare\b"#])
        #expect(LiteralExtractor.requiredLiteralGroups(of: "^(?:Share|SHARE)$") == [["share"]])
        // A place that holds two declared literals takes the longest, whatever their order: "Reading" is "reading"
        // there, with its spelling and boundaries; "read" keeps the place it alone fits.
        for group in [["read", "reading"], ["reading", "read"]] {
            #expect(Set(LiteralExtractor.bounded([group], in: "^(?:Reading time|Read) [0-9]+$")[0].map(\.description))
                    == [#"\bReading\b"#, #"\bRead\b"#])
        }
    }

    /// What follows a literal through optional items, groups and lookarounds: the weakest edge any path gives.
    @Test func optionalItemsGroupsAndLookaroundsAfterALiteralBoundItWhenEveryPathDoes() {
        func after(_ pattern: String) -> String { LiteralExtractor.bounded("mer", in: pattern).description }
        #expect(after("Les mer(?: )?(?::|{dash}|\\|)") == #"\bmer\b"#)  // les-ogsa-nb: a space, a colon, a dash, a bar
        #expect(after("Les mer ?:?{eos}") == #"\bmer\b"#)
        #expect(after("Les mer ?[:x]") == #"\bmer"#)  // a class: anything
        #expect(after("Les mer(?: x)+$") == #"\bmer\b"#)
        #expect(after("Les mer(?=x)?") == #"\bmer"#)
        #expect(after("Les mer(?!x) ") == #"\bmer\b"#)  // a lookaround takes no text: what follows it counts
        #expect(after("Les mer(?<=r)\\w") == #"\bmer"#)
        #expect(after("Les mer(?i) x") == #"\bmer"#)  // an option setting: not looked into
        #expect(after("Les mer(?<tail> x| y)?$") == #"\bmer\b"#)
        #expect(after("Les mer(?: x|)") == #"\bmer"#)  // an empty branch: the end of the pattern, unknown here
        #expect(after("Les mer(?: x|)$") == #"\bmer\b"#)
        #expect(after("Les mer\\b") == #"\bmer\b"#)
        // An escaped underscore is a word byte, whatever path leads to it (found by fuzzing the analysis).
        #expect(after("Les mer(?:-)?\\_") == #"\bmer"#)
        #expect(after("Les mer\\.?\\_") == #"\bmer"#)
        #expect(after("Les mer(?: |\\_)") == #"\bmer"#)
        #expect(LiteralExtractor.bounded("mer", in: "(?:-|\\_)mer ").description == #"mer\b"#)
        #expect(after("Les mer(?:\\b|x)") == #"\bmer"#)
    }

    @Test func punctuationTokensAndGroupsEndingInSpacesBound() {
        func screen(_ pattern: String) -> [[String]] {
            LiteralExtractor.screenLiterals(of: pattern).map { $0.map(\.description) }
        }
        #expect(screen(#"\((?<credit>PTI|ANI)\)"#) == [[#"\bANI\b"#, #"\bPTI\b"#]])
        #expect(screen("{dash}{1,2} ?(?:PTI|ANI){eos}") == [[#"\bANI\b"#, #"\bPTI\b"#]])
        #expect(screen("Cet article a (?:d’abord )?été publié") == [[#"\barticle\b"#], [#"\bpublié"#], [#"\bété\b"#]])
        #expect(screen("Cet article a (?:d’abord)?été publié") == [[#"\barticle\b"#], [#"\bpublié"#], [#"été\b"#]])
        #expect(screen("l'AFP,") == [[#"\bAFP,"#]])
        // A non-ASCII byte in a caseless pattern could be a form of an ASCII letter (ſ, K): no edge, any case.
        #expect(screen("(?i)«PTI") == [["pti"]])
        #expect(screen("«PTI") == [["«PTI"]])
        #expect(screen("(?:«|“)PTI") == [[#"\bPTI"#]])
    }
}

