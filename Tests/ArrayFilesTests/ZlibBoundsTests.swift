import Deflate
import Testing

@Suite struct ZlibBoundsTests {
    @Test func anAnnouncedSizeFarBeyondTheDataFailsWithoutAllocatingIt() throws {
        let compressed = try Zlib.deflate(Array(repeating: 7, count: 1000))
        // Raw deflate: drop the 2-byte zlib header and the 4-byte Adler-32 trailer.
        let raw = Array(compressed[2..<(compressed.count - 4)])
        #expect(try raw.withUnsafeBytes { try Zlib.inflateRaw($0, expectedSize: 1000) } == Array(repeating: 7, count: 1000))
        #expect(throws: ZlibError.sizeMismatch(expected: 1 << 40, actual: 1000)) {
            try raw.withUnsafeBytes { try Zlib.inflateRaw($0, expectedSize: 1 << 40) }
        }
        #expect(throws: ZlibError.sizeMismatch(expected: 10, actual: 11)) {
            try raw.withUnsafeBytes { try Zlib.inflateRaw($0, expectedSize: 10) }
        }
    }

    @Test func theInflationBoundFollowsDeflatesMaximumRatio() {
        #expect(Zlib.canInflate(to: 1032 * 100, from: 100))
        #expect(!Zlib.canInflate(to: 1 << 40, from: 2))
        #expect(!Zlib.canInflate(to: -1, from: 2))
        #expect(Zlib.canInflate(to: Int.max, from: Int.max))
    }
}
