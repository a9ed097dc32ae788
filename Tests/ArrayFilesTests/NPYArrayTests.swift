import ArrayFiles
import Foundation
import LinearAlgebra
import TestSupport
import Testing

@Suite struct NPYArrayTests {
    @Test func readsTheBundledDigitsArrays() throws {
        let x = try NPYArray(contentsOfFile: packageRootPath + "/data/digits_x.npy")
        let y = try NPYArray(contentsOfFile: packageRootPath + "/data/digits_y.npy")
        #expect(x.shape == [1797, 64])
        #expect(x.dtypeDescriptor == "<f4")
        #expect(y.shape == [1797])
        // First row of sklearn's load_digits(): 0 0 5 13 9; labels start 0 1 2 3 4.
        #expect(Array(x.doubles.prefix(5)) == [0, 0, 5, 13, 9])
        #expect(Array(try y.integers().prefix(5)) == [0, 1, 2, 3, 4])
        let m = try x.matrix(of: Double.self)
        #expect(m.rows == 1797 && m.columns == 64)
    }

    @Test func roundTripsEveryDtype() throws {
        let arrays = [
            NPYArray(shape: [2, 3], storage: .float32([1, 2, 3, 4, 5, -0.5])),
            NPYArray(shape: [3], storage: .float64([.pi, -1, 1e300])),
            NPYArray(shape: [2, 1], storage: .int32([7, -7])),
            NPYArray(shape: [0, 4], storage: .int64([])),
        ]
        for array in arrays {
            #expect(try NPYArray(npyData: array.npyData) == array)
            #expect(array.npyData.count % 64 == array.count * (array.dtypeDescriptor.hasSuffix("8") ? 8 : 4) % 64)
        }
    }

    @Test func rejectsUnsupportedInputWithClearErrors() throws {
        var fortran = NPYArray(shape: [2, 2], storage: .float64([1, 2, 3, 4])).npyData
        let falseRange = try #require(fortran.range(of: Data("False".utf8)))
        fortran.replaceSubrange(falseRange, with: Array("True ".utf8))
        #expect(throws: NPYError.fortranOrder(path: "f.npy")) { try NPYArray(npyData: fortran, path: "f.npy") }

        var bigEndian = NPYArray(shape: [1], storage: .float64([1])).npyData
        let descriptorRange = try #require(bigEndian.range(of: Data("<f8".utf8)))
        bigEndian.replaceSubrange(descriptorRange, with: Array(">f8".utf8))
        #expect(throws: NPYError.unsupportedDType(path: "b.npy", dtype: ">f8")) { try NPYArray(npyData: bigEndian, path: "b.npy") }

        #expect(throws: NPYError.malformed(path: "x", reason: "missing the \\x93NUMPY magic bytes")) {
            try NPYArray(npyData: Data("hello world!".utf8), path: "x")
        }
        let truncated = NPYArray(shape: [4], storage: .float32([1, 2, 3, 4])).npyData.dropLast(4)
        #expect(throws: NPYError.truncated(path: "t", expectedBytes: 16, actualBytes: 12)) { try NPYArray(npyData: Data(truncated), path: "t") }
        #expect(throws: NPYError.notIntegral(path: "y", index: 1)) {
            try NPYArray(shape: [2], storage: .float64([1, 1.5])).integers(path: "y")
        }
        #expect(NPYError.fortranOrder(path: "f.npy").description.contains("np.ascontiguousarray"))
        #expect(throws: NPYError.self) { try NPYArray(contentsOfFile: "/nonexistent/x.npy") }
    }
}

@Suite struct NPYHeaderBoundsTests {
    private func header(_ shape: String, descriptor: String = "<f4") -> Data {
        var text = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(shape), }"
        text += String(repeating: " ", count: (64 - (10 + text.utf8.count + 1) % 64) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(text.utf8.count & 0xFF), UInt8(text.utf8.count >> 8)])
        data.append(contentsOf: Array(text.utf8))
        return data + Data(count: 16)
    }

    @Test func anElementCountThatOverflowsIsATypedError() {
        let shape = [1 << 40, 1 << 40]
        #expect(throws: NPYError.shapeTooLarge(path: "h.npy", shape: shape)) {
            try NPYArray(npyData: header("(1099511627776, 1099511627776)"), path: "h.npy")
        }
        // 2^61 elements of 8 bytes: the element count fits, the byte count does not.
        #expect(throws: NPYError.shapeTooLarge(path: "h.npy", shape: [1 << 61])) {
            try NPYArray(npyData: header("(2305843009213693952,)", descriptor: "<f8"), path: "h.npy")
        }
        #expect(
            NPYError.shapeTooLarge(path: "h.npy", shape: shape).description
                == "h.npy: the header declares shape [1099511627776, 1099511627776], more bytes than a file can hold; the header is damaged")
    }

    @Test func aShapeLargerThanTheDataIsTruncationNotAnAllocation() {
        #expect(throws: NPYError.truncated(path: "h.npy", expectedBytes: 16_000_000_000_000, actualBytes: 16)) {
            try NPYArray(npyData: header("(1000000000000, 4)"), path: "h.npy")
        }
    }
}
