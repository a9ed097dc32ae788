import Foundation

/// One parsed input line of `tb-log`.
struct JSONLogRecord {
    enum Payload {
        case scalar(Double)
        case text(String)
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    var tag: String
    var step: Int
    var wallTime: Double?
    var payload: Payload

    /// Parses a line. The bare `NaN`, `Infinity` and `-Infinity` that Python's `json.dumps`
    /// writes are turned into the equivalent strings first (outside string literals only).
    init(line: [UInt8]) throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Self.quotingNonFiniteTokens(line))
        } catch {
            throw ParseError(description: "not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else { throw ParseError(description: "expected a JSON object") }
        guard let tag = dictionary["tag"] as? String, !tag.isEmpty else { throw ParseError(description: "missing \"tag\" (a non-empty string)") }
        guard let stepValue = dictionary["step"] else { throw ParseError(description: "missing \"step\"") }
        guard let stepNumber = Self.number(stepValue), stepNumber.isFinite, stepNumber >= 0, stepNumber == stepNumber.rounded(),
            let step = Int(exactly: stepNumber)
        else {
            throw ParseError(description: "\"step\" must be a non-negative integer")
        }
        self.tag = tag
        self.step = step
        if let wall = dictionary["wall_time"] {
            guard let wallTime = Self.number(wall), wallTime.isFinite else { throw ParseError(description: "\"wall_time\" must be a finite number") }
            self.wallTime = wallTime
        }
        switch (dictionary["value"], dictionary["text"]) {
        case (let value?, nil):
            guard let number = Self.number(value) else { throw ParseError(description: "\"value\" must be a number, NaN, Infinity or -Infinity") }
            payload = .scalar(number)
        case (nil, let text as String):
            payload = .text(text)
        case (nil, _?):
            throw ParseError(description: "\"text\" must be a string")
        case (_?, _?):
            throw ParseError(description: "give either \"value\" or \"text\", not both")
        case (nil, nil):
            throw ParseError(description: "missing \"value\" or \"text\"")
        }
    }

    /// Rewrites bare `NaN`, `Infinity` and `-Infinity` tokens as JSON strings.
    static func quotingNonFiniteTokens(_ bytes: [UInt8]) -> Data {
        var result = [UInt8]()
        result.reserveCapacity(bytes.count + 8)
        var inString = false
        var escaped = false
        var i = 0
        let tokens: [[UInt8]] = [Array("-Infinity".utf8), Array("Infinity".utf8), Array("NaN".utf8)]
        outer: while i < bytes.count {
            let byte = bytes[i]
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                result.append(byte)
                i += 1
                continue
            }
            if byte == 0x22 { inString = true }
            // Only '-', 'I' and 'N' can start a token (one comparison per byte otherwise).
            for token in tokens where token[0] == byte && bytes.count - i >= token.count && bytes[i..<(i + token.count)].elementsEqual(token) {
                result.append(0x22)
                result.append(contentsOf: token)
                result.append(0x22)
                i += token.count
                continue outer
            }
            result.append(byte)
            i += 1
        }
        return Data(result)
    }

    /// A JSON number, or one of the strings "NaN", "Infinity", "-Infinity".
    private static func number(_ value: Any) -> Double? {
        if let string = value as? String {
            switch string {
            case "NaN", "nan": return .nan
            case "Infinity", "inf": return .infinity
            case "-Infinity", "-inf": return -.infinity
            default: return nil
            }
        }
        guard let number = value as? NSNumber else { return nil }
        // JSON true/false arrive as NSNumber too; they are not numbers here.
        if type(of: value) == Bool.self || String(cString: number.objCType) == "c" { return nil }
        return number.doubleValue
    }
}
