import EventRecords
import Testing

@Suite struct CRC32CTests {
    /// Known answers from docs/reference/tensorboard-format.md, "Known answers" (checked with an independent Python
    /// CRC-32C) and tensorboardX's own test value for `abcd`.
    static let vectors: [(bytes: [UInt8], crc: UInt32)] = [
        (Array("123456789".utf8), 0xE306_9283),
        ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
        (Array("abcd".utf8), 0x92C8_0A31),
        ([], 0),
    ]

    @Test func rawChecksumsMatchTheKnownAnswersOnBothImplementations() {
        for (bytes, crc) in Self.vectors {
            #expect(CRC32C.checksum(of: bytes) == crc)
            bytes.withUnsafeBytes { raw in
                #expect(CRC32C.softwareChecksum(of: raw) == crc)
                if CRC32C.hasHardwareSupport { #expect(CRC32C.hardwareChecksum(of: raw) == crc) }
            }
        }
    }

    @Test func maskedChecksumsMatchTheSpec() {
        // docs/reference/tensorboard-format.md, "Known answers": masked "123456789" = 0xC78AB0E5; masked u64le 24 = 0x224B7FA3; u64le 26 =
        // 0x2DD89B12; empty → 0xA282EAD8; RustBoard's doc test bytes → 0x5794D08A.
        #expect(CRC32C.mask(0xE306_9283) == 0xC78A_B0E5)
        let cases: [([UInt8], UInt32)] = [
            ([24, 0, 0, 0, 0, 0, 0, 0], 0x224B_7FA3),
            ([26, 0, 0, 0, 0, 0, 0, 0], 0x2DD8_9B12),
            ([], 0xA282_EAD8),
            ([0x1A, 0x11] + Array("CRC test, one two".utf8), 0x5794_D08A),
        ]
        for (bytes, masked) in cases {
            #expect(bytes.withUnsafeBytes { CRC32C.maskedChecksum(of: $0) } == masked)
        }
        #expect(CRC32C.mask(0) == 0xA282_EAD8)
        for (_, crc) in Self.vectors { #expect(CRC32C.unmask(CRC32C.mask(crc)) == crc) }
    }

    @Test(arguments: [0, 1, 7, 8, 9, 63, 64, 65, 1000, 4099])
    func hardwareAndSoftwareAgreeOnEveryLengthAndAlignment(length: Int) {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<(length + 3)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for shift in 0..<3 {
            bytes.withUnsafeBytes { raw in
                let slice = UnsafeRawBufferPointer(rebasing: raw[shift..<(shift + length)])
                let software = CRC32C.softwareChecksum(of: slice)
                #expect(CRC32C.checksum(of: slice) == software)
                if let hardware = CRC32C.hardwareChecksum(of: slice) { #expect(hardware == software) }
            }
        }
    }
}
