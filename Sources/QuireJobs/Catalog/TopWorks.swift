/// The `capacity` best works by shared readers (more first, ties by the lower work id), kept in
/// a min-heap of at most `capacity` entries whose root is the worst kept: each offer costs
/// O(log capacity) and memory never grows past the capacity, however many works are offered.
struct TopWorks {
    struct Entry: Equatable {
        let work: Int64
        let shared: UInt32
    }

    let capacity: Int
    private var heap: [Entry] = []

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(capacity)
    }

    /// Whether `a` ranks below `b`.
    static func worse(_ a: Entry, _ b: Entry) -> Bool {
        a.shared != b.shared ? a.shared < b.shared : a.work > b.work
    }

    mutating func offer(_ entry: Entry) {
        guard capacity > 0 else { return }
        if heap.count < capacity {
            heap.append(entry)
            siftUp(heap.count - 1)
        } else if let root = heap.first, Self.worse(root, entry) {
            heap[0] = entry
            siftDown(0)
        }
    }

    /// The kept works best first, emptying the heap for the next work.
    mutating func drain() -> [Entry] {
        defer { heap.removeAll(keepingCapacity: true) }
        return heap.sorted { Self.worse($1, $0) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.worse(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var worst = parent
            if left < heap.count, Self.worse(heap[left], heap[worst]) { worst = left }
            if right < heap.count, Self.worse(heap[right], heap[worst]) { worst = right }
            guard worst != parent else { return }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }
}
