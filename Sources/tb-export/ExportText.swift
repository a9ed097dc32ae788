import Foundation
import ToolSupport

/// How rows are written: CSV (RFC 4180 quoting) or JSON lines.
enum ExportFormat: String, CaseIterable {
    case csv, jsonl

    /// File extension of a table in this format.
    var fileExtension: String { rawValue }
}

/// Text forms of the values in rows, shared by every kind.
enum ExportText {
    /// The shortest decimal that round-trips the stored value (`NumberText.write`).
    static func number(_ value: Double, json: Bool, float32WhenExact: Bool = true) -> String {
        var text = ""
        NumberText.write(value, json: json, float32WhenExact: float32WhenExact, to: &text)
        return text
    }

    /// A JSON array of numbers (`NaN`/`Infinity` spelled as Python's json.dumps).
    static func numberArray(_ values: [Double]) -> String {
        var text = "["
        text.reserveCapacity(values.count * 12 + 2)
        for (index, value) in values.enumerated() {
            if index > 0 { text += ", " }
            text += number(value, json: true)
        }
        return text + "]"
    }

    /// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180: quotes doubled).
    static func csvField(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else { return text }
        guard text.utf8.contains(UInt8(ascii: "\"")) else { return "\"" + text + "\"" }
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            bytes.append(byte)
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A JSON string literal.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
