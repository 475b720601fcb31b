import SQLKit
import Synchronization

/// A statement's text built once per shape and reused with each request's values. A home page's
/// statement is assembled from a dozen fragments (the seeks, `StatusVisibility`'s checks) and
/// then serialized, some 3 KB of text and 20-odd binds, on every request: building and
/// serializing it was 7% of a warm home page's CPU in a profile, though its text depends only on
/// its shape (how many broadcasters' parts, whether it reads flags) and the SQL dialect.
///
/// The builder is called once per shape with a sentinel in place of each parameter; the
/// serialized binds are then mapped back: a sentinel is the request's parameter, anything else
/// a constant of the text. A builder must bind its parameters as given (never a value computed
/// from one): a bind near the sentinels that isn't one makes the shape uncacheable, and it is
/// then built afresh every time, as before.
enum StatementTemplate {
    private enum Slot: @unchecked Sendable {
        case constant(any Encodable & Sendable)
        case parameter(Int)
    }

    private struct Built: Sendable {
        let sql: String
        let slots: [Slot]
    }

    /// Shapes seen, by dialect and shape name; nil for a shape whose builder can't be templated.
    private static let built = Mutex<[String: Built?]>([:])

    /// Sentinels sit far below any id, count or limit a statement binds.
    private static let firstSentinel = Int64.min + 1_000_000_000
    private static func sentinel(_ index: Int) -> Int64 { firstSentinel + Int64(index) * 7 }

    /// The statement `build(parameters)` makes, from the text built for `shape` the first time.
    /// `shape` names everything but `parameters` that changes the text.
    static func statement(_ shape: String, _ parameters: [Int64], on db: any SQLDatabase,
                          build: ([Int64]) -> SQLQueryString) -> SQLQueryString {
        let key = db.dialect.name + " " + shape
        let known = built.withLock { $0[key] }
        let template: Built?
        if let known {
            template = known
        } else {
            template = make(build(parameters.indices.map(sentinel)), parameters: parameters.count, on: db)
            built.withLock { $0[key] = template }
        }
        guard let template else { return build(parameters) }
        let binds: [any Encodable & Sendable] = template.slots.map { slot in
            switch slot {
            case .constant(let value): value
            case .parameter(let index): parameters[index]
            }
        }
        return "\(RecordedStatement(sql: template.sql, binds: binds))"
    }

    private static func make(_ query: SQLQueryString, parameters: Int, on db: any SQLDatabase) -> Built? {
        var serializer = SQLSerializer(database: db)
        query.serialize(to: &serializer)
        var slots: [Slot] = []
        for bind in serializer.binds {
            let number: Int64? = switch bind {
            case let value as Int64: value
            case let value as Int: Int64(value)
            default: nil
            }
            guard let number, number < firstSentinel + Int64(parameters + 1) * 7 + 1_000_000 else {
                slots.append(.constant(bind))
                continue
            }
            // Near the sentinels: a parameter as given, or a value computed from one (uncacheable).
            let offset = number - firstSentinel
            guard offset >= 0, offset % 7 == 0, offset / 7 < Int64(parameters) else { return nil }
            slots.append(.parameter(Int(offset / 7)))
        }
        return Built(sql: serializer.sql, slots: slots)
    }
}
