/// A cheap look at a serialized `Event` deciding whether protobuf-c must decode it for the
/// dashboard kinds wanted: an image event need not be unpacked (and its bytes copied) when only
/// histograms are exported.
///
/// Walks the protobuf wire format (`Event.summary` = field 5, `Summary.value` = field 1, and in
/// each value `tag` 1, `simple_value` 2, `image` 4, `histo` 5, `audio` 6, `tensor` 8,
/// `metadata` 9) without allocating, every length checked against the buffer.
enum EventKindScan {
    /// What the reader knows of a tag's plugin.
    enum TagPlugin {
        /// The tag has not been decoded yet.
        case unseen
        /// The tag's series belongs to this dashboard (`nil`: to none, or to a plugin without one).
        case seen(DashboardKind?)
    }

    /// Whether the event may hold a value of `kinds`; `false` only when it certainly does not.
    ///
    /// A value with metadata of a tag not seen before needs decoding (its metadata names the
    /// tag's plugin, and the first plugin seen for a tag is what TensorBoard classifies the
    /// series by); for a tag already seen the metadata is skipped. The kind of a tensor, or of a
    /// value with metadata, comes from `plugin`, given the tag's bytes. Malformed bytes answer
    /// `true`, so that protobuf-c reports them.
    ///
    /// - Complexity: O(payload size), no allocation except inside `plugin`.
    static func mayHold(
        _ payload: UnsafeRawBufferPointer, kinds: Set<DashboardKind>, plugin: (UnsafeRawBufferPointer) -> TagPlugin
    ) -> Bool {
        var o = 0
        let end = payload.count
        while o < end {
            guard let key = ScalarEventDecoding.readVarint(payload, &o, end) else { return true }
            guard key == 0x2A else {  // anything but `summary` holds no value
                if !ScalarEventDecoding.skip(key & 7, payload, &o, end) { return true }
                continue
            }
            guard let length = ScalarEventDecoding.readVarint(payload, &o, end), length <= UInt64(end - o) else { return true }
            let summaryEnd = o + Int(length)
            while o < summaryEnd {
                guard let k = ScalarEventDecoding.readVarint(payload, &o, summaryEnd) else { return true }
                guard k == 0x0A else {
                    if !ScalarEventDecoding.skip(k & 7, payload, &o, summaryEnd) { return true }
                    continue
                }
                guard let valueLength = ScalarEventDecoding.readVarint(payload, &o, summaryEnd), valueLength <= UInt64(summaryEnd - o) else {
                    return true
                }
                let valueEnd = o + Int(valueLength)
                var tag = UnsafeRawBufferPointer(rebasing: payload[o..<o])
                var kind: DashboardKind?
                var byPlugin = false
                while o < valueEnd {
                    guard let vk = ScalarEventDecoding.readVarint(payload, &o, valueEnd) else { return true }
                    switch vk {
                    case 0x4A:  // metadata: decode to learn the plugin of a tag not seen before
                        guard case .seen = plugin(tag) else { return true }
                        byPlugin = true
                    case 0x15: kind = .scalars
                    case 0x22: kind = .images
                    case 0x2A: kind = .histograms
                    case 0x32: kind = .audio
                    case 0x42: byPlugin = true
                    default: break
                    }
                    if vk == 0x0A {
                        guard let n = ScalarEventDecoding.readVarint(payload, &o, valueEnd), n <= UInt64(valueEnd - o) else { return true }
                        tag = UnsafeRawBufferPointer(rebasing: payload[o..<(o + Int(n))])
                        o += Int(n)
                    } else if !ScalarEventDecoding.skip(vk & 7, payload, &o, valueEnd) {
                        return true
                    }
                }
                // A legacy field types the value by itself; a tensor or a bare value by its plugin.
                if kind == nil, byPlugin, case .seen(let known) = plugin(tag) { kind = known }
                if let kind, kinds.contains(kind) { return true }
            }
        }
        return false
    }
}
