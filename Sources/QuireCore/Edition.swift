/// Limits on what an edition may carry: the API checks them (`EditionValidation`), and an
/// import holds a file's books to the same ones (`ImportRowRules`), so neither can store what the
/// other would refuse.
public enum EditionRules {
    /// A title's and a subtitle's length, in Unicode scalars.
    public static let titleLength = 500
    public static let maxAuthors = 20
    /// An author's name, and a publisher's.
    public static let nameLength = 200
    public static let descriptionLength = 20_000
    public static let pages = 1...100_000
    /// An Open Library or Goodreads key.
    public static let keyLength = 100
}
