import Hummingbird
import QuireCore

/// `{"items": [...], "next_cursor": ...}` written by JSONWriter from `limit + 1` fetched rows: the
/// extra row only says whether more exist. `?fields=` applies to each item's keys. Every hot list
/// (statuses, shelf books, search, jobs) answers through this instead of Page and JSONEncoder,
/// which cost about 20 µs and 75 allocations an item (Benchmarks/Micro).
enum JSONPage {
    static func response<Row>(
        _ rows: [Row], limit: Int, selection: FieldSelection, bytesPerItem: Int = 500,
        cursor: (Row) -> Cursor, item: (Row, inout JSONWriter) -> Void
    ) -> Response {
        let shown = rows.prefix(limit)
        // Items are objects in an array in the page object: their keys are 3 deep.
        var w = JSONWriter(capacity: 256 + bytesPerItem * shown.count, selection: selection.names, selectionDepth: 3)
        w.beginObject()
        w.key("items")
        w.beginArray()
        for row in shown { item(row, &w) }
        w.endArray()
        w.key("next_cursor")
        w.string(rows.count > limit ? shown.last.map { cursor($0).encoded() } : nil)
        w.endObject()
        return JSONBody.response(buffer: w.buffer)
    }
}

/// A response written by hand into a JSONWriter (see there for why not JSONEncoder).
protocol JSONWritable: FieldNamed {
    func write(to w: inout JSONWriter)
}

extension JSONWritable {
    /// The object alone, honouring `?fields=`.
    func response(selection: FieldSelection = .all, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var w = JSONWriter(capacity: 1024, selection: selection.names, selectionDepth: 1)
        write(to: &w)
        return JSONBody.response(buffer: w.buffer, status: status, headers: headers)
    }

    /// The object as one line of JSON, such as a Server-Sent Event's data.
    var line: String {
        var w = JSONWriter(capacity: 1024)
        write(to: &w)
        return String(buffer: w.buffer)
    }
}
