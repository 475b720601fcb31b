/// The column types both engines' rows read without Decodable's machinery (`SQLiteHandleRow`,
/// `PostgresStatementRow`): integers, text, doubles and flags, optional or not, recognized by the
/// identity of the type a caller asks for.
///
/// A row's `decode<D>` is generic over an unknown `D`, and writing `D.self == Int64?.self` there
/// asked Swift's runtime for `Optional<Int64>`'s metadata at every call, through a locked table,
/// then `as? D` cast the value dynamically: 6% of a shelf page's CPU. The identities are taken
/// once, here, and a value becomes a `D` by reinterpreting its bits, which is exact because `D`
/// was checked to be that very type.
struct DirectColumn {
    enum Kind { case int64, int, bool, string, double }
    let kind: Kind
    let optional: Bool

    private static let identities: [(ObjectIdentifier, DirectColumn)] = [
        (ObjectIdentifier(Int64.self), DirectColumn(kind: .int64, optional: false)),
        (ObjectIdentifier(Int64?.self), DirectColumn(kind: .int64, optional: true)),
        (ObjectIdentifier(String.self), DirectColumn(kind: .string, optional: false)),
        (ObjectIdentifier(String?.self), DirectColumn(kind: .string, optional: true)),
        (ObjectIdentifier(Int.self), DirectColumn(kind: .int, optional: false)),
        (ObjectIdentifier(Int?.self), DirectColumn(kind: .int, optional: true)),
        (ObjectIdentifier(Bool.self), DirectColumn(kind: .bool, optional: false)),
        (ObjectIdentifier(Bool?.self), DirectColumn(kind: .bool, optional: true)),
        (ObjectIdentifier(Double.self), DirectColumn(kind: .double, optional: false)),
        (ObjectIdentifier(Double?.self), DirectColumn(kind: .double, optional: true)),
    ]

    private init(kind: Kind, optional: Bool) {
        self.kind = kind
        self.optional = optional
    }

    /// Nil when `D` is none of the direct types.
    init?<D>(_ type: D.Type) {
        let identity = ObjectIdentifier(type)
        for (candidate, column) in Self.identities where candidate == identity {
            self = column
            return
        }
        return nil
    }

    // Each maker takes the kind's own Swift type, so the bits are reinterpreted only as that type
    // or its optional; a mismatch between `kind` and the value is a programming error (precondition).
    func make<D>(_ value: Int64, as type: D.Type) -> D {
        precondition(kind == .int64)
        return optional ? unsafeBitCast(Int64?.some(value), to: D.self) : unsafeBitCast(value, to: D.self)
    }

    func make<D>(_ value: Int, as type: D.Type) -> D {
        precondition(kind == .int)
        return optional ? unsafeBitCast(Int?.some(value), to: D.self) : unsafeBitCast(value, to: D.self)
    }

    func make<D>(_ value: Bool, as type: D.Type) -> D {
        precondition(kind == .bool)
        return optional ? unsafeBitCast(Bool?.some(value), to: D.self) : unsafeBitCast(value, to: D.self)
    }

    func make<D>(_ value: String, as type: D.Type) -> D {
        precondition(kind == .string)
        return optional ? unsafeBitCast(String?.some(value), to: D.self) : unsafeBitCast(value, to: D.self)
    }

    func make<D>(_ value: Double, as type: D.Type) -> D {
        precondition(kind == .double)
        return optional ? unsafeBitCast(Double?.some(value), to: D.self) : unsafeBitCast(value, to: D.self)
    }

    /// SQL NULL as `D`, for an optional kind only (precondition).
    func null<D>(as type: D.Type) -> D {
        precondition(optional)
        switch kind {
        case .int64: return unsafeBitCast(Int64?.none, to: D.self)
        case .int: return unsafeBitCast(Int?.none, to: D.self)
        case .bool: return unsafeBitCast(Bool?.none, to: D.self)
        case .string: return unsafeBitCast(String?.none, to: D.self)
        case .double: return unsafeBitCast(Double?.none, to: D.self)
        }
    }
}
