import Mustache
import QuireAPI

// The API's responses that page templates read (`{{edition.title}}`, `{{#profile}}`, `{{#stats}}`).
// Without these, swift-mustache finds a name with `Mirror`, which decodes every field's type
// from its mangled name on each lookup: on the book and profile pages that was a large part of
// the page's cost. Each lists exactly the stored properties, as `Mirror` would find them, so a
// template reads the same values; a name that isn't here is looked up further out, as before.

extension EditionResponse: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "workId": workId
        case "title": title
        case "subtitle": subtitle
        case "description": description
        case "languages": languages
        case "pages": pages
        case "publishers": publishers
        case "publishedDate": publishedDate
        case "physicalFormat": physicalFormat
        case "isbn10": isbn10
        case "isbn13": isbn13
        case "openlibraryKey": openlibraryKey
        case "goodreadsKey": goodreadsKey
        case "authors": authors
        case "createdAt": createdAt
        case "updatedAt": updatedAt
        default: nil
        }
    }
}

extension AuthorSummary: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "name": self.name
        default: nil
        }
    }
}

extension WorkStatsResponse: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "readers": readers
        case "shelved": shelved
        case "ratingsCount": ratingsCount
        case "averageRating": averageRating
        case "ratingHistogram": ratingHistogram
        case "computedAt": computedAt
        default: nil
        }
    }
}

extension WorkStatsResponse.Shelved: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "toRead": toRead
        case "reading": reading
        case "read": read
        case "stoppedReading": stoppedReading
        default: nil
        }
    }
}

extension SimilarWorkResponse: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "work": work
        case "sharedReaders": sharedReaders
        default: nil
        }
    }
}

extension SimilarWorkResponse.Work: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "title": title
        case "authors": authors
        default: nil
        }
    }
}

extension ProfileResponse: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "username": username
        case "displayName": displayName
        case "bio": bio
        case "manuallyApprovesFollowers": manuallyApprovesFollowers
        case "createdAt": createdAt
        case "followersCount": followersCount
        case "followingCount": followingCount
        case "statusesCount": statusesCount
        case "toReadCount": toReadCount
        case "readingCount": readingCount
        case "readCount": readCount
        case "stoppedReadingCount": stoppedReadingCount
        case "following": following
        case "requested": requested
        case "followedBy": followedBy
        case "blocking": blocking
        default: nil
        }
    }
}

extension ShelfResponse: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "identifier": identifier
        case "name": self.name
        case "privacy": privacy
        case "isDefault": isDefault
        case "bookCount": bookCount
        case "createdAt": createdAt
        default: nil
        }
    }
}
