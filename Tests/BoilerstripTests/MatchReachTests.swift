@testable import Boilerstrip
import PCRE2
import Testing

/// How far a match reaches (``MatchReach``): the bound on its non-spacing characters, and the walk back from a literal.
@Suite struct MatchReachTests {
    func bound(_ pattern: String) throws -> Int? {
        MatchReach.bounds(of: try PatternExpander.expand(pattern).pattern).whole
    }

    func reach(_ pattern: String) throws -> Int? {
        MatchReach.bounds(of: try PatternExpander.expand(pattern).pattern).reach
    }

    /// What the walk counts of a text: its non-spacing characters (their first bytes).
    static func cost(_ bytes: some Collection<UInt8>) -> Int {
        bytes.reduce(0) { $0 + Int(MatchReach.costs[Int($1)]) }
    }

    @Test func spacingLoopsCostNothingAndTextCountsItsBytes() throws {
        #expect(try bound("{bos}Read more{eos}") == 7)  // "Red" and "more": the loose space is free, "a" is spacing
        #expect(try bound("Lire la suite") == 9)  // "Lire" 4 + "l" 1 + "uite" 4: "a" and "s" are letters of the entities
        #expect(try bound("é") == 1)  // C3 A9: a character, its first byte C3
        #expect(try bound("—") == 0)  // E2 80 94: E2 begins spacing (U+2009)
        #expect(try bound("x{2,5}") == 0)  // "x" is in the entities
        #expect(try bound("k{2,5}") == 5)
        #expect(try bound("k?") == 1)
        #expect(try bound("(?:k|kkk)l") == 4)
        #expect(try bound("[^k]{1,3}") == 3)  // a character each, whatever its bytes
        #expect(try bound("[a-z]") == 1)
        #expect(try bound("\\d{1,3}%") == 4)
        #expect(try bound("\\bk\\b$") == 1)
        #expect(try bound("{percent}") != nil)
    }

    @Test func lookaroundsAndOptions() throws {
        // A literal may sit in a lookahead that holds literal text: it counts as if consumed in how far a literal can
        // be from the start, and in no case in what a match holds.
        #expect(try reach("k(?=lmo)") == 4)
        #expect(try bound("k(?=lmo)") == 1)
        #expect(try reach("k(?=\\p{Lu}\\w+|\\d)") == 1)  // no literal text: no literal sits there
        #expect(try reach("(?=\\p{Lu}).{1,3}?:") == 4)
        #expect(try reach("k(?=[^\\n]*\\.)") == nil)  // an escaped period is literal text
        #expect(try bound("^(?=[^\\n]*Tweet)(?:Share|Tweet){1,3}$") == 15)
        #expect(try reach("^(?=[^\\n]*Tweet)(?:Share|Tweet){1,3}$") == nil)
        #expect(try bound("(?<=lmn)k") == 1)
        #expect(try bound("(?<!lmn)k(?!lmn)") == 1)
        #expect(try bound("(?<name>kk)") == 2)
        #expect(try bound("(?i)k") == 1)  // k matches the Kelvin sign: one character still
        // The option's scope, as PCRE2 has it: `(?i:…)` its content, `(?i)` the rest of its group, `(?-i)` undoes it.
        #expect(try bound("k(?i:k)k") == 3)
        #expect(try bound("(?:k(?i)k)k") == 3)
        #expect(try bound("(?i)k(?-i)k") == 2)
        #expect(try bound("(?i:k)&nbsp;*$") == 1)  // outside the scope `&nbsp;` is spacing (`s` is no long s)
        #expect(try bound("(?i:s)") == 1 && bound("s") == 0)  // "s" is a letter of the entities; caseless, the long s
        #expect(try bound("(?J)(?<t>k)|(?<t>ll)") == 2)
    }

