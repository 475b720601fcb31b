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
