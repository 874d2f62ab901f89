import Testing
import NetCore

/// xoshiro256** seeded by splitmix64, written out from the published
/// reference code (prng.di.unimi.it) independently of `SeededRandom`.
private struct ReferenceXoshiro {
    var s: [UInt64]

    init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x = x &+ 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = [splitmix(), splitmix(), splitmix(), splitmix()]
    }

    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    mutating func next() -> UInt64 {
        let result = Self.rotl(s[1] &* 5, 7) &* 9
        let t = s[1] << 17
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = Self.rotl(s[3], 45)
        return result
    }
}

@Test func seedZeroKnownOutputs() {
    // splitmix64(0) starts 0xE220A8397B1DCDAF, the state's first word; these
    // outputs were also checked against the C reference code.
    var reference = ReferenceXoshiro(seed: 0)
    #expect(reference.s[0] == 0xE220_A839_7B1D_CDAF)
    let expected: [UInt64] = [
        0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0,
        0x6AA5_94F1_262D_2D2C, 0xBBA5_AD4A_1F84_2E59, 0xFFEF_8375_D9EB_CACA,
    ]
    var rng = SeededRandom(seed: 0)
    for value in expected {
        let fromReference = reference.next()
        let fromGenerator = rng.next()
        #expect(fromReference == value)
        #expect(fromGenerator == value)
    }
}

@Test func matchesReferenceForManySeeds() {
    for seed: UInt64 in [0, 1, 2, 0xDEAD_BEEF, .max] {
        var reference = ReferenceXoshiro(seed: seed)
        var rng = SeededRandom(seed: seed)
        for _ in 0..<1_000 {
            let (x, y) = (rng.next(), reference.next())
            #expect(x == y)
        }
    }
}

@Test func sameSeedSameSequence() {
    var a = SeededRandom(seed: 12345)
    var b = SeededRandom(seed: 12345)
    var c = SeededRandom(seed: 12346)
    let sa = (0..<100).map { _ in a.next() }
    let sb = (0..<100).map { _ in b.next() }
    let sc = (0..<100).map { _ in c.next() }
    #expect(sa == sb)
    #expect(sa != sc)
    // A copy continues from the same position.
    var d = a
    let (x, y) = (d.next(), a.next())
    #expect(x == y)
}

@Test func worksWithStandardLibraryRandomAPIs() {
    var rng = SeededRandom(seed: 7)
    var again = SeededRandom(seed: 7)
    for _ in 0..<1_000 {
        let x = Int.random(in: -5...5, using: &rng)
        #expect((-5...5).contains(x))
        let y = Int.random(in: -5...5, using: &again)
        #expect(y == x)
    }
    var seen = Set<Int>()
    for _ in 0..<1_000 { seen.insert(Int.random(in: 0..<10, using: &rng)) }
    #expect(seen.count == 10)
    let shuffled = Array(0..<20).shuffled(using: &rng)
    #expect(shuffled.sorted() == Array(0..<20))
    let d = Double.random(in: 0..<1, using: &rng)
    #expect(d < 1)
}

@Test func nextDoubleIsInUnitInterval() {
    var rng = SeededRandom(seed: 99)
    var sum = 0.0
    for _ in 0..<100_000 {
        let d = rng.nextDouble()
        #expect(d >= 0 && d < 1)
        sum += d
    }
    // Mean 0.5, standard error sqrt(1/12/100000) ≈ 0.00091.
    #expect(abs(sum / 100_000 - 0.5) < 0.004)
}

@Test func chanceFrequencyWithinFourSigma() {
    var rng = SeededRandom(seed: 2024)
    let n = 100_000
    var hits = 0
    for _ in 0..<n where rng.chance(0.2) { hits += 1 }
    let sigma = (Double(n) * 0.2 * 0.8).squareRoot()
    #expect(abs(Double(hits) - 0.2 * Double(n)) < 4 * sigma)

    var edge = SeededRandom(seed: 5)
    for _ in 0..<1_000 {
        let never = edge.chance(0)
        let always = edge.chance(1)
        #expect(!never)
        #expect(always)
    }
}

@Test func forkIsDeterministicAndIndependent() {
    var parent1 = SeededRandom(seed: 77)
    var parent2 = SeededRandom(seed: 77)
    var child1 = parent1.fork()
    var child2 = parent2.fork()
    let c1 = (0..<50).map { _ in child1.next() }
    let c2 = (0..<50).map { _ in child2.next() }
    #expect(c1 == c2)
    // The parent moved on by exactly one draw.
    var reference = SeededRandom(seed: 77)
    _ = reference.next()
    let (x, y) = (parent1.next(), reference.next())
    #expect(x == y)
    // Child and parent streams differ, and successive forks differ.
    let p = (0..<50).map { _ in parent1.next() }
    #expect(Set(c1).isDisjoint(with: p))
    var sibling = parent1.fork()
    let s = (0..<50).map { _ in sibling.next() }
    #expect(s != c1)
}
