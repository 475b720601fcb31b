import Mustache

// A section over a value (`{{#displayName}}...{{displayName}}...{{/displayName}}`) puts the value
// itself on the context stack, and every name inside the section is asked of it first. Without a
// conformance swift-mustache asks `Mirror`, which finds no named children on these types: the
// same answer (nil, so the lookup goes on outwards) without reflection, for every template.
//
// Rendered as `{{value}}`, a value that is not `MustacheCustomRenderable` is tried as a lambda and
// as an optional and then printed with `String(describing:)`, each a dynamic cast: on a profile
// page rendering was 53% of the server's CPU and dynamic casts 23% (perf, 2026-12-03). As
// `MustacheCustomRenderable` it is printed at the second cast, with the same text.

extension String: @retroactive MustacheParent, @retroactive MustacheCustomRenderable {
    public func child(named name: String) -> Any? { nil }
    public var renderText: String { self }
    public var isNull: Bool { false }
}

extension Int64: @retroactive MustacheParent, @retroactive MustacheCustomRenderable {
    public func child(named name: String) -> Any? { nil }
    public var renderText: String { String(self) }
    public var isNull: Bool { false }
}

extension Int: @retroactive MustacheParent, @retroactive MustacheCustomRenderable {
    public func child(named name: String) -> Any? { nil }
    public var renderText: String { String(self) }
    public var isNull: Bool { false }
}

extension Double: @retroactive MustacheParent, @retroactive MustacheCustomRenderable {
    public func child(named name: String) -> Any? { nil }
    public var renderText: String { String(describing: self) }
    public var isNull: Bool { false }
}

extension Bool: @retroactive MustacheCustomRenderable {
    public var renderText: String { self ? "true" : "false" }
    public var isNull: Bool { false }
}
