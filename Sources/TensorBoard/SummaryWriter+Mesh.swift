import CProtobufC
import CTensorBoardProto
import Foundation

extension SummaryWriter {
    /// Logs a triangle mesh or a point cloud for TensorBoard's Mesh dashboard (torch `add_mesh`).
    ///
    /// Written as TensorBoard's own `mesh_pb` writes it (tensorboard/plugins/mesh/summary_v2.py):
    /// one value per part, tagged `<tag>_VERTEX`, `<tag>_FACE` and `<tag>_COLOR`, each a tensor of
    /// shape `[1, count, 3]` (one mesh per step: torch's batch dimension B = 1) with plugin `mesh`
    /// and `MeshPluginData{name: tag, content_type, components, shape, json_config}`.
    /// Vertices are `DT_FLOAT`, faces `DT_INT32` and colors `DT_UINT8`: the element types the
    /// plugin serves to the browser (torch writes all three as `DT_FLOAT`).
    ///
    /// - Parameters:
    ///   - tag: Mesh name.
    ///   - vertices: `N` points (x, y, z), any `BinaryFloatingPoint` scalar, stored as float32.
    ///   - colors: Optional RGB color per vertex (`N` of them), 0…255.
    ///   - faces: Optional triangles as three vertex indices in `0..<N` each; without faces the
    ///     dashboard draws a point cloud.
    ///   - configJSON: A JSON object of three.js settings (torch's `config_dict`, serialised),
    ///     e.g. `{"camera": {"cls": "PerspectiveCamera", "fov": 75}}`; default `{}`.
    ///   - step: Global step (default 0, as torch's `global_step=None`).
    ///   - wallTime: Seconds since the Unix epoch (default now).
    /// - Throws: `SummaryWriterError.invalidArgument` for no vertices, a non-finite coordinate,
    ///   a color count other than `N`, a face index outside `0..<N`, or a configuration that is
    ///   not a JSON object; a write error.
    public func addMesh<Value: BinaryFloatingPoint & SIMDScalar>(
        _ tag: String, vertices: [SIMD3<Value>], colors: [SIMD3<UInt8>]? = nil, faces: [SIMD3<Int>]? = nil,
        configJSON: String = "{}", step: Int = 0, wallTime: Double? = nil
    ) throws(SummaryWriterError) {
        let n = vertices.count
        guard n > 0 else { throw .invalidArgument("mesh \(tag): no vertices") }
        if let bad = vertices.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite) }) {
            throw .invalidArgument("mesh \(tag): vertex \(bad) has a NaN or infinite coordinate")
        }
        if let colors, colors.count != n {
            throw .invalidArgument("mesh \(tag): \(colors.count) colors for \(n) vertices; give one color per vertex")
        }
        if let faces, let bad = faces.firstIndex(where: { !(0..<n).contains($0.x) || !(0..<n).contains($0.y) || !(0..<n).contains($0.z) }) {
            throw .invalidArgument("mesh \(tag): face \(bad) \(faces[bad]) refers to a vertex outside 0..<\(n)")
        }
        guard (try? JSONSerialization.jsonObject(with: Data(configJSON.utf8))) is [String: Any] else {
            throw .invalidArgument("mesh \(tag): configJSON is not a JSON object: \(configJSON.prefix(80))")
        }
        var parts: [(MeshContent, TensorValue)] = [
            (.vertex, TensorValue(dataType: TensorValue.float, shape: [1, Int64(n), 3], storage: .floats(vertices.flatMap { [Float($0.x), Float($0.y), Float($0.z)] })))
        ]
        if let faces {
            parts.append((.face, TensorValue(dataType: TensorValue.int32, shape: [1, Int64(faces.count), 3], storage: .int32s(faces.flatMap { [Int32($0.x), Int32($0.y), Int32($0.z)] }))))
        }
        if let colors {
            parts.append((.color, TensorValue(dataType: TensorValue.uint8, shape: [1, Int64(n), 3], storage: .int32s(colors.flatMap { [Int32($0.x), Int32($0.y), Int32($0.z)] }))))
        }
        // tensorboard/plugins/mesh/metadata.py get_components_bitmask: bit (1 << content type) per part.
        let components = parts.reduce(UInt32(0)) { $0 | (1 << $1.0.rawValue) }
        let values = parts.map { content, tensor in
            let pluginData = MeshContent.pluginData(name: tag, content: content, components: components, shape: tensor.shape, configJSON: configJSON)
            return SummaryValue(tag: tag + "_" + content.name, metadata: SummaryMetadata(pluginName: "mesh", pluginContent: pluginData), value: .tensor(tensor))
        }
        try write(values: values, step: step, wallTime: wallTime)
    }
}

/// The parts of a mesh summary (`MeshPluginData.ContentType`, mesh/plugin_data.proto).
enum MeshContent: UInt32 {
    case vertex = 1
    case face = 2
    case color = 3

    /// The enum value's name, which TensorBoard appends to the tag (`metadata.get_instance_name`).
    var name: String {
        switch self {
        case .vertex: return "VERTEX"
        case .face: return "FACE"
        case .color: return "COLOR"
        }
    }

    /// The serialized `MeshPluginData` of one part (`tensorboard__mesh__mesh_plugin_data__pack`).
    static func pluginData(name: String, content: MeshContent, components: UInt32, shape: [Int64], configJSON: String) -> [UInt8] {
        ProtobufArena.withArena { arena -> [UInt8] in
            let data = arena.allocate(Tensorboard__Mesh__MeshPluginData.self)
            tensorboard__mesh__mesh_plugin_data__init(data)
            data.pointee.version = 0
            data.pointee.name = arena.cString(name)
            data.pointee.content_type = Tensorboard__Mesh__MeshPluginData__ContentType(rawValue: content.rawValue)
            data.pointee.components = components
            data.pointee.json_config = arena.cString(configJSON)
            data.pointee.n_shape = shape.count
            data.pointee.shape = arena.array(shape.map { Int32(clamping: $0) })
            let size = tensorboard__mesh__mesh_plugin_data__get_packed_size(data)
            return EventEncoding.encodeMessage(size: size) { tensorboard__mesh__mesh_plugin_data__pack(data, $0) }
        }
    }
}