    /// Literal text in a positive lookbehind may sit before the match, and an unknown construct hides what the
    /// pattern holds: either turns the start bounds off. Classes, class escapes and assertions in a lookbehind do not.
    @Test func startBoundNeedsLiteralsInTheMatch() throws {
        func startBound(_ pattern: String) throws -> Bool { MatchReach.bounds(of: try PatternExpander.expand(pattern).pattern).startBound }
        for pattern in ["{bos}Read more", "(?<=\\w) Read more", "(?<=[.!?»]) ?Read more", "(?<=\\p{Han})更多",
                        "(?<!foo)Read more", "Read more(?=!)", "(?<=\\d{2}) more"] {
            #expect(try startBound(pattern), "\(pattern)")
        }
        for pattern in ["(?<=&nbsp|&#160)Read more", "(?<=】|\\])more", "(?<=\\.\\.\\.)more", "(?<=(?:x|y))more",
                        "(?(1)a|b)more", "(*UTF)more", "(?R)"] {
            #expect(try !startBound(pattern), "\(pattern)")
        }
    }

    /// End to end: a declared literal that only a lookbehind holds sits before the match, so its occurrences must
    /// not bound the search (with the bound, the last "foo" would end it before "Subscribe").
    @Test func aLiteralInALookbehindBoundsNothing() throws {
        let yaml = Support.ruleFile(id: "t-behind", pattern: "(?<=Foo:\\x20)Subscribe today\\.", position: "any",
                                    match: ["Foo: «Subscribe today.»"], keep: ["Subscribe today."], extra: "    requires: [foo]")
        let catalogue = try Support.catalogue(yaml)
        #expect(catalogue.rules[0].literalsBoundStart == false)
        let filler = String(repeating: "The council voted on the budget after a long debate about schools. ", count: 20)
        let document = Document(filler + "Foo: Subscribe today. " + filler)
        #expect(RuleMatcher(catalogue: catalogue).hiddenMatches(in: document, scratch: MatchScratch()).isEmpty)
    }

    /// End to end: a declared literal that a lookahead holds may sit well after the match's start, so the walk back
    /// from its first occurrence must reach that start (a lead of "Read more" alone would stop short of it).
    @Test func aLiteralInALookaheadBoundsFromAsFarAsTheLookaheadReaches() throws {
        let yaml = Support.ruleFile(id: "t-ahead", pattern: "(?=[^\\n]{0,60}subscribe)Read more", position: "any",
                                    match: ["«Read more» and subscribe"], keep: ["Read more"], extra: "    requires: [subscribe]")
        let catalogue = try Support.catalogue(yaml)
        // The lookahead counts whole, as if consumed: 60 characters and "subscribe" (5: "s" and "b" are letters of the
        // spacing entities), then "Read more" (7).
        #expect(catalogue.rules[0].literalReach == [72])
        let filler = String(repeating: "The council voted on the budget after a long debate about schools. ", count: 20)
        let document = Document(filler + "Read more about the budget and subscribe. " + filler)
        #expect(RuleMatcher(catalogue: catalogue).hiddenMatches(in: document, scratch: MatchScratch()).isEmpty)
    }

    /// A match ends its line when every alternative ends in `$`, `\z` or `\Z` with only assertions after it:
    /// `{eos}` does. An optional anchor, an anchor in a lookahead, or text after it does not.
    @Test func endsLineWhenEveryAlternativeEndsInAnAnchor() throws {
        func endsLine(_ pattern: String) throws -> Bool { MatchReach.bounds(of: try PatternExpander.expand(pattern).pattern).endsLine }
        for pattern in ["{bos}Read more{eos}", "Read more$", "Read more\\z", "Read more\\Z", "(?:Read more|Lire la suite)$",
                        "(?:Read more$|Lire la suite\\z)", "Read more$(?!x)", "Read more(?:\\.$)", "Read more$\\b", "more(?:$){1}"] {
            #expect(try endsLine(pattern), "\(pattern)")
        }
        for pattern in ["Read more", "Read more$|Lire la suite", "Read more(?=$)", "Read more$?", "Read more(?:$)?",
                        "Read more$\\h*", "Read more$x", "(?<=$)more", "Read more.+$", "(?R)$"] {
            #expect(try !endsLine(pattern), "\(pattern)")
        }
    }

