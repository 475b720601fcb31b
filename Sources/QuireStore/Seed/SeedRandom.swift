/// SplitMix64: a small, fast, deterministic generator, so `quire seed --seed S` makes the same
/// database every time on every machine.
public struct SeedRandom: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator for one numbered thing (the n-th author, the n-th work), so any row's values
    /// can be made again from its number alone, without keeping the others in memory.
    static func forItem(_ seed: UInt64, _ stream: UInt64, _ n: Int) -> SeedRandom {
        var mixer = SeedRandom(seed: seed ^ (stream &* 0xD6E8_FEB8_6659_FD93) ^ UInt64(n))
        return SeedRandom(seed: mixer.next())
    }
}

/// Made-up but pronounceable names and titles.
enum SeedText {
    static let syllables = ["an", "bel", "cor", "da", "el", "fin", "gal", "har", "is", "jor", "ka", "lin", "mar", "nor",
                            "or", "pel", "quin", "ros", "sa", "tor", "ul", "ven", "wil", "xa", "yor", "zel"]
    static let words = ["river", "night", "garden", "stone", "winter", "house", "silver", "shadow", "letter", "island",
                        "crown", "forest", "glass", "harbor", "memory", "ember", "tide", "lantern", "orchard", "atlas",
                        "season", "mirror", "thread", "compass", "meadow", "signal", "harvest", "archive", "voyage", "echo"]

    static func name(_ random: inout SeedRandom) -> String {
        func part(_ count: Int) -> String {
            let s = (0..<count).map { _ in syllables[Int(random.next() % UInt64(syllables.count))] }.joined()
            return s.prefix(1).uppercased() + s.dropFirst()
        }
        return part(2) + " " + part(2 + Int(random.next() % 2))
    }

    static func title(_ random: inout SeedRandom) -> String {
        let count = 1 + Int(random.next() % 4)
        let t = (0..<count).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ")
        return "The " + t.prefix(1).uppercased() + t.dropFirst()
    }

    /// A valid, unique ISBN-13 for the n-th seeded edition (979-8 prefix, unused by real ISBN-10s).
    static func isbn13(_ n: Int) -> String {
        let number = String(n % 100_000_000)
        let body = "9798" + String(repeating: "0", count: 8 - number.count) + number
        let digits = body.compactMap { $0.wholeNumberValue }
        let sum = digits.enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 3) }
        return body + String((10 - sum % 10) % 10)
    }
}
