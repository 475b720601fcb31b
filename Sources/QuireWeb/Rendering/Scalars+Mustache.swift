import Mustache

// A section over a value (`{{#displayName}}...{{displayName}}...{{/displayName}}`) puts the value
// itself on the context stack, and every name inside the section is asked of it first. Without a
// conformance swift-mustache asks `Mirror`, which finds no named children on these types: the
// same answer (nil, so the lookup goes on outwards) without reflection, for every template.

extension String: @retroactive MustacheParent {
    public func child(named name: String) -> Any? { nil }
}

extension Int64: @retroactive MustacheParent {
    public func child(named name: String) -> Any? { nil }
}

extension Int: @retroactive MustacheParent {
    public func child(named name: String) -> Any? { nil }
}

extension Double: @retroactive MustacheParent {
    public func child(named name: String) -> Any? { nil }
}
