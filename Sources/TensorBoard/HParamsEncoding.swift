import CProtobufC
import CTensorBoardProto

/// A hyperparameter value: bool, number or string (TensorBoard's HParams types).
public enum HParamValue: Sendable, Equatable {
    /// `DATA_TYPE_BOOL`.
    case bool(Bool)
    /// `DATA_TYPE_FLOAT64` (integers too).
    case number(Double)
    /// `DATA_TYPE_STRING`.
    case string(String)
}

/// Serialises the hparams plugin's `HParamsPluginData` (plugins/hparams/plugin_data.proto)
/// through protobuf-c, the three messages torch's `add_hparams` writes (docs/reference/tensorboard-format.md, "HParams").
enum HParamsEncoding {
    /// `HParamsPluginData{experiment}`: one `HParamInfo` per hyperparameter (name, type,
    /// optional discrete domain) and one `MetricInfo` per metric tag.
    static func experiment(hparams: [(String, HParamValue)], discreteDomains: [String: [HParamValue]], metrics: [String]) -> [UInt8] {
        ProtobufArena.withArena { arena in
            let experiment = arena.allocate(Tensorboard__Hparams__Experiment.self)
            tensorboard__hparams__experiment__init(experiment)
            let infos = arena.allocate(UnsafeMutablePointer<Tensorboard__Hparams__HParamInfo>?.self, count: hparams.count)
            for (i, (name, value)) in hparams.enumerated() {
                let info = arena.allocate(Tensorboard__Hparams__HParamInfo.self)
                tensorboard__hparams__hparam_info__init(info)
                info.pointee.name = arena.cString(name)
                switch value {
                case .bool: info.pointee.type = TENSORBOARD__HPARAMS__DATA_TYPE__DATA_TYPE_BOOL
                case .number: info.pointee.type = TENSORBOARD__HPARAMS__DATA_TYPE__DATA_TYPE_FLOAT64
                case .string: info.pointee.type = TENSORBOARD__HPARAMS__DATA_TYPE__DATA_TYPE_STRING
                }
                if let domain = discreteDomains[name] {
                    let list = arena.allocate(Google__Protobuf__ListValue.self)
                    google__protobuf__list_value__init(list)
                    let values = arena.allocate(UnsafeMutablePointer<Google__Protobuf__Value>?.self, count: domain.count)
                    for (j, v) in domain.enumerated() { values[j] = makeValue(v, arena) }
                    list.pointee.n_values = domain.count
                    list.pointee.values = values
                    info.pointee.domain_case = TENSORBOARD__HPARAMS__HPARAM_INFO__DOMAIN_DOMAIN_DISCRETE
                    info.pointee.domain_discrete = list
                }
                infos[i] = info
            }
            experiment.pointee.n_hparam_infos = hparams.count
            experiment.pointee.hparam_infos = infos
            let metricInfos = arena.allocate(UnsafeMutablePointer<Tensorboard__Hparams__MetricInfo>?.self, count: metrics.count)
            for (i, tag) in metrics.enumerated() {
                let info = arena.allocate(Tensorboard__Hparams__MetricInfo.self)
                tensorboard__hparams__metric_info__init(info)
                let name = arena.allocate(Tensorboard__Hparams__MetricName.self)
                tensorboard__hparams__metric_name__init(name)
                name.pointee.tag = arena.cString(tag)
                info.pointee.name = name
                metricInfos[i] = info
            }
            experiment.pointee.n_metric_infos = metrics.count
            experiment.pointee.metric_infos = metricInfos
            let data = arena.allocate(Tensorboard__Hparams__HParamsPluginData.self)
            tensorboard__hparams__hparams_plugin_data__init(data)
            data.pointee.data_case = TENSORBOARD__HPARAMS__HPARAMS_PLUGIN_DATA__DATA_EXPERIMENT
            data.pointee.experiment = experiment
            return pack(data)
        }
    }

    /// `HParamsPluginData{session_start_info}` with the hparams map.
    static func sessionStart(hparams: [(String, HParamValue)], groupName: String = "", startTime: Double = 0) -> [UInt8] {
        ProtobufArena.withArena { arena in
            let start = arena.allocate(Tensorboard__Hparams__SessionStartInfo.self)
            tensorboard__hparams__session_start_info__init(start)
            let entries = arena.allocate(UnsafeMutablePointer<Tensorboard__Hparams__SessionStartInfo__HparamsEntry>?.self, count: hparams.count)
            for (i, (name, value)) in hparams.enumerated() {
                let entry = arena.allocate(Tensorboard__Hparams__SessionStartInfo__HparamsEntry.self)
                tensorboard__hparams__session_start_info__hparams_entry__init(entry)
                entry.pointee.key = arena.cString(name)
                entry.pointee.value = makeValue(value, arena)
                entries[i] = entry
            }
            start.pointee.n_hparams = hparams.count
            start.pointee.hparams = entries
            start.pointee.group_name = arena.cString(groupName)
            start.pointee.start_time_secs = startTime
            let data = arena.allocate(Tensorboard__Hparams__HParamsPluginData.self)
            tensorboard__hparams__hparams_plugin_data__init(data)
            data.pointee.data_case = TENSORBOARD__HPARAMS__HPARAMS_PLUGIN_DATA__DATA_SESSION_START_INFO
            data.pointee.session_start_info = start
            return pack(data)
        }
    }

    /// `HParamsPluginData{session_end_info{status: STATUS_SUCCESS}}`.
    static func sessionEnd() -> [UInt8] {
        ProtobufArena.withArena { arena in
            let end = arena.allocate(Tensorboard__Hparams__SessionEndInfo.self)
            tensorboard__hparams__session_end_info__init(end)
            end.pointee.status = TENSORBOARD__HPARAMS__STATUS__STATUS_SUCCESS
            let data = arena.allocate(Tensorboard__Hparams__HParamsPluginData.self)
            tensorboard__hparams__hparams_plugin_data__init(data)
            data.pointee.data_case = TENSORBOARD__HPARAMS__HPARAMS_PLUGIN_DATA__DATA_SESSION_END_INFO
            data.pointee.session_end_info = end
            return pack(data)
        }
    }

    private static func makeValue(_ value: HParamValue, _ arena: ProtobufArena) -> UnsafeMutablePointer<Google__Protobuf__Value> {
        let v = arena.allocate(Google__Protobuf__Value.self)
        google__protobuf__value__init(v)
        switch value {
        case .bool(let b):
            v.pointee.kind_case = GOOGLE__PROTOBUF__VALUE__KIND_BOOL_VALUE
            v.pointee.bool_value = b ? 1 : 0
        case .number(let x):
            v.pointee.kind_case = GOOGLE__PROTOBUF__VALUE__KIND_NUMBER_VALUE
            v.pointee.number_value = x
        case .string(let s):
            v.pointee.kind_case = GOOGLE__PROTOBUF__VALUE__KIND_STRING_VALUE
            v.pointee.string_value = arena.cString(s)
        }
        return v
    }

    private static func pack(_ data: UnsafeMutablePointer<Tensorboard__Hparams__HParamsPluginData>) -> [UInt8] {
        let size = tensorboard__hparams__hparams_plugin_data__get_packed_size(data)
        return EventEncoding.encodeMessage(size: size) { tensorboard__hparams__hparams_plugin_data__pack(data, $0) }
    }
}