    /// End to end: a rule whose match ends its line is looked for only near the end (the walk back from the end of
    /// the line, over its reach), and finds its match there whatever precedes it; a match that does not reach the
    /// end is not one.
    @Test func aMatchThatEndsItsLineIsFoundNearTheEnd() throws {
        let yaml = Support.ruleFile(id: "t-end", pattern: "{bos}Subscribe (?:today|now)\\.?{eos}", position: "any",
                                    match: ["Subscribe today."], keep: ["Subscribe today, and more."])
        let catalogue = try Support.catalogue(yaml)
        #expect(catalogue.rules[0].matchEndsLine)
        let filler = String(repeating: "Subscribe today. The council voted on the budget after a long debate. ", count: 30)
        for text in [filler + "Subscribe today.", filler + "Subscribe now. \u{A0} ", filler + "Subscribe today.&nbsp;"] {
            let document = Document(text)
            let matcher = RuleMatcher(catalogue: catalogue)
            #expect(matcher.hiddenMatches(in: document, scratch: MatchScratch()).isEmpty, "\(text.suffix(30))")
            let evidence = try matcher.evidence(in: document, candidates: catalogue.screen.candidates(in: document), scratch: MatchScratch())
            #expect(evidence.count == 1, "\(text.suffix(30))")
        }
    }

    /// A rule screened by `memchr` alone ("/") whose matches end their line: an occurrence further from the end than
    /// the rule's reach lets nothing through, and a line is looked at again from where a match can start, so a slug
    /// after an early "/" is still found. The screen and the matcher agree, with trailing spacing and with a byte order
    /// mark before the line.
    @Test func aByteScreenedRuleThatEndsItsLineLooksOnlyNearTheEnd() throws {
        let yaml = Support.ruleFile(id: "t-slug", pattern: "(?:^|(?<=[.»]))[a-z]{2,5}/[a-z]{2,4}{eos}", position: "any",
                                    match: ["Il pleut.dch/vm"], keep: ["Il roulait à 130 km/h sur la route."], extra: "    requires: ['/']")
        let catalogue = try Support.catalogue(yaml)
        #expect(catalogue.rules[0].matchEndsLine && catalogue.rules[0].matchReach != nil)
        let prose = String(repeating: "Le conseil a voté le budget après un long débat. ", count: 4)
        let early = "Voir lemonde.fr/politique. " + prose
        let found = [early + "Il pleut.dch/vm", early + "Il pleut.dch/vm \u{A0} ", "\u{FEFF}" + early + "Il pleut.dch/vm", "dch/vm"]
        for text in found {
            let document = Document(text)
            let matcher = RuleMatcher(catalogue: catalogue)
            #expect(catalogue.screen.candidates(in: document).count == 1, "\(text.suffix(30))")
            #expect(matcher.hiddenMatches(in: document, scratch: MatchScratch()).isEmpty, "\(text.suffix(30))")
            #expect(try matcher.evidence(in: document, candidates: catalogue.screen.candidates(in: document), scratch: MatchScratch()).count == 1)
        }
        // A "/" only where no match can start: no candidate; one near the end still is (PCRE2 then says no), unless a
        // byte no match holds comes after it (a match is made of letters, "/" and the spacing of `{eos}`).
        #expect(catalogue.screen.candidates(in: Document(early + "Fin.")).isEmpty)
        #expect(catalogue.screen.candidates(in: Document(prose + "à 130 km/h")).count == 1)
        #expect(catalogue.screen.candidates(in: Document(prose + "à 130 km/h, dit-il.")).isEmpty)
    }

