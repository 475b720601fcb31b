import Hummingbird

extension Parameters {
    /// Query parameter `name`'s value, nil when it is absent, or a 400 naming it when it is given
    /// more than once: `?limit=5&limit=500` was read as 5, the 500 ignored without a word, and
    /// the API's document describes each of its query parameters as one value.
    func one(_ name: String) throws -> String? {
        let values = getAll(name)
        guard values.count <= 1 else { throw APIError.invalid(name, "must be given once") }
        return values.first
    }
}
