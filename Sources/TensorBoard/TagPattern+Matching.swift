extension TagPattern {
    /// Whether the pattern matches anywhere in `text` (a search, like `String.contains(_:)`
    /// with a `Regex`; anchor with `^` and `$` for a whole-text match).
    ///
    /// Pike VM over the text's Unicode scalars: every live NFA state advances together, each at
    /// most once per position, so the time is O(p × n) for a program of p instructions and a
    /// text of n scalars, and the memory O(p), whatever the pattern.
    ///
    /// - Parameter text: A tag or run name.
    /// - Returns: `true` when some substring matches.
    public func matches(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var current = StateList(capacity: program.count)
        var next = StateList(capacity: program.count)
        var pending = [Int]()
        for position in 0...scalars.count {
            // Unanchored search: a new attempt starts at every position.
            if addState(0, at: position, in: scalars, to: &current, pending: &pending) { return true }
            guard position < scalars.count else { break }
            let scalar = scalars[position]
            next.clear()
            for pc in current.states {
                guard case .character(let matcher) = program[pc], Self.matches(matcher, scalar) else { continue }
                if addState(pc + 1, at: position + 1, in: scalars, to: &next, pending: &pending) { return true }
            }
            swap(&current, &next)
        }
        return false
    }

    /// The states of one step: program counters of `character` instructions, each at most once.
    struct StateList {
        var states: [Int] = []
        private var member: [Bool]

        init(capacity: Int) { member = Array(repeating: false, count: capacity) }

        /// Marks `pc` visited; returns false when it already was.
        mutating func insert(_ pc: Int) -> Bool {
            if member[pc] { return false }
            member[pc] = true
            return true
        }

        mutating func clear() {
            for pc in states { member[pc] = false }
            for pc in visitedEpsilon { member[pc] = false }
            states.removeAll(keepingCapacity: true)
            visitedEpsilon.removeAll(keepingCapacity: true)
        }

        /// Non-consuming instructions visited in this step (unmarked on `clear`).
        var visitedEpsilon: [Int] = []

        mutating func visitEpsilon(_ pc: Int) -> Bool {
            guard insert(pc) else { return false }
            visitedEpsilon.append(pc)
            return true
        }
    }

    /// Follows the epsilon closure of `start` iteratively, adding consuming states to `list`.
    ///
    /// - Returns: `true` when the closure reaches `accept` (the pattern matched).
    private func addState(
        _ start: Int, at position: Int, in scalars: [Unicode.Scalar], to list: inout StateList, pending: inout [Int]
    ) -> Bool {
        pending.removeAll(keepingCapacity: true)
        pending.append(start)
        while let pc = pending.popLast() {
            switch program[pc] {
            case .character:
                if list.insert(pc) { list.states.append(pc) }
            case .accept:
                return true
            case .jump(let target):
                if list.visitEpsilon(pc) { pending.append(target) }
            case .split(let first, let second):
                if list.visitEpsilon(pc) {
                    pending.append(second)
                    pending.append(first)
                }
            case .assert(let assertion):
                if list.visitEpsilon(pc), Self.holds(assertion, at: position, in: scalars) { pending.append(pc + 1) }
            }
        }
        return false
    }

    private static func holds(_ assertion: Assertion, at position: Int, in scalars: [Unicode.Scalar]) -> Bool {
        switch assertion {
        case .textStart: return position == 0
        case .textEnd: return position == scalars.count
        case .wordBoundary, .notWordBoundary:
            let before = position > 0 && isWord(scalars[position - 1])
            let after = position < scalars.count && isWord(scalars[position])
            return (before != after) == (assertion == .wordBoundary)
        }
    }

    private static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F: return true
        default: return false
        }
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09...0x0D: return true
        default: return false
        }
    }

    static func matches(_ matcher: CharacterMatcher, _ scalar: Unicode.Scalar) -> Bool {
        switch matcher {
        case .scalar(let expected): return scalar == expected
        case .anyButNewline: return scalar != "\n"
        case .set(let items, let negated):
            let found = items.contains { item in
                switch item {
                case .range(let low, let high): return scalar.value >= low && scalar.value <= high
                case .builtin(let kind, let negatedClass):
                    let inClass: Bool
                    switch kind {
                    case .digit: inClass = (0x30...0x39).contains(scalar.value)
                    case .word: inClass = isWord(scalar)
                    case .space: inClass = isSpace(scalar)
                    }
                    return inClass != negatedClass
                }
            }
            return found != negated
        }
    }
}
