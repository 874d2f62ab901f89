/// Up to four SACK blocks held inline — the most a TCP option space of 40
/// bytes carries — so a segment's blocks cost no allocation to parse or send.
/// Order matters: RFC 2018 puts the block with the most recent arrival first,
/// and RFC 2883 puts a D-SACK block first of all.
public struct TCPSACKBlocks: Hashable, Sendable, RandomAccessCollection {
    /// The most blocks one segment carries.
    public static let capacity = 4

    @usableFromInline var storage: (TCPSACKBlock, TCPSACKBlock, TCPSACKBlock, TCPSACKBlock)
    /// Blocks held.
    public private(set) var count: Int

    /// No blocks.
    public init() {
        let empty = TCPSACKBlock(start: TCPSeq(0), end: TCPSeq(0))
        storage = (empty, empty, empty, empty)
        count = 0
    }

    /// The given blocks, up to four (more are dropped).
    public init(_ blocks: [TCPSACKBlock]) {
        self.init()
        for block in blocks { append(block) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(index: Int) -> TCPSACKBlock {
        get {
            precondition(index >= 0 && index < count, "SACK block index out of range")
            switch index {
            case 0: return storage.0
            case 1: return storage.1
            case 2: return storage.2
            default: return storage.3
            }
        }
        set {
            precondition(index >= 0 && index < count, "SACK block index out of range")
            switch index {
            case 0: storage.0 = newValue
            case 1: storage.1 = newValue
            case 2: storage.2 = newValue
            default: storage.3 = newValue
            }
        }
    }

    /// Adds a block at the end; returns false (and keeps the blocks as they are) when four are held.
    @discardableResult
    public mutating func append(_ block: TCPSACKBlock) -> Bool {
        guard count < Self.capacity else { return false }
        count += 1
        self[count - 1] = block
        return true
    }

    /// Keeps only the first `n` blocks.
    public mutating func truncate(to n: Int) {
        count = Swift.min(count, Swift.max(0, n))
    }

    public static func == (lhs: TCPSACKBlocks, rhs: TCPSACKBlocks) -> Bool {
        lhs.elementsEqual(rhs)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for block in self { hasher.combine(block) }
    }
}