    /// The bytes a match can be made of: those of what it consumes, not of its lookarounds; any byte for a class the
    /// analysis does not read, `.` or a Unicode property.
    @Test func matchBytesAreWhatAMatchConsumes() throws {
        func bytes(_ pattern: String) throws -> ByteSet? { MatchReach.bounds(of: try PatternExpander.expand(pattern).pattern).matchBytes }
        #expect(try bytes("[a-c]{2,5}/[a-c]{2}$") == ByteSet("abc/".utf8))
        #expect(try bytes("(?<=\\.)k(?=\\d)(?!x)l") == ByteSet("kl".utf8))
        #expect(try bytes("k\\d") == ByteSet("k0123456789".utf8).union(.nonASCII))
        #expect(try bytes("(?i)k") == ByteSet("kK".utf8).union(.nonASCII))  // the Kelvin sign
        #expect(try bytes("é-") == ByteSet([0xC3, 0xA9, UInt8(ascii: "-")]))
        #expect(try bytes("k.l") == nil)
        #expect(try bytes("k\\p{Lu}") == nil)
        #expect(try bytes("k[^l]") == nil)
        // A rule whose matches end their line keeps them (an AFP desk slug: letters, "/", "-", and spacing).
        let slug = Support.builtin.rules.first { $0.id == "afp-desk-slug-multi" }!
        #expect(slug.matchEndsLine && slug.matchBytes != nil && !slug.matchBytes!.contains(UInt8(ascii: ".")))
    }

    /// With target bytes, how far into a match its first target byte can be: what the items before it can hold, up to
    /// the first item that always holds one; nil where that is unbounded or no consumed item holds one.
    @Test func beforeTargetBoundsTheFirstTargetByte() throws {
        func before(_ pattern: String, _ target: String) throws -> Int? {
            MatchReach.bounds(of: try PatternExpander.expand(pattern).pattern, target: ByteSet(target.utf8)).beforeTarget
        }
        #expect(try before("kl-mm", "-") == 2)
        #expect(try before("k{1,3}(?:-|_)", "-_") == 3)
        #expect(try before("(?:k-|lll)-", "-") == 3)  // the first "-" in "k-", or after "lll"
        #expect(try before("(?:k-?){0,4}-", "-") == 8)  // at most four repetitions before the last "-"
        #expect(try before("k+-", "-") == nil)
        #expect(try before("(?=k*-)k-", "-") == 1)  // a lookahead consumes nothing
        #expect(try before("kkk", "-") == nil)
        #expect(try before("{bos}k[a-z/]-", "-") == 2)  // spacing before "k" is free; the class holds no "-"
        #expect(try before("^[a-z0-9]{1,30}(?:[-_][a-z0-9]{1,30}){2,12}{eos}", "-_") == 30)
    }

    /// End to end: a rule whose matches start their line and hold a single-byte literal within a few bytes of its start
    /// is looked for that far into the lines that begin right (the image slug rule's first "-" or "_": 30 bytes).
    @Test func aLineStartRuleLooksForItsLiteralNearTheStart() throws {
        let yaml = Support.ruleFile(id: "t-image", pattern: "^[a-z0-9]{1,30}(?:[-_][a-z0-9]{1,30}){2,12}{eos}", position: "any",
                                    match: ["pocketstory-digitale-rosinenpicker"], keep: ["la maison est belle"], extra: "    requires: ['-', '_']")
        let catalogue = try Support.catalogue(yaml)
        #expect(catalogue.rules[0].literalReach == [30])
        let slug = "abcdefghijklmnopqrstuvwxyz0123-x-y"  // the first "-" after 30 bytes
        let texts = ["pocketstory-digitale-rosinenpicker", "la maison, de-ci de-là", "tout le titre corrige le lourd retour trouvé ici, le tiret-de-fin",
                     slug, "\u{FEFF}a-b_c", "x_y-z"]
        let matcher = RuleMatcher(catalogue: catalogue)
        for text in texts {
            let document = Document(text)
            #expect(matcher.hiddenMatches(in: document, scratch: MatchScratch()).isEmpty, "\(text)")
        }
        #expect(catalogue.screen.candidates(in: Document(texts[0])).count == 1)
        #expect(catalogue.screen.candidates(in: Document(texts[1])).count == 1)  // "de-ci" is 13 bytes in
        #expect(catalogue.screen.candidates(in: Document(texts[2])).isEmpty)  // its "-" is 60 bytes in
        #expect(catalogue.screen.candidates(in: Document(slug)).count == 1)  // 30 bytes in: a match can reach it
        #expect(catalogue.screen.candidates(in: Document(texts[5])).count == 1)
    }

