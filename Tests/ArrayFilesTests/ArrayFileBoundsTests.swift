import Foundation
import ArrayFiles
import TestSupport
import Testing

@Suite struct ArrayFileBoundsTests {
    @Test func csvLabelsNearInt64MaxAreReadExactly() throws {
        try withTemporaryDirectory { d in
            try "f,label\n1,9223372036854775807\n2,-9223372036854775808\n3,4.0\n".write(toFile: d + "/a.csv", atomically: true, encoding: .utf8)
            #expect(try DatasetIO.loadLabels(d + "/a.csv") == [Int.max, Int.min, 4])
        }
    }

    @Test func aNonIntegerCSVLabelSaysSo() throws {
        try withTemporaryDirectory { d in
            try "f,label\n1,1.5\n".write(toFile: d + "/a.csv", atomically: true, encoding: .utf8)
            #expect(throws: ArrayFileError.unreadable(path: d + "/a.csv", reason: "line 2: label '1.5' is not an integer in -2^63 … 2^63-1")) {
                try DatasetIO.loadLabels(d + "/a.csv")
            }
        }
    }

    @Test func anNPYShapeBeyondTheFileSizeIsRejectedBeforeReading() throws {
        try withTemporaryDirectory { d in
            var text = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 4), }"
            text += String(repeating: " ", count: (64 - (10 + text.utf8.count + 1) % 64) % 64) + "\n"
            var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(text.utf8.count), 0])
            data.append(contentsOf: Array(text.utf8))
            data.append(Data(count: 8))
            try data.write(to: URL(fileURLWithPath: d + "/x.npy"))
            #expect(
                throws: ArrayFileError.unreadable(
                    path: d + "/x.npy", reason: "data section has 8 bytes, shape [1000000000000, 4] needs 32000000000000; the file is truncated")
            ) { try DatasetIO.loadFeatures(d + "/x.npy") }
        }
    }
}
