extension Duration {
    /// The duration in whole microseconds, the unit Quire's timestamps are stored in.
    public var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
