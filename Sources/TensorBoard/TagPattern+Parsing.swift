extension TagPattern {
    /// The syntax tree of a pattern.
    indirect enum Node: Equatable {
        case empty
        case character(CharacterMatcher)
        case assertion(Assertion)
        case concatenation([Node])
        case alternation([Node])
        /// `node{minimum,maximum}`; `maximum == nil` is unbounded.
        case repetition(Node, minimum: Int, maximum: Int?)
    }

    /// Recursive-descent parser over the pattern's Unicode scalars.
    ///
    /// Recursion depth grows with group nesting, which is bounded by `maximumGroupDepth`, so a
    /// pattern of a million `(` cannot overflow the stack.
    struct Parser {
        let pattern: String
        let scalars: [Unicode.Scalar]
        var index = 0
        var groupDepth = 0

        /// Deepest group nesting accepted.
        static let maximumGroupDepth = 100

        init(pattern: String) {
            self.pattern = pattern
            scalars = Array(pattern.unicodeScalars)
        }

        mutating func parse() throws(TagPatternError) -> Node {
            let node = try parseAlternation()
            if index < scalars.count {
                // Only an unmatched ')' stops the top-level alternation early.
                throw invalid("unmatched ')'")
            }
            return node
        }

        private func invalid(_ reason: String, at position: Int? = nil) -> TagPatternError {
            .invalid(pattern: pattern, position: (position ?? index) + 1, reason: reason)
        }

        private func unsupported(_ construct: String, at position: Int) -> TagPatternError {
            .unsupported(pattern: pattern, position: position + 1, construct: construct)
        }

        private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        private mutating func parseAlternation() throws(TagPatternError) -> Node {
            var branches = [try parseConcatenation()]
            while current == "|" {
                index += 1
                branches.append(try parseConcatenation())
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        private mutating func parseConcatenation() throws(TagPatternError) -> Node {
            var items = [Node]()
            while let c = current, c != "|", c != ")" {
                let node = try parseQuantifiers(try parseAtom())
                items.append(node)
            }
            switch items.count {
            case 0: return .empty
            case 1: return items[0]
            default: return .concatenation(items)
            }
        }

        private mutating func parseQuantifiers(_ atom: Node) throws(TagPatternError) -> Node {
            var node = atom
            var quantified = false
            while let c = current, c == "*" || c == "+" || c == "?" || c == "{" {
                let start = index
                if quantified { throw invalid("a quantifier cannot follow another quantifier", at: start) }
                if case .assertion = node { throw invalid("nothing to repeat before '\(c)'", at: start) }
                if node == .empty { throw invalid("nothing to repeat before '\(c)'", at: start) }
                let minimum: Int
                let maximum: Int?
                index += 1
                switch c {
                case "*": (minimum, maximum) = (0, nil)
                case "+": (minimum, maximum) = (1, nil)
                case "?": (minimum, maximum) = (0, 1)
                default: (minimum, maximum) = try parseBraces(start: start)
                }
                if current == "?" {
                    index += 1  // lazy: same yes/no result
                } else if current == "+" {
                    throw unsupported("a possessive quantifier", at: index)
                }
                node = .repetition(node, minimum: minimum, maximum: maximum)
                quantified = true
            }
            return node
        }

        /// Parses `m}`, `m,}` or `m,n}` after a `{` at `start`.
        private mutating func parseBraces(start: Int) throws(TagPatternError) -> (Int, Int?) {
            guard let minimum = parseNumber() else {
                throw invalid("'{' must start a repetition {m}, {m,} or {m,n}; write \\{ for a literal brace", at: start)
            }
            var maximum: Int? = minimum
            if current == "," {
                index += 1
                maximum = parseNumber()
            }
            guard current == "}" else {
                throw invalid("'{' must start a repetition {m}, {m,} or {m,n}; write \\{ for a literal brace", at: start)
            }
            index += 1
            let bound = TagPattern.maximumRepetitionBound
            guard minimum <= bound, (maximum ?? 0) <= bound else {
                throw invalid("repetition bounds above \(bound) are not accepted", at: start)
            }
            if let maximum, maximum < minimum { throw invalid("repetition {\(minimum),\(maximum)} has its bounds reversed", at: start) }
            return (minimum, maximum)
        }

        /// Decimal digits (at most 9 kept; longer numbers read as too large).
        private mutating func parseNumber() -> Int? {
            var value = 0
            var digits = 0
            while let c = current, c.value >= 0x30, c.value <= 0x39 {
                value = digits < 9 ? value * 10 + Int(c.value - 0x30) : Int.max / 2
                digits += 1
                index += 1
            }
            return digits > 0 ? value : nil
        }

        private mutating func parseAtom() throws(TagPatternError) -> Node {
            guard let c = current else { return .empty }
            let start = index
            index += 1
            switch c {
            case "(": return try parseGroup(start: start)
            case "[": return .character(try parseBracket(start: start))
            case ".": return .character(.anyButNewline)
            case "^": return .assertion(.textStart)
            case "$": return .assertion(.textEnd)
            case "\\": return try parseEscape(start: start)
            case "*", "+", "?": throw invalid("nothing to repeat before '\(c)'", at: start)
            case "{": throw invalid("nothing to repeat before '{'; write \\{ for a literal brace", at: start)
            default: return .character(.scalar(c))
            }
        }

        private mutating func parseGroup(start: Int) throws(TagPatternError) -> Node {
            if current == "?" {
                let next = index + 1 < scalars.count ? scalars[index + 1] : nil
                switch next {
                case ":":
                    index += 2
                case "P" where index + 2 < scalars.count && scalars[index + 2] == "<":
                    index += 3
                    try skipGroupName(start: start)
                case "<" where index + 2 < scalars.count && scalars[index + 2] != "=" && scalars[index + 2] != "!":
                    index += 2
                    try skipGroupName(start: start)
                case "=", "!": throw unsupported("lookahead", at: start)
                case "<": throw unsupported("lookbehind", at: start)
                case "P": throw unsupported("a named backreference", at: start)
                default: throw unsupported("an inline flag or extension group '(?'", at: start)
                }
            }
            groupDepth += 1
            guard groupDepth <= Self.maximumGroupDepth else {
                throw invalid("groups nested more than \(Self.maximumGroupDepth) deep", at: start)
            }
            let inner = try parseAlternation()
            groupDepth -= 1
            guard current == ")" else { throw invalid("missing ')' for the '(' at character \(start + 1)", at: index) }
            index += 1
            return inner
        }

        private mutating func skipGroupName(start: Int) throws(TagPatternError) {
            let nameStart = index
            while let c = current, c == "_" || (c.isASCII && c.properties.isAlphabetic) || (index > nameStart && c.isASCII && c.properties.numericType == .decimal) {
                index += 1
            }
            guard index > nameStart, current == ">" else { throw invalid("a group name must be letters, digits or '_' closed by '>'", at: start) }
            index += 1
        }

        /// Parses an escape after `\` at `start` (outside brackets).
        private mutating func parseEscape(start: Int) throws(TagPatternError) -> Node {
            guard let c = current else { throw invalid("the pattern ends with a lone '\\'", at: start) }
            switch c {
            case "b":
                index += 1
                return .assertion(.wordBoundary)
            case "B":
                index += 1
                return .assertion(.notWordBoundary)
            default:
                return .character(try parseCharacterEscape(start: start))
            }
        }

        /// Parses the character or class an escape stands for (both inside and outside brackets).
        private mutating func parseCharacterEscape(start: Int) throws(TagPatternError) -> CharacterMatcher {
            guard let c = current else { throw invalid("the pattern ends with a lone '\\'", at: start) }
            index += 1
            switch c {
            case "d": return .set(items: [.builtin(.digit, negated: false)], negated: false)
            case "D": return .set(items: [.builtin(.digit, negated: true)], negated: false)
            case "w": return .set(items: [.builtin(.word, negated: false)], negated: false)
            case "W": return .set(items: [.builtin(.word, negated: true)], negated: false)
            case "s": return .set(items: [.builtin(.space, negated: false)], negated: false)
            case "S": return .set(items: [.builtin(.space, negated: true)], negated: false)
            case "t": return .scalar("\t")
            case "n": return .scalar("\n")
            case "r": return .scalar("\r")
            case "f": return .scalar("\u{0C}")
            case "v": return .scalar("\u{0B}")
            case "1"..."9": throw unsupported("a backreference '\\\(c)'", at: start)
            case "k": throw unsupported("a named backreference '\\k'", at: start)
            default:
                if c.isASCII && (c.properties.isAlphabetic || c.properties.numericType != nil) {
                    throw unsupported("the escape '\\\(c)'", at: start)
                }
                return .scalar(c)
            }
        }

        /// Parses a bracket expression after `[` at `start`.
        private mutating func parseBracket(start: Int) throws(TagPatternError) -> CharacterMatcher {
            var negated = false
            if current == "^" {
                negated = true
                index += 1
            }
            var items = [SetItem]()
            var first = true
            while true {
                guard let c = current else { throw invalid("missing ']' for the '[' at character \(start + 1)", at: index) }
                if c == "]" && !first {
                    index += 1
                    break
                }
                first = false
                let itemStart = index
                let low: Unicode.Scalar
                if c == "\\" {
                    index += 1
                    let escaped = try parseCharacterEscape(start: itemStart)
                    switch escaped {
                    case .scalar(let s): low = s
                    case .set(let setItems, _):
                        items += setItems
                        continue
                    case .anyButNewline: continue
                    }
                } else {
                    index += 1
                    low = c
                }
                // A range `low-high`, unless '-' is last before ']'.
                if current == "-", index + 1 < scalars.count, scalars[index + 1] != "]" {
                    index += 1
                    guard let h = current else { throw invalid("missing ']' for the '[' at character \(start + 1)", at: index) }
                    let highStart = index
                    let high: Unicode.Scalar
                    if h == "\\" {
                        index += 1
                        guard case .scalar(let s) = try parseCharacterEscape(start: highStart) else {
                            throw invalid("a range cannot end in a class escape", at: highStart)
                        }
                        high = s
                    } else {
                        index += 1
                        high = h
                    }
                    guard low.value <= high.value else { throw invalid("range '\(low)-\(high)' is reversed", at: itemStart) }
                    items.append(.range(low.value, high.value))
                } else {
                    items.append(.range(low.value, low.value))
                }
            }
            return .set(items: items, negated: negated)
        }
    }

    /// Turns a syntax tree into a Pike VM program, bounded by `maximumProgramSize`.
    struct Compiler {
        let pattern: String
        var program: [Instruction] = []

        init(pattern: String) { self.pattern = pattern }

        mutating func compile(_ node: Node) throws(TagPatternError) -> [Instruction] {
            try emit(node)
            try append(.accept)
            return program
        }

        private mutating func append(_ instruction: Instruction) throws(TagPatternError) {
            guard program.count < TagPattern.maximumProgramSize else { throw .tooLarge(pattern: pattern) }
            program.append(instruction)
        }

        private mutating func emit(_ node: Node) throws(TagPatternError) {
            switch node {
            case .empty: break
            case .character(let matcher): try append(.character(matcher))
            case .assertion(let assertion): try append(.assert(assertion))
            case .concatenation(let items):
                for item in items { try emit(item) }
            case .alternation(let branches):
                // split L1, next; L1: branch; jump end; next: split ... ; last branch
                var jumps = [Int]()
                for (i, branch) in branches.enumerated() {
                    if i < branches.count - 1 {
                        let split = program.count
                        try append(.split(split + 1, 0))
                        try emit(branch)
                        jumps.append(program.count)
                        try append(.jump(0))
                        program[split] = .split(split + 1, program.count)
                    } else {
                        try emit(branch)
                    }
                }
                for jump in jumps { program[jump] = .jump(program.count) }
            case .repetition(let inner, let minimum, let maximum):
                for _ in 0..<minimum { try emit(inner) }
                if let maximum {
                    // (inner (inner (...)?)?)? : each optional copy can skip to the end.
                    var splits = [Int]()
                    for _ in minimum..<maximum {
                        splits.append(program.count)
                        try append(.split(program.count + 1, 0))
                        try emit(inner)
                    }
                    for split in splits { program[split] = .split(split + 1, program.count) }
                } else {
                    // loop: split body, end; body; jump loop
                    let loop = program.count
                    try append(.split(loop + 1, 0))
                    try emit(inner)
                    try append(.jump(loop))
                    program[loop] = .split(loop + 1, program.count)
                }
            }
        }
    }
}
