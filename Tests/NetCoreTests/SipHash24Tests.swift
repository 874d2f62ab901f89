import NetCore
import Testing

@Suite struct SipHash24Tests {
    /// The reference test vectors of the SipHash paper (appendix A): key
    /// 00 01 … 0f, messages 00, 00 01, 00 01 02, …; a few of the 64.
    static let key = (k0: UInt64(0x0706_0504_0302_0100), k1: UInt64(0x0f0e_0d0c_0b0a_0908))
    static let vectors: [(length: Int, hash: UInt64)] = [
        (0, 0x726f_db47_dd0e_0e31),
        (1, 0x74f8_39c5_93dc_67fd),
        (7, 0xab02_00f5_8b01_d137),
        (8, 0x93f5_f579_9a93_2462),
        (15, 0xa129_ca61_49be_45e5),
        (63, 0x958a_324c_eb06_4572),
    ]

    @Test(arguments: vectors)
    func referenceVectors(length: Int, hash: UInt64) {
        var hasher = SipHash24(k0: Self.key.k0, k1: Self.key.k1)
        for i in 0..<length { hasher.combine(UInt8(i)) }
        #expect(hasher.finalize() == hash)
    }

    @Test func integersFeedTheirLittleEndianBytes() {
        var a = SipHash24(k0: 1, k1: 2)
        a.combine(UInt32(0x0302_0100))
        var b = SipHash24(k0: 1, k1: 2)
        for i in 0..<4 { b.combine(UInt8(i)) }
        #expect(a.finalize() == b.finalize())
    }

    @Test func theKeyChangesTheHash() {
        var a = SipHash24(k0: 1, k1: 2)
        var b = SipHash24(k0: 1, k1: 3)
        a.combine(UInt64(42))
        b.combine(UInt64(42))
        #expect(a.finalize() != b.finalize())
    }
}
