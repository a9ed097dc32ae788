extension LearnableMap {
    /// Parses the JSON or Python-literal text form.
    ///
    /// Accepts `[["fixed", 0.12], ["learnable", null]]`, `[['fixed', 0.12], ['learnable', None]]`
    /// and mixtures of their quoting and null spellings; numbers may be negative or in exponent
    /// form (negative values are then rejected as margins). Whitespace is free.
    ///
    /// - Parameter text: The map's text.
    /// - Throws: `LossError.invalidMap` naming the problem and its character position.
    public init(parsing text: String) throws(LossError) {
        var parser = MapParser(Array(text.unicodeScalars))
        let entries = try parser.parseMap()
        try self.init(entries)
    }

    /// The JSON form, e.g. `[["fixed", 0.12], ["learnable", null]]`.
    ///
    /// Values print as the shortest decimal that round-trips the value as stored: use
    /// `Double(Float(x))` inputs to get float32-shortest text.
    public var jsonText: String { text(quote: "\"", null: "null") }

    /// The Python-literal form, e.g. `[['fixed', 0.12], ['learnable', None]]`.
    public var pythonText: String { text(quote: "'", null: "None") }

    private func text(quote: String, null: String) -> String {
        let items = entries.map { entry -> String in
            switch entry {
            case .fixed(let v): return "[\(quote)fixed\(quote), \(Self.format(v))]"
            case .learnable(let v): return "[\(quote)learnable\(quote), \(v.map(Self.format) ?? null)]"
            }
        }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// Shortest round-trip decimal; a value that is exactly a float32 prints as that float32's
    /// shortest decimal (so 0.11999999731779099 prints as 0.12).
    static func format(_ value: Double) -> String {
        let single = Float(value)
        if Double(single) == value { return single.description }
        return value.description
    }
}

/// A tiny recursive-descent parser for the map's text forms.
private struct MapParser {
    let characters: [Unicode.Scalar]
    var position = 0

    init(_ characters: [Unicode.Scalar]) { self.characters = characters }

    mutating func skipSpace() {
        while position < characters.count, characters[position].properties.isWhitespace { position += 1 }
    }

    mutating func expect(_ c: Unicode.Scalar) throws(LossError) {
        skipSpace()
        guard position < characters.count, characters[position] == c else {
            throw .invalidMap("expected '\(c)' at character \(position + 1)")
        }
        position += 1
    }

    mutating func peek() -> Unicode.Scalar? {
        skipSpace()
        return position < characters.count ? characters[position] : nil
    }

    mutating func parseMap() throws(LossError) -> [MarginEntry] {
        try expect("[")
        var entries = [MarginEntry]()
        if peek() == "]" {
            position += 1
        } else {
            while true {
                entries.append(try parseEntry(index: entries.count))
                guard let next = peek() else { throw .invalidMap("missing ']' at the end") }
                position += 1
                if next == "]" { break }
                guard next == "," else { throw .invalidMap("expected ',' or ']' at character \(position)") }
            }
        }
        if peek() != nil { throw .invalidMap("unexpected text after the map at character \(position + 1)") }
        return entries
    }

    mutating func parseEntry(index: Int) throws(LossError) -> MarginEntry {
        try expect("[")
        let mode = try parseString()
        try expect(",")
        let value = try parseValue()
        try expect("]")
        switch mode {
        case "learnable": return .learnable(value)
        case "fixed":
            guard let value else { throw .invalidMap("entry \(index): a fixed margin needs a value, not null/None") }
            return .fixed(value)
        default:
            throw .invalidMap("entry \(index): unknown mode '\(mode)'; use 'learnable' or 'fixed'")
        }
    }

    mutating func parseString() throws(LossError) -> String {
        guard let quote = peek(), quote == "\"" || quote == "'" else {
            throw .invalidMap("expected a quoted mode word at character \(position + 1)")
        }
        position += 1
        var result = ""
        while position < characters.count, characters[position] != quote {
            result.unicodeScalars.append(characters[position])
            position += 1
        }
        guard position < characters.count else { throw .invalidMap("unterminated string") }
        position += 1
        return result
    }

    mutating func parseValue() throws(LossError) -> Double? {
        skipSpace()
        let start = position
        while position < characters.count, !",] \t\n".unicodeScalars.contains(characters[position]) { position += 1 }
        let token = String(String.UnicodeScalarView(characters[start..<position]))
        switch token {
        case "null", "None": return nil
        default:
            guard let value = Double(token) else { throw .invalidMap("'\(token)' at character \(start + 1) is not a number, null or None") }
            return value
        }
    }
}