    /// The tail of a literal (``MatchReach/tail(of:literals:)``): what follows where the pattern spells it at its top
    /// level, when that ends the line and is bounded; the least over its places; nil where it is spelled only under an
    /// alternation, a group, a class or a quantifier, or what follows is unbounded or does not end the line.
    @Test func aLiteralsTailIsWhatFollowsItsTopLevelSpelling() throws {
        func tail(_ pattern: String, _ literals: [String]) throws -> Int? {
            MatchReach.tail(of: try PatternExpander.expand(pattern).pattern, literals: literals)
        }
        // "mehr" 4, "..." 3; the names before it are unbounded, the spacing of {eos} free.
        #expect(try tail("(?:[.!?]|\\bVon \\p{Lu}[\\p{L}-]+) \\Kmehr(?:\\.\\.\\.| ?»){eos}", ["mehr"]) == 7)
        #expect(try tail("Mehr ?(?:\\.\\.\\.|»)$", ["mehr"]) == 7)  // compared in lower case
        #expect(try tail("mehr \\d{1,3} mehr\\.{eos}", ["mehr"]) == 5)  // the nearer of its two places
        #expect(try tail("kk(?:mehr|zz)\\.{eos}", ["mehr", "zz"]) == nil)  // each in a group
        #expect(try tail("mehr\\.\\.\\.$|zz", ["mehr"]) == nil)  // an alternation at the top level
        #expect(try tail("mehr?\\.$", ["mehr"]) == nil)  // its "r" is optional
        #expect(try tail("[mehr]{4}\\.$", ["mehr"]) == nil)
        #expect(try tail("mehr.*$", ["mehr"]) == nil)  // unbounded after it
        #expect(try tail("mehr\\.\\.\\.", ["mehr"]) == nil)  // not at the end of the line
        #expect(try tail("(?<=mehr)\\.\\.\\.$", ["mehr"]) == nil)  // in a lookbehind
        #expect(try tail("\\Q(mehr\\E\\.$", ["mehr"]) == nil)  // quoted: not read
        // The letters of an escape are not text: "Lu" of `\p{Lu}` is no place of the literal "lu".
        #expect(try tail("x\\p{Lu}$", ["lu"]) == nil)
        #expect(try tail("\\p{Lu}+ lu\\.$", ["lu"]) == 3)
        #expect(try tail("\\x{6d}ehr\\.$", ["mehr", "ehr"]) == 4)  // "ehr." after the escaped "m"
        #expect(try tail("x{10}$", ["10"]) == nil)  // a quantifier's numbers are no place of "10"
    }

    /// End to end: an occurrence of a rule's first literal further from the end of its line than its tail does not make
    /// the line a candidate (a teaser's "mehr" in prose); the one at the end does, and the screen hides no match.
    @Test func anOccurrenceFarFromTheEndOfItsLineIsNotTheOneAMatchHolds() throws {
        let yaml = Support.ruleFile(id: "t-mehr", family: "truncation", pattern: "(?:[.!?]|\\b[Vv]on \\p{Lu}[\\p{L}-]+) \\Kmehr(?:{ellipsis}| ?»){eos}",
                                    match: ["Von Martin «mehr...»"], keep: ["Es gibt mehr als das. Und noch mehr…"],
                                    extra: "    requires: [[mehr], ['…', '...', '&hellip;', '&#', '»']]")
        let catalogue = try Support.catalogue(yaml)
        #expect(catalogue.rules[0].literalTail == [9, nil])  // "mehr" 4 and "&hellip;" 5 (its "p" and ";" are spacing)
        let matcher = RuleMatcher(catalogue: catalogue)
        let texts = ["Es gibt mehr als das, sagt er… und geht.", "Es gibt mehr als das. Von Anna mehr...", "mehr mehr mehr mehr »",
                     "Ein Satz. mehr \u{00A0}»", "Noch mehr » und mehr…"]
        for text in texts {
            #expect(matcher.hiddenMatches(in: Document(text), scratch: MatchScratch()).isEmpty, "\(text)")
        }
        #expect(catalogue.screen.candidates(in: Document(texts[0])).isEmpty)  // its "mehr" is 40 bytes from the end
        #expect(catalogue.screen.candidates(in: Document(texts[1])).count == 1)  // the second "mehr" ends the line
        #expect(catalogue.screen.candidates(in: Document(texts[4])).count == 1)
    }

