import Foundation
import TensorBoard
import TestSupport
import Testing

/// The linear-time pattern matcher used for tag and run filters.
@Suite struct TagPatternTests {
    /// Patterns within the supported subset, checked against Swift's `Regex` (a backtracking
    /// engine with the same semantics for these) on ASCII texts without newlines (Swift's
    /// `\w`, `\d`, `\s` and `\b` are Unicode-aware, these are ASCII).
    static let patterns = [
        "loss", "^loss$", "^train/", "/acc$", "l.ss", "lo+s", "lo*s", "lo?s", "x?", "a|b|c", "(train|eval)/loss",
        "(?:train|eval)/(loss|acc)", "[abc]+", "[a-c]{2}", "[^a-z]", "[^/]+$", "\\d+", "\\D", "\\w+/\\w+", "\\W", "\\s", "\\S+",
        "C\\d+-C\\d+", "^C[0-9]{1,3}-C[0-9]{1,3}$", "a{2,}", "a{0,2}b", "a{3}", "(ab)*c", "(a|ab)(c|bcd)(d*)", "(a*)*b",
        "(a+)+$", "\\.", "a\\.b", "[.]", "[-a]", "[a-]", "[\\]]", "\\bloss\\b", "\\Bos", "lo+?s", "(?<name>a)b",
        "(?P<name>a)b", "^$", "^", "$", "a*?", "[\\d_]+", "[^\\s]+",
    ]
    static let texts = [
        "", "loss", "train/loss", "eval/acc", "train/acc", "lss", "loooss", "C0-C1", "C12-C345", "C1234-C1", "aaab", "abcd",
        "abc", "a.b", "axb", "]", "-", "a b", "x", "loss_2", "my loss", "aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa!", "ab", "a/b c",
    ]

    @Test(arguments: patterns) func agreesWithSwiftRegex(_ pattern: String) throws {
        let ours = try TagPattern(pattern)
        let reference = try Regex(pattern)
        for text in Self.texts {
            #expect(ours.matches(text) == text.contains(reference), "pattern \(pattern) on '\(text)'")
        }
    }

    @Test func bracketEdgesAndNonASCIIText() throws {
        #expect(try TagPattern("[]a]").matches("]"))
        #expect(try TagPattern("[^]a]").matches("b"))
        #expect(try TagPattern("[^]a]").matches("]a") == false)
        #expect(try TagPattern("caf.$").matches("café"))
        #expect(try TagPattern("[à-ÿ]").matches("café"))
        #expect(try TagPattern("\\w$").matches("café") == false)  // ASCII classes
        #expect(try TagPattern("a.b").matches("a\nb") == false)
    }

    @Test func catastrophicBacktrackingPatternsAnswerAtOnce() throws {
        // Exponential for a backtracking engine; linear here.
        let text = String(repeating: "a", count: 20_000) + "!"
        #expect(try TagPattern("(a+)+$").matches(text) == false)
        #expect(try TagPattern("(a|a)*b").matches(text) == false)
        #expect(try TagPattern("(a*)*$").matches(text) == true)
        #expect(try TagPattern("^(a+)+!$").matches(text) == true)
        #expect(try TagPattern("(\\w+\\s?)*$").matches(text) == true)
        #expect(try TagPattern("(x+x+)+y").matches(String(repeating: "x", count: 20_000)) == false)
    }

    @Test(arguments: [
        ("(a", "pattern '(a' is invalid at character 3: missing ')' for the '(' at character 1"),
        ("a)", "pattern 'a)' is invalid at character 2: unmatched ')'"),
        ("*a", "pattern '*a' is invalid at character 1: nothing to repeat before '*'"),
        ("a**", "pattern 'a**' is invalid at character 3: a quantifier cannot follow another quantifier"),
        ("^*", "pattern '^*' is invalid at character 2: nothing to repeat before '*'"),
        ("a{2,1}", "pattern 'a{2,1}' is invalid at character 2: repetition {2,1} has its bounds reversed"),
        ("a{1001}", "pattern 'a{1001}' is invalid at character 2: repetition bounds above 1000 are not accepted"),
        ("a{x}", "pattern 'a{x}' is invalid at character 2: '{' must start a repetition {m}, {m,} or {m,n}; write \\{ for a literal brace"),
        ("[z-a]", "pattern '[z-a]' is invalid at character 2: range 'z-a' is reversed"),
        ("[abc", "pattern '[abc' is invalid at character 5: missing ']' for the '[' at character 1"),
        ("ab\\", "pattern 'ab\\' is invalid at character 3: the pattern ends with a lone '\\'"),
        ("(a)\\1", "pattern '(a)\\1' uses a backreference '\\1' at character 4, which is not supported (supported: literals, ., [...], \\d \\w \\s, * + ? {m,n}, |, (...), ^ $ \\b)"),
        ("(?=a)", "pattern '(?=a)' uses lookahead at character 1, which is not supported (supported: literals, ., [...], \\d \\w \\s, * + ? {m,n}, |, (...), ^ $ \\b)"),
        ("(?!a)", "pattern '(?!a)' uses lookahead at character 1, which is not supported (supported: literals, ., [...], \\d \\w \\s, * + ? {m,n}, |, (...), ^ $ \\b)"),
        ("(?<=a)b", "pattern '(?<=a)b' uses lookbehind at character 1, which is not supported (supported: literals, ., [...], \\d \\w \\s, * + ? {m,n}, |, (...), ^ $ \\b)"),
        ("(?i)loss", "pattern '(?i)loss' uses an inline flag or extension group '(?' at character 1, which is not supported (supported: literals, ., [...], \\d \\w \\s, * + ? {m,n}, |, (...), ^ $ \\b)"),
        ("a*+", "pattern 'a*+' uses a possessive quantifier at character 3, which is not supported (supported: literals, ., [...], \\d \\w \\s, * + ? {m,n}, |, (...), ^ $ \\b)"),
        ("\\p{L}", "pattern '\\p{L}' uses the escape '\\p' at character 1, which is not supported (supported: literals, ., [...], \\d \\w \\s, * + ? {m,n}, |, (...), ^ $ \\b)"),
        ("(a{1000}){1000}", "pattern '(a{1000}){1000}' is too large once its repetitions are expanded (more than 10000 steps); use smaller {m,n} bounds"),
    ]) func rejectsWithTheExactMessage(_ pattern: String, _ message: String) {
        do {
            _ = try TagPattern(pattern)
            Issue.record("pattern \(pattern) was accepted")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func deeplyNestedGroupsAreRejectedNotRecursedInto() throws {
        let pattern = String(repeating: "(", count: 100_000) + "a" + String(repeating: ")", count: 100_000)
        #expect(throws: TagPatternError.invalid(pattern: pattern, position: 101, reason: "groups nested more than 100 deep")) {
            try TagPattern(pattern)
        }
        let hundred = String(repeating: "(", count: 100) + "a" + String(repeating: ")", count: 100)
        #expect(try TagPattern(hundred).matches("xa"))
    }
}
