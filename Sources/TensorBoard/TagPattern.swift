/// A regular expression for selecting tags and runs, matched in time linear in the text.
///
/// The pattern is compiled to a Thompson NFA and run as a Pike VM (all alternatives advance
/// together, one input character at a time), so no pattern can backtrack without end:
/// `(a+)+$` against a long run of `a`s followed by `!` takes O(pattern × text) steps, not
/// exponential time. Matching is over Unicode scalars and, like `String.contains(_:)` with a
/// `Regex`, searches anywhere in the text unless anchored.
///
/// Supported syntax (a subset of Python's `re` and Swift's `Regex`):
/// - literal characters; `\` before any punctuation makes it literal (`\.`, `\/`, `\(`, `\\`);
///   `\t`, `\n`, `\r`, `\f`, `\v`;
/// - `.` (any character but a newline); `[abc]`, `[a-z0-9_]`, `[^...]` (a `]` right after `[`
///   or `[^` and a `-` at either end are literal);
/// - classes `\d` (ASCII digits), `\w` (ASCII letters, digits, `_`), `\s` (space, `\t`, `\n`,
///   `\r`, `\f`, `\v`) and their negations `\D`, `\W`, `\S`, also inside brackets;
/// - quantifiers `*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}` (bounds up to 1000), each optionally
///   followed by `?` (lazy; the same result for a yes/no match);
/// - alternation `|`, groups `(...)`, `(?:...)`, `(?<name>...)`, `(?P<name>...)`;
/// - anchors `^` (start of the text), `$` (end of the text), `\b`, `\B` (ASCII word boundary).
///
/// Backreferences, lookaround, inline flags, possessive quantifiers and other escapes are
/// rejected with `TagPatternError.unsupported`, naming the construct and its position.
/// Patterns are limited to 10,000 compiled instructions (`{m,n}` copies its operand).
public struct TagPattern: Sendable, Equatable {
    /// The pattern as given.
    public let pattern: String
    /// The compiled program (see `TagPattern+Matching.swift`).
    let program: [Instruction]

    /// Largest `m` or `n` accepted in `{m,n}`.
    public static let maximumRepetitionBound = 1000
    /// Largest compiled program, in instructions.
    public static let maximumProgramSize = 10_000

    /// Compiles a pattern.
    ///
    /// - Parameter pattern: The regular expression (syntax above).
    /// - Throws: `TagPatternError` naming the position and the problem.
    public init(_ pattern: String) throws(TagPatternError) {
        self.pattern = pattern
        var parser = Parser(pattern: pattern)
        let tree = try parser.parse()
        var compiler = Compiler(pattern: pattern)
        program = try compiler.compile(tree)
    }

    /// One step of the compiled program.
    enum Instruction: Sendable, Equatable {
        /// Consume one character that satisfies the matcher, then go to the next instruction.
        case character(CharacterMatcher)
        /// Continue at both targets (an NFA fork).
        case split(Int, Int)
        /// Continue at the target.
        case jump(Int)
        /// Continue at the next instruction only when the assertion holds here.
        case assert(Assertion)
        /// The pattern has matched.
        case accept
    }

    /// A zero-width condition.
    enum Assertion: Sendable, Equatable {
        case textStart, textEnd, wordBoundary, notWordBoundary
    }

    /// What one character position accepts.
    enum CharacterMatcher: Sendable, Equatable {
        /// Exactly this scalar.
        case scalar(Unicode.Scalar)
        /// Any scalar except `\n`.
        case anyButNewline
        /// A bracket expression or class escape: matches when any item matches, inverted when
        /// `negated`.
        case set(items: [SetItem], negated: Bool)
    }

    /// One item of a character set.
    enum SetItem: Sendable, Equatable {
        /// A closed range of scalar values.
        case range(UInt32, UInt32)
        /// `\d`, `\w`, `\s`, or their negations.
        case builtin(BuiltinClass, negated: Bool)
    }

    /// The ASCII class escapes.
    enum BuiltinClass: Sendable, Equatable {
        case digit, word, space
    }
}

/// Why a tag pattern was not accepted.
public enum TagPatternError: Error, Equatable, CustomStringConvertible {
    /// The pattern is not a well-formed expression (`position` is 1-based, in characters).
    case invalid(pattern: String, position: Int, reason: String)
    /// The pattern uses a construct outside the supported subset.
    case unsupported(pattern: String, position: Int, construct: String)
    /// The compiled pattern would exceed `TagPattern.maximumProgramSize` instructions.
    case tooLarge(pattern: String)

    /// One line saying what is wrong and what to do.
    public var description: String {
        switch self {
        case .invalid(let pattern, let position, let reason):
            return "pattern '\(pattern)' is invalid at character \(position): \(reason)"
        case .unsupported(let pattern, let position, let construct):
            return "pattern '\(pattern)' uses \(construct) at character \(position), which is not supported"
                + " (supported: literals, ., [...], \\d \\w \\s, * + ? {m,n}, |, (...), ^ $ \\b)"
        case .tooLarge(let pattern):
            return "pattern '\(pattern)' is too large once its repetitions are expanded"
                + " (more than \(TagPattern.maximumProgramSize) steps); use smaller {m,n} bounds"
        }
    }
}