    /// A backreference `\1`…`\9` to a group parsed before it counts what that group holds; one before the group,
    /// inside it, to a group that does not exist, or in a pattern whose groups are numbered otherwise (a branch reset,
    /// no auto capture) is not known.
    @Test func backreferencesToEarlierGroups() throws {
        #expect(try bound("(k{1,3})-\\1") == 7)
        #expect(try bound("(?<w>kl)(m)\\2\\1") == 6)  // a named group has a number too
        #expect(try bound("(?:k|(l{2}))\\1?") == 4)
        for pattern in ["\\1(k)", "(k\\1)", "(k)\\2", "(?|(k)|(ll))\\1", "(?n)(k)(l)\\1", "(k)\\12"] {
            #expect(try bound(pattern) == nil, "\(pattern)")
        }
    }

    /// A call of a named group parsed before it counts what that group holds; a call before the group, inside it
    /// (recursion) or to a name given twice is not known.
    @Test func callsOfNamedGroups() throws {
        #expect(try bound("(?<n>kk)(?&n)") == 4)
        #expect(try bound("(?P<n>kk)(?P>n)?") == 4)
        #expect(try bound("(?<n>kk)(?:(?&n)(?&n)?)?") == 6)
        #expect(try bound("(?<n>k) ?(?&n){eos}") == 2)
        func endsLine(_ pattern: String) throws -> Bool { MatchReach.bounds(of: try PatternExpander.expand(pattern).pattern).endsLine }
        #expect(try endsLine("(?<n>k$)(?&n)"))
        #expect(try endsLine("^(?<box>(?:Read more|Share) ?)(?:(?&box)(?&box)?)?{eos}"))
        for pattern in ["(?&n)(?<n>kk)", "(?<n>k(?&n)?)", "(?J)(?<n>k)(?<n>ll)(?&n)", "(?<n>k)(?&m)"] {
            #expect(try bound(pattern) == nil, "\(pattern)")
            #expect(MatchReach.bounds(of: pattern).startBound == false, "\(pattern)")
        }
    }

    @Test func caselessPatternsAreFoundOnBytes() {
        for (pattern, caseless) in [("(?i)read more", true), ("(?mi:x)", true), ("(?-i)x", false), ("(?<iso>x)", false),
                                    ("(?J)(?<t>a)", false), ("plain", false),
                                    ("\\(?i\\)", true)] {  // an escaped paren counts too: caseless is the safe side
            #expect(LiteralExtractor.isCaseless(Array(pattern.utf8)) == caseless, "\(pattern)")
        }
    }

    @Test func unboundedOrUnknownIsNil() throws {
        #expect(try bound("k+") == nil)
        #expect(try bound("title: .+? appeared") == nil)
        #expect(try bound("(k+)\\1") == nil)
        #expect(try bound("(?(1)k|l)") == nil)
        #expect(try bound("\\X") == nil)
        #expect(try bound("k{1,}") == nil)
        // Text in PCRE2 10.42, a quantifier from 10.43: the bound covers both readings.
        #expect(try bound("k{,3}") == 3 + 3)
        #expect(try bound("\\w{,3}") == 3 + 3)
        #expect(try bound("(?R)") == nil)
        #expect(try bound("(?C1)k") == nil)
        #expect(try bound("[a-\\x{FF}]") == 1)  // a range to an escape: not read, one character
    }

