import CProtobufC
import CTensorBoardProto

/// One record of the hparams plugin: the decoded `HParamsPluginData` of a summary value.
public enum HParamsRecord: Sendable, Equatable {
    /// The experiment: hyperparameter and metric definitions (tag `_hparams_/experiment`).
    case experiment(HParamsExperiment)
    /// A session's hyperparameter values (tag `_hparams_/session_start_info`).
    case sessionStart(hparams: [HParamEntry], groupName: String)
    /// The end of a session (tag `_hparams_/session_end_info`); `status` is the plugin's
    /// `Status` enum value (1 success, 2 failure, 3 running).
    case sessionEnd(status: Int32)
}

/// A named hyperparameter value, in the order the writer stored it.
public struct HParamEntry: Sendable, Equatable {
    /// The hyperparameter's name.
    public var name: String
    /// Its value.
    public var value: HParamValue

    /// Creates an entry.
    ///
    /// - Parameters:
    ///   - name: Name.
    ///   - value: Value.
    public init(name: String, value: HParamValue) {
        self.name = name
        self.value = value
    }
}

/// The hparams plugin's `Experiment`: what the HParams dashboard's table has columns for.
public struct HParamsExperiment: Sendable, Equatable {
    /// One hyperparameter definition (`HParamInfo`).
    public struct HParam: Sendable, Equatable {
        /// Name.
        public var name: String
        /// Declared type: `"string"`, `"bool"`, `"float64"` or `""` when unset.
        public var type: String
        /// The discrete domain, when one was declared.
        public var discreteDomain: [HParamValue]?
        /// The interval domain `[min, max]`, when one was declared.
        public var interval: ClosedRange<Double>?
    }

    /// One metric definition (`MetricInfo`): the scalar series `tag` in the session's run, or
    /// in its subdirectory `group` when `group` is not empty.
    public struct Metric: Sendable, Equatable {
        /// The run subdirectory holding the series, relative to the session's run.
        public var group: String
        /// The scalar tag.
        public var tag: String
        /// Display name (may be empty).
        public var displayName: String
    }

    /// Hyperparameter definitions, in written order.
    public var hparams: [HParam]
    /// Metric definitions, in written order.
    public var metrics: [Metric]
}

/// Parses `HParamsPluginData` (plugins/hparams/plugin_data.proto) through protobuf-c.
enum HParamsDecoding {
    /// Decodes a serialized `HParamsPluginData`.
    ///
    /// - Parameter bytes: The summary metadata's plugin content.
    /// - Returns: The record, or `nil` when the bytes do not parse
    ///   (`tensorboard__hparams__hparams_plugin_data__unpack` returns NULL) or hold no record.
    static func decode(_ bytes: [UInt8]) -> HParamsRecord? {
        bytes.withUnsafeBufferPointer { buffer -> HParamsRecord? in
            guard let message = tensorboard__hparams__hparams_plugin_data__unpack(nil, buffer.count, buffer.baseAddress) else { return nil }
            defer { tensorboard__hparams__hparams_plugin_data__free_unpacked(message, nil) }
            let data = message.pointee
            switch data.data_case {
            case TENSORBOARD__HPARAMS__HPARAMS_PLUGIN_DATA__DATA_EXPERIMENT:
                guard let experiment = data.experiment?.pointee else { return nil }
                return .experiment(decodeExperiment(experiment))
            case TENSORBOARD__HPARAMS__HPARAMS_PLUGIN_DATA__DATA_SESSION_START_INFO:
                guard let start = data.session_start_info?.pointee else { return nil }
                var entries = [HParamEntry]()
                for i in 0..<start.n_hparams {
                    guard let entry = start.hparams[i]?.pointee, let value = hparamValue(entry.value) else { continue }
                    entries.append(HParamEntry(name: swiftString(entry.key), value: value))
                }
                return .sessionStart(hparams: entries, groupName: swiftString(start.group_name))
            case TENSORBOARD__HPARAMS__HPARAMS_PLUGIN_DATA__DATA_SESSION_END_INFO:
                return .sessionEnd(status: Int32(bitPattern: data.session_end_info?.pointee.status.rawValue ?? 0))
            default:
                return nil
            }
        }
    }

    private static func decodeExperiment(_ e: Tensorboard__Hparams__Experiment) -> HParamsExperiment {
        var hparams = [HParamsExperiment.HParam]()
        for i in 0..<e.n_hparam_infos {
            guard let info = e.hparam_infos[i]?.pointee else { continue }
            let type: String
            switch info.type {
            case TENSORBOARD__HPARAMS__DATA_TYPE__DATA_TYPE_STRING: type = "string"
            case TENSORBOARD__HPARAMS__DATA_TYPE__DATA_TYPE_BOOL: type = "bool"
            case TENSORBOARD__HPARAMS__DATA_TYPE__DATA_TYPE_FLOAT64: type = "float64"
            default: type = ""
            }
            var discrete: [HParamValue]?
            var interval: ClosedRange<Double>?
            if info.domain_case == TENSORBOARD__HPARAMS__HPARAM_INFO__DOMAIN_DOMAIN_DISCRETE, let list = info.domain_discrete?.pointee {
                discrete = (0..<list.n_values).compactMap { hparamValue(list.values[$0]) }
            } else if info.domain_case == TENSORBOARD__HPARAMS__HPARAM_INFO__DOMAIN_DOMAIN_INTERVAL, let range = info.domain_interval?.pointee,
                range.min_value <= range.max_value
            {
                interval = range.min_value...range.max_value
            }
            hparams.append(HParamsExperiment.HParam(name: swiftString(info.name), type: type, discreteDomain: discrete, interval: interval))
        }
        var metrics = [HParamsExperiment.Metric]()
        for i in 0..<e.n_metric_infos {
            guard let info = e.metric_infos[i]?.pointee else { continue }
            let name = info.name?.pointee
            metrics.append(
                HParamsExperiment.Metric(group: swiftString(name?.group), tag: swiftString(name?.tag), displayName: swiftString(info.display_name)))
        }
        return HParamsExperiment(hparams: hparams, metrics: metrics)
    }

    private static func hparamValue(_ pointer: UnsafeMutablePointer<Google__Protobuf__Value>?) -> HParamValue? {
        guard let v = pointer?.pointee else { return nil }
        switch v.kind_case {
        case GOOGLE__PROTOBUF__VALUE__KIND_NUMBER_VALUE: return .number(v.number_value)
        case GOOGLE__PROTOBUF__VALUE__KIND_STRING_VALUE: return .string(swiftString(v.string_value))
        case GOOGLE__PROTOBUF__VALUE__KIND_BOOL_VALUE: return .bool(v.bool_value != 0)
        default: return nil
        }
    }
}
