import Foundation
import Testing

@Suite struct CleanCommandTests {
    @Test func plainTextDropsTheLastTwoLinesOfTheExample() throws {
        let result = try Binary.run([Binary.example])
        #expect(result.status == 0)
        let input = try String(contentsOfFile: Binary.example, encoding: .utf8)
        let lines = input.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(result.text == lines.dropLast(2).joined(separator: "\n") + "\n")
        #expect(result.text.contains("\nUn partenaire soucieux de sa souveraineté\n"))
    }

    @Test func jsonReportsTheVerdictsAndMetadata() throws {
        let result = try Binary.run(["--json", Binary.example])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: result.stdout) as! [String: Any]
        let meta = object["boilerstrip"] as! [String: Any]
        #expect(meta["paywalled"] as? Bool == true)
        #expect(meta["truncated"] as? Bool == true)
        #expect(meta["remaining_percent"] as? Double == 64.96)
        let syndication = meta["syndication"] as! [String: Any]
        #expect(syndication["original_title"] as? String == "Entre le Kazakhstan et la Russie, une relation ambivalente")
        #expect(syndication["original_site"] as? String == "zimo news")
        #expect(syndication["original_url"] is NSNull)
        let input = Array(try String(contentsOfFile: Binary.example, encoding: .utf8).unicodeScalars)
        let removed = meta["removed"] as! [[String: Any]]
        #expect(removed.map { $0["rule"] as! String } == ["lemonde-remaining-fr", "yoast-footer-fr"])
        #expect(removed.map { $0["family"] as! String } == ["paywall", "syndication"])
        for span in removed {
            let start = span["start"] as! Int, end = span["end"] as! Int
            #expect(String(String.UnicodeScalarView(input[start..<end])) == span["text"] as! String)
        }
        #expect((meta["flagged"] as! [Any]).isEmpty)
    }

    @Test func wireCreditsAreRemovedOrKeptAndAlwaysReported() throws {
        let text = "Die Regierung will die Maßnahmen verlängern, sagte ein Sprecher am Montag in Berlin. (dpa)\n"
        let removed = try Binary.run(["--json"], input: Data(text.utf8))
        let kept = try Binary.run(["--json", "--keep-credits"], input: Data(text.utf8))
        for (result, expected) in [(removed, "Die Regierung will die Maßnahmen verlängern, sagte ein Sprecher am Montag in Berlin.\n"), (kept, text)] {
            #expect(result.status == 0)
            let object = try JSONSerialization.jsonObject(with: result.stdout) as! [String: Any]
            #expect(object["text"] as? String == expected)
            let meta = object["boilerstrip"] as! [String: Any]
            #expect((meta["syndication"] as! [String: Any])["credit"] as? String == "dpa")
            #expect(meta["truncated"] as? Bool == false)
        }
    }

    @Test func manyFilesAreCleanedInOrderWithOptionsAnywhere() throws {
        // Over 64 operands the files bypass the argument parser (Operands.swift): every option that takes a
        // value must still take it, wherever it stands. The options are read from the help, so a new one fails
        // here until Operands.valueOptions knows it.
        let help = try Binary.run(["help", "clean"]).text
        let valued = Set(help.matches(of: /(--[a-z-]+) <[a-z|.]+>/).map { String($0.output.1) })
        #expect(valued == ["--flag-threshold", "--jobs", "--meta-field", "--on-error", "--rules", "--text-field", "--threshold"])
        let directory = try Binary.temporaryDirectory()
        let rules = directory.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        var paths: [String] = []
        for index in 0..<90 {
            let url = directory.appendingPathComponent(String(format: "doc%03d.txt", index))
            let footer = index % 3 == 0 ? "\nThe post Story \(index) appeared first on Site.\n" : "\n"
            try Data("Paragraph \(index) of the story about the budget.\(footer)".utf8).write(to: url)
            paths.append(url.path)
        }
        let options = ["--jobs", "2", "--threshold", "0.45", "--flag-threshold", "0.25", "--on-error", "pass",
                       "--text-field", "text", "--meta-field", "m", "--rules", rules.path]
        let many = try Binary.run(Array(paths[..<45]) + options + ["--json"] + Array(paths[45...]))
        #expect(many.status == 0, "\(many.stderr)")
        let lines = many.text.split(separator: "\n")
        #expect(lines.count == 90)
        for (index, line) in lines.enumerated() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            #expect(object["text"] as? String == "Paragraph \(index) of the story about the budget.\n")
            #expect(object["m"] != nil)
        }
        // Plain text, one job and two: the same bytes, in order.
        let one = try Binary.run(["--jobs", "1"] + paths), two = try Binary.run(["clean", "--jobs", "2", "--"] + paths)
        #expect(one.stdout == two.stdout)
        #expect(one.text == (0..<90).map { "Paragraph \($0) of the story about the budget.\n" }.joined())
    }

    @Test func stdinIsOneDocument() throws {
        let result = try Binary.run([], input: Data("Body text.\nThe post X appeared first on Y.\n".utf8))
        #expect(result.text == "Body text.\n")
    }

    /// Yams prints a notice to stdout for each file it parses when YAMS_DEFAULT_ENCODING is set and the encoding is
    /// left to it: the rule files are parsed as UTF-8 outright, so nothing but the cleaned text reaches stdout.
    @Test func yamlEncodingVariableLeavesStdoutClean() throws {
        let result = try Binary.run([], input: Data("Body text.\nThe post X appeared first on Y.\n".utf8),
                                    environment: ["YAMS_DEFAULT_ENCODING": "utf8"])
        #expect(result.text == "Body text.\n")
    }

    @Test func jsonlKeepsEveryOtherFieldByteForByte() throws {
        let example = try String(contentsOfFile: Binary.example, encoding: .utf8)
        let textJSON = String(decoding: try JSONSerialization.data(withJSONObject: [example], options: [.withoutEscapingSlashes]), as: UTF8.self).dropFirst().dropLast()
        let head = #"{"id":"lm-1","n":3.25e2,"none":null,"tags":["é","日本"],"nested":{"a":{"b":[true,false]}},"text":"#
        let tail = #","ünïcode":"ça va","big":12345678901234567890}"#
        let clean = #"{"id":"c","text":"Nothing to see here.\nJust an article.","x":[1,{"y":null}]}"#
        let input = head + textJSON + tail + "\n" + clean + "\n"
        let result = try Binary.run(["--jsonl"], input: Data(input.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty)
        #expect(lines[0].hasPrefix(head))
        #expect(lines[0].contains(tail.dropLast() + #","boilerstrip":{"paywalled":true,"truncated":true"#))
        #expect(lines[1].hasPrefix(#"{"id":"c","text":"Nothing to see here.\nJust an article.","x":[1,{"y":null}],"boilerstrip":{"paywalled":false"#))
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect((first["text"] as! String).hasSuffix("quitte à modifier pour cela la Constitution.\n"))
        #expect(first["ünïcode"] as? String == "ça va")
    }

    @Test func textFieldAndMetaFieldCanBeRenamed() throws {
        let result = try Binary.run(["--jsonl", "--text-field", "body", "--meta-field", "bs"], input: Data(#"{"body":"A.\nRead more","text":"Read more"}"#.utf8))
        #expect(result.text == #"{"body":"A.\n","text":"Read more","bs":{"paywalled":false,"truncated":true"# + result.text.dropFirst(#"{"body":"A.\n","text":"Read more","bs":{"paywalled":false,"truncated":true"#.count))
        #expect(result.text.hasPrefix(#"{"body":"A.\n","text":"Read more","bs":{"#))
    }

    @Test func verboseAddsFactors() throws {
        let result = try Binary.run(["--json", "--verbose", Binary.example])
        #expect(result.text.contains(#""factors":{"prior":0.98,"coverage":1,"position":1,"prose_lines_away":0,"text_chars_away":0}"#))
    }

    @Test func userRulesAreAddedWithRules() throws {
        let directory = try Binary.temporaryDirectory()
        try """
        family: promo
        language: en
        rules:
          - id: user-promo-en
            pattern: '^Sponsored by (?<site>.+){eos}'
            position: any
            weight: 0.9
            examples:
              match: ['Sponsored by ACME']
              keep: ['The event was sponsored by ACME.']
        """.write(to: directory.appendingPathComponent("promo.yaml"), atomically: true, encoding: .utf8)
        let input = Data("Sponsored by ACME\nReal text.\n".utf8)
        #expect(try Binary.run(["--rules", directory.path], input: input).text == "Real text.\n")
        #expect(try Binary.run([], input: input).text == "Sponsored by ACME\nReal text.\n")
    }

    @Test func theBinaryCarriesItsRules() throws {
        let directory = try Binary.temporaryDirectory()
        let copy = directory.appendingPathComponent("boilerstrip").path
        try FileManager.default.copyItem(atPath: Binary.path, toPath: copy)
        let result = try Binary.run([], input: Data("Text.\nIl vous reste 10% de cet article à lire.\n".utf8), executable: copy, directory: directory.path)
        #expect(result.text == "Text.\n")
    }
}

@Suite struct ExitCodeTests {
    @Test func malformedRecordExits65NamingTheLine() throws {
        let input = Data("{\"text\":\"a\"}\n{\"text\":\"b\"\n{\"text\":\"c\"}\n".utf8)
        let result = try Binary.run(["--jsonl"], input: input)
        #expect(result.status == 65)
        #expect(result.stderr.contains("<stdin>:2: malformed record"))
        #expect(result.text.split(separator: "\n").count == 1)
        let passed = try Binary.run(["--jsonl", "--on-error", "pass"], input: input)
        #expect(passed.status == 0)
        #expect(passed.text.split(separator: "\n").count == 3)
        #expect(passed.stderr.contains("<stdin>:2: malformed record passed through"))
    }

    @Test func badRuleFileExits78NamingFileLineAndRule() throws {
        let directory = try Binary.temporaryDirectory()
        try """
        family: promo
        language: en
        rules:
          - id: broken-rule
            pattern: '^(unclosed'
            examples:
              match: ['x']
              keep: ['y']
        """.write(to: directory.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let result = try Binary.run(["--rules", directory.path], input: Data("x".utf8))
        #expect(result.status == 78)
        #expect(result.stderr.contains("bad.yaml:5: error: rule broken-rule: pattern does not compile"))
    }

    @Test func missingFileAndDirectoryExit66() throws {
        let missing = try Binary.run(["/nonexistent/file.txt"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("/nonexistent/file.txt"))
        let directory = try Binary.run(["/tmp"])
        #expect(directory.status == 66)
        #expect(directory.stderr.contains("is a directory"))
        // Among several files, on two jobs that open and read their own: the others are cleaned and written in order.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("boilerstrip-missing-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let paths = try (0..<6).map { index in
            let url = folder.appendingPathComponent("doc\(index).txt")
            if index != 3 { try Data("Paragraph \(index).\nThe post X appeared first on Y.\n".utf8).write(to: url) }
            return url.path
        }
        let several = try Binary.run(["--jobs", "2"] + paths)
        #expect(several.status == 66)
        #expect(several.stderr.contains("doc3.txt: No such file or directory"))
        #expect(several.text == [0, 1, 2, 4, 5].map { "Paragraph \($0).\n" }.joined())
    }

    @Test func usageErrorExits64() throws {
        #expect(try Binary.run(["--json", "--jsonl"]).status == 64)
        #expect(try Binary.run(["--threshold", "2"]).status == 64)
        #expect(try Binary.run(["--no-such-flag"]).status == 64)
    }

    @Test func oneRecordAtATimeGetsItsAnswerAtOnce() throws {
        // A caller that writes one record and waits for its answer (a Python subprocess helper) must not hang.
        let script = """
        exec 3> >('\(Binary.path)' --jsonl > /tmp/boilerstrip-interactive-$$.out)
        printf '%s\\n' '{"text":"Body.\\nRead more"}' >&3
        for i in $(seq 1 100); do [ -s /tmp/boilerstrip-interactive-$$.out ] && break; sleep 0.1; done
        cat /tmp/boilerstrip-interactive-$$.out; exec 3>&-; rm -f /tmp/boilerstrip-interactive-$$.out
        """
        let result = try Binary.shell(script)
        #expect(result.text.hasPrefix(#"{"text":"Body.\n","boilerstrip":{"paywalled":false,"truncated":true"#), "\(result.stderr)")
    }

    @Test func interruptLeavesNoHalfRecord() throws {
        let script = """
        yes '{"text":"Some text here. Read more","id":12345}' | head -n 1000000 > /tmp/boilerstrip-sig-$$.in
        '\(Binary.path)' --jsonl --jobs 2 < /tmp/boilerstrip-sig-$$.in > /tmp/boilerstrip-sig-$$.out &
        pid=$!
        for i in $(seq 1 200); do [ -s /tmp/boilerstrip-sig-$$.out ] && break; sleep 0.05; done
        kill -INT $pid; wait $pid; echo "status $?"
        tail -c 1 /tmp/boilerstrip-sig-$$.out | od -An -c; tail -n 1 /tmp/boilerstrip-sig-$$.out
        rm -f /tmp/boilerstrip-sig-$$.in /tmp/boilerstrip-sig-$$.out
        """
        let result = try Binary.shell(script)
        let lines = result.text.split(separator: "\n")
        #expect(lines.first == "status 130" || lines.first == "status 0", "\(result.text)")
        #expect(lines.count >= 3 && lines[1].contains("\\n"), "the output must end with a line break")
        if lines.count >= 3 { #expect((try? JSONSerialization.jsonObject(with: Data(lines[2].utf8))) != nil) }
    }

    /// A pipe on stdin or stdout is raised to 1 MiB (Linux gives 64 KiB, and a fast reader then waits on its writer
    /// for each 64 KiB): both pipes hold 1 MiB once the first record's answer is back.
    @Test func pipesAreRaisedToOneMebibyte() throws {
        let limit = (try? String(contentsOfFile: "/proc/sys/fs/pipe-max-size", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        guard limit >= 1 << 20 else { return }  // not Linux, or a lower limit: the pipes stay as they are
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["--jsonl"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        let getPipeSize: Int32 = 1032  // F_GETPIPE_SZ
        #expect(fcntl(stdin.fileHandleForWriting.fileDescriptor, getPipeSize) < 1 << 20)
        try process.run()
        stdin.fileHandleForWriting.write(Data(#"{"text":"Body.\nRead more"}"#.utf8 + [0x0A]))
        var answer = Data()
        while !answer.contains(0x0A) {
            let more = stdout.fileHandleForReading.availableData  // what is there, waiting for some (not for 4 KiB)
            if more.isEmpty { break }
            answer += more
        }
        #expect(String(decoding: answer, as: UTF8.self).hasPrefix(#"{"text":"Body.\n","#))
        #expect(fcntl(stdin.fileHandleForWriting.fileDescriptor, getPipeSize) == 1 << 20)
        #expect(fcntl(stdout.fileHandleForReading.fileDescriptor, getPipeSize) == 1 << 20)
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func closedStdoutEndsQuietly() throws {
        let script = "yes '{\"text\":\"Some text. Read more\"}' | head -n 200000 | '\(Binary.path)' --jsonl | head -n 1 > /dev/null; echo \"${PIPESTATUS[2]}\""
        let result = try Binary.shell(script)
        #expect(result.text.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        #expect(!result.stderr.contains("boilerstrip"))
    }
}

@Suite struct RulesCommandTests {
    @Test func rulesTestPasses() throws {
        let result = try Binary.run(["rules", "test"])
        #expect(result.status == 0, "\(result.text)")
        #expect(result.text.contains("all passed"))
    }

    @Test func rulesTestNamesAFailingRuleAndExample() throws {
        let directory = try Binary.temporaryDirectory()
        try """
        family: truncation
        language: en
        rules:
          - id: fragile-rule
            pattern: 'Read\\x20more{eos}'
            position: tail
            requires: [read]
            examples:
              match: ['Intro. «Read more»']
              keep: ['We read more books.']
        """.write(to: directory.appendingPathComponent("t.yaml"), atomically: true, encoding: .utf8)
        let result = try Binary.run(["rules", "test", "--no-builtin", "--rules", directory.path])
        #expect(result.status == 1)
        #expect(result.text.contains("t.yaml:9: rule fragile-rule:"))
    }

    @Test func rulesListJSONHasTheFields() throws {
        let result = try Binary.run(["rules", "list", "--json"])
        let lines = result.text.split(separator: "\n")
        #expect(lines.count >= 5)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            for key in ["id", "family", "language", "position", "weight", "credit", "to_end", "literals", "match_reach", "literal_reach", "literal_tail", "ends_line", "starts_line", "match_examples", "keep_examples"] {
                #expect(object[key] != nil, "\(key) missing in \(line)")
            }
        }
        // How far a match reaches: a number where the pattern bounds it (a Yoast footer's title of at most 300
        // characters, whose lookahead holds no literal), null where a run of any length is ("[^\[\]\n]*").
        let rules = lines.map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(rules.first { $0["id"] as? String == "lemonde-remaining-fr" }?["match_reach"] is Int)
        #expect(rules.first { $0["id"] as? String == "yoast-footer-fr" }?["match_reach"] is Int)
        #expect(rules.first { $0["id"] as? String == "tsp-bracket-newsletter-de" }?["match_reach"] is NSNull)
        // Whether every match ends its line: a notice ending in {eos}, not a label that text follows.
        #expect(rules.first { $0["id"] as? String == "agency-credit-fr" }?["ends_line"] as? Bool == true)
        #expect(rules.first { $0["id"] as? String == "author-bio-en" }?["ends_line"] as? Bool == false)
        // Whether every match starts its line: a label at the start of one, not a credit after the text.
        #expect(rules.first { $0["id"] as? String == "see-also-en" }?["starts_line"] as? Bool == true)
        #expect(rules.first { $0["id"] as? String == "agency-credit-fr" }?["starts_line"] as? Bool == false)
        // The screen's view of a literal: word boundaries it checks, the spelling where it is exact.
        let credit = lines.map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .first { $0["id"] as? String == "agency-credit-fr" }!
        #expect(credit["credit"] as? Bool == true)
        #expect((credit["literals"] as! [[String]]).joined().contains(#"\bReuters\b"#))
    }

    @Test func exportedPatternsWorkWithGrepP() throws {
        let count = try Binary.run(["rules", "list", "--json"]).text.split(separator: "\n").count
        let export = try Binary.run(["rules", "export"])
        #expect(export.text.split(separator: "\n").count == count)
        let directory = try Binary.temporaryDirectory()
        let patterns = directory.appendingPathComponent("patterns.txt")
        try export.stdout.write(to: patterns)
        let alternations = try Binary.run(["rules", "export", "--alternation"])
        try alternations.stdout.write(to: patterns)
        // Each line is one pattern grep -P accepts; together they find both boilerplate lines of the example.
        let grep = try Binary.shell("while IFS= read -r p; do LC_ALL=C.UTF-8 grep -n -P -e \"$p\" '\(Binary.example)' | cut -d: -f1; done < '\(patterns.path)' | sort -u")
        #expect(grep.stderr.isEmpty, "\(grep.stderr)")
        #expect(grep.text.split(separator: "\n") == ["6", "7"])
    }

    @Test func lintRuns() throws {
        let result = try Binary.run(["rules", "lint"])
        #expect(result.status == 0, "\(result.text)")
        #expect(result.text.contains("rules lint:"))
    }
}

@Suite struct FuzzRegressionTests {
    /// Every input the fuzzer ever crashed on, and the seeds, replayed through the fuzz target's invariants.
    @Test func crashingInputsStayFixed() throws {
        let replay = URL(fileURLWithPath: Binary.path).deletingLastPathComponent().appendingPathComponent("BoilerstripFuzz").path
        let fixtures = Binary.repository.appendingPathComponent("Tests/Fixtures/fuzz")
        let result = try Binary.run([fixtures.appendingPathComponent("seeds").path, fixtures.appendingPathComponent("regressions").path], executable: replay)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.contains("all invariants held"))
        let count = try FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent("regressions").path).count
        #expect(count >= 2)
    }
}

@Suite struct ForAPersonTests {
    @Test func explainShowsTheWholeDocumentAndBothRules() throws {
        let result = try Binary.run(["--explain", Binary.example])
        #expect(result.status == 0)
        let input = try String(contentsOfFile: Binary.example, encoding: .utf8)
        // Every line of the input is there; the boilerplate is marked, not dropped.
        for line in input.split(separator: "\n") where !line.isEmpty {
            #expect(result.text.contains(line), "missing: \(line.prefix(40))")
        }
        #expect(result.text.contains("[-Il vous reste 64.96% de cet article à lire. La suite est réservée aux abonnés.-]"))
        #expect(result.text.contains("removed: lemonde-remaining-fr (paywall, fr) score 0.98 = prior 0.98 × coverage 1 × position 1"))
        #expect(result.text.contains("removed: yoast-footer-fr (syndication, fr) score 0.96"))
        #expect(result.text.contains("== verdict: paywalled, truncated"))
        #expect(!result.text.contains("\u{1B}["), "no colour when stdout is not a terminal")
    }

    @Test func statsSummarisesOnStderr() throws {
        let input = Data("{\"text\":\"Body.\\nRead more\"}\n{\"text\":\"Clean.\"}\n{\"id\":3}\n".utf8)
        let result = try Binary.run(["--jsonl", "--stats"], input: input)
        #expect(result.status == 0)
        #expect(result.stderr.contains("stats: documents 2, changed 1 (50.00%), truncated 1 (50.00%)"))
        #expect(result.stderr.contains("MB/s (vector kernels: "))
        #expect(result.stderr.contains("truncation 1"))
        #expect(result.stderr.contains("1 records without a string field 'text' passed through unchanged"))
        #expect(result.text.split(separator: "\n").count == 3)
    }

    @Test func versionCompletionsAndRulesPage() throws {
        #expect(try Binary.run(["--version"]).text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        #expect(try Binary.run(["--generate-completion-script", "bash"]).text.contains("_boilerstrip"))
        let page = try Binary.run(["rules", "doc"]).text
        let committed = try String(contentsOf: Binary.repository.appendingPathComponent("Rules/README.md"), encoding: .utf8)
        #expect(page == committed, "Rules/README.md is stale: run make rules-readme")
    }
}