    /// The lead stops at the last mandatory item: optional trailers ("{eos}", "\.?", a quoted title) do not count,
    /// a mandatory item after the literal does, and so does a lookahead.
    @Test func leadStopsAtTheLastMandatoryItem() throws {
        func lead(_ pattern: String) throws -> Int? { MatchReach.bounds(of: try PatternExpander.expand(pattern).pattern).lead }
        #expect(try lead("{bos}Les mer(?: «[^»]{1,150}»)?\\.?{eos}") == 5)  // "Le" "mer"
        #expect(try bound("{bos}Les mer(?: «[^»]{1,150}»)?\\.?{eos}") == 5 + 150 + 1)  // "«", "»": C2 begins NBSP
        #expect(try lead("Les (?:mer|videre)(?: .+)?") == 8)  // "Le", "videre"
        #expect(try lead("Les (.+) mer") == nil)
        #expect(try lead("Les mer(?= →)") == 5)  // the arrow (E2 86 92) is in the lookahead, and E2 begins spacing
        #expect(try lead("(?:Les mer(?:!)?|Fortsett)(?:\\.)?") == 7)  // the longer alternative
        #expect(try lead("k+l?") == nil)
    }

    /// A pattern whose every match starts its line (each alternative passes `^` or `\A`, without the multiline
    /// option) and holds a byte gives the bytes its first can be; any other gives none.
    @Test func lineStartIsWhatAnAnchoredMatchBeginsWith() throws {
        func start(_ pattern: String) throws -> ByteSet? { MatchReach.bounds(of: try PatternExpander.expand(pattern).pattern).lineStart }
        func set(_ text: String, nonASCII: Bool = false) -> ByteSet { nonASCII ? ByteSet(text.utf8).union(.nonASCII) : ByteSet(text.utf8) }
        let cases: [(String, ByteSet)] = [
            ("^(?:See also|Share|Also read)", set("SA")), ("^Read more", set("R")), ("\\A(?:x|y)", set("xy")),
            ("^(?:x)?y", set("xy")), ("x?^y", set("xy")), ("^(?=abc)d", set("d")), ("^(?!a)(?<!b)\\b\\Kfoo", set("f")),
            ("^(?:\\[|\\()", set("[(")), ("(?:^a|^b)|\\Ac", set("abc")), ("^[a-c_]x", set("abc_")), ("^[^a]", .all),
            ("^\\d", set("0123456789", nonASCII: true)), ("^\\s?x", set("\t\n\u{0B}\u{0C}\r x", nonASCII: true)),
            ("(?i)^se", set("Ss", nonASCII: true)), ("(?i)^[a-b]", set("aAbB", nonASCII: true)), ("(?i)^é", set("", nonASCII: true).union(MatchReach.Parser.letters)),
            ("^ab(?i:cd)", set("a")), ("^(?i:a)b", set("aA", nonASCII: true)), ("^(?:(?i)x)|^y", set("xXy", nonASCII: true)),
            ("^é", ByteSet([0xC3])), ("^\\x{41}", set("A")), ("^\\Q(x\\E", set("(")), ("^\\.", set(".")),
            ("^(?<n>ab)(?&n)", set("a")), ("^.", .all),
        ]
        for (pattern, expected) in cases {
            let found = try start(pattern)
            #expect(found == expected, "\(pattern): \(found?.bytes ?? [])")
        }
        // `{bos}` also starts after a sentence's end; an optional or asserted anchor, a multiline `^`, a pattern that
        // may match nothing, and a syntax the analysis does not read give no line start.
        for pattern in ["{bos}Read", "a", "^a|b", "(?:^)?a", "^?a", "(?=^)a", "(?<=^)a", "(?m)^a", "^a*", "^(?:a|)", "^\\b",
                        "(?x)^ a", "(?(1)a|b)^c", "^(?R)", "^\\1"] {
            #expect(try start(pattern) == nil, "\(pattern)")
        }
    }

    /// Every match that a built-in rule with a line start finds at the start of one of its examples, as written, in
    /// each variant and behind a character of each kind (letters in both cases, the Kelvin sign and the long s, which
    /// a caseless `k` and `s` match, digits, punctuation, spaces), begins with one of its bytes.
    @Test func everyLineARuleMatchesBeginsWithItsLineStart() throws {
        let scratch = MatchScratch()
        var checked = 0
        for rule in Support.builtin.rules {
            guard let lineStart = rule.lineStart else { continue }
            for example in rule.matchExamples + rule.keepExamples {
                var texts = [example.text]
                for variant in ExampleVariant.allCases { if let (text, _) = variant.apply(to: example, position: rule.position) { texts.append(text) } }
                // The first character in its other case, and as the Kelvin sign or the long s that a caseless k or s
                // matches.
                for text in texts {
                    guard let first = text.first else { continue }
                    let others = [first.isUppercase ? first.lowercased() : first.uppercased()]
                        + (first == "k" || first == "K" ? ["\u{212A}"] : first == "s" || first == "S" ? ["\u{17F}"] : [])
                    texts += others.map { $0 + text.dropFirst() }
                }
                for text in texts {
                    for prefix in ["", "a", "A", "k", "\u{212A}", "s", "\u{17F}", "é", "É", "1", " ", "\u{A0}", "[", "«", "*"] {
                        for line in (prefix + text).split(separator: "\n", omittingEmptySubsequences: false) {
                            let bytes = Array(line.utf8)
                            try bytes.withUnsafeBufferPointer { buffer in
                                guard try rule.regex.firstMatch(in: buffer, from: 0, scratch: scratch) != nil else { return }
                                checked += 1
                                #expect(bytes.first.map(lineStart.contains) == true, "\(rule.id) matches \(String(line).debugDescription)")
                            }
                        }
                    }
                }
            }
        }
        #expect(checked > 1000)
    }

    /// Every match of every built-in rule's examples holds no more non-spacing bytes than the rule's bound.
    @Test func everyExampleMatchIsWithinItsRulesBound() throws {
        let scratch = MatchScratch()
        var bounded = 0
        for rule in Support.builtin.rules {
            guard let reach = rule.matchReach else { continue }
            bounded += 1
            for example in rule.matchExamples {
                let bytes = Array(example.text.utf8)
                try bytes.withUnsafeBufferPointer { line in
                    var from = 0
                    while from <= line.count, let match = try rule.regex.firstMatch(in: line, from: from, scratch: scratch) {
                        let used = Self.cost(bytes[match.range])
                        #expect(used <= reach, "\(rule.id): \(used) non-spacing bytes in a match, bound \(reach): \(example.text.debugDescription)")
                        from = max(match.range.upperBound, match.range.lowerBound + 1)
                    }
                }
            }
        }
        #expect(bounded > Support.builtin.rules.count / 2)
    }

    @Test func floorWalksOverSpacingForFreeAndStopsAtTheBudget() {
        let text = Array("Hello world.&nbsp;  Read more".utf8)
        let read = 20
        text.withUnsafeBufferPointer { bytes in
            // No budget: back over the spaces and the entity, to the period.
            #expect(MatchReach.floor(before: read, budget: 0, in: bytes, lowerBound: 0) == 12)
            // One byte more: the period, then "d" stops it.
            #expect(MatchReach.floor(before: read, budget: 1, in: bytes, lowerBound: 0) == 11)
            #expect(MatchReach.floor(before: read, budget: 1000, in: bytes, lowerBound: 0) == 0)
            #expect(MatchReach.floor(before: read, budget: 1000, in: bytes, lowerBound: 5) == 5)
        }
        // It stops at the start of a character.
        let accented = Array("xé y".utf8)  // "x", C3 A9, " ", "y"
        accented.withUnsafeBufferPointer { bytes in
            #expect(MatchReach.floor(before: 4, budget: 0, in: bytes, lowerBound: 0) == 1)
        }
    }
}
